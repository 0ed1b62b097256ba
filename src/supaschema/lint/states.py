"""The two states lint reads: schema.yaml's desired state (on a shadow database) and a live database."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ..postgres.connection import Target
from ..catalog.introspect import Scope
from ..postgres.shadow import Throwaway
from ..spec.model import Spec
from ..catalog.states import desired_snapshot, scope_for, snapshot_of
from .config import LintConfig
from .engine import LintResult, run_lints
from .index_usage import index_scans


def lint_scope(spec: Spec | None, config: LintConfig, *, seeds: bool) -> Scope:
    scope = scope_for(spec)
    schemas = tuple(dict.fromkeys((*scope.schemas, *config.exposed_schemas)))
    # Same scope as diff and gen when nothing else is exposed, so their cached desired state serves lint too.
    return dataclasses.replace(scope, schemas=schemas, seeds=scope.seeds if seeds else ())


def lint_desired(throwaway: Throwaway, spec: Spec, templates: Path, config: LintConfig) -> LintResult:
    snapshot = desired_snapshot(throwaway, spec, templates, lint_scope(spec, config, seeds=True))
    return run_lints(snapshot, config)


def lint_live(target: Target, config: LintConfig) -> LintResult:
    """Read-only, like diff; seeded rows are not read (lint does not look at data)."""
    scope = lint_scope(None, config, seeds=False)
    snapshot = snapshot_of(target, scope, "database")
    return run_lints(snapshot, config, index_scans(target, scope.schemas))
