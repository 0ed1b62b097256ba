"""The multi-step jobs behind `gen` (once a baseline exists) and `plan`: states -> drift -> plan -> SQL."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import snapshot as snap
from .compare import Drift, compare
from .database import Target
from .errors import Problem, UserError
from .plan import Plan, make_plan
from .plan_render import render_plan
from .shadow import Throwaway
from .spec import Spec
from .states import committed_snapshot, desired_snapshot, scope_for, snapshot_of


@dataclass(frozen=True, slots=True)
class Planned:
    drifts: list[Drift]
    plan: Plan
    sql: str

    @property
    def destructive(self) -> list[str]:
        return [op.target for op in self.plan.operations if op.destructive]


def _planned(desired: snap.Snapshot, actual: snap.Snapshot, spec: Spec, templates: Path, title: str,
             allow_destructive: bool) -> Planned:
    drifts = compare(desired, actual)
    plan = make_plan(drifts, desired, actual, scope_for(spec))
    return Planned(drifts, plan, render_plan(plan, templates, title, allow_destructive) if drifts else "")


def pending_evolution(throwaway: Throwaway, spec: Spec, templates: Path, folder: Path, allow_destructive: bool) -> Planned:
    """What schema.yaml declares that replaying the migration folder does not yet produce."""
    scope = scope_for(spec)
    desired = desired_snapshot(throwaway, spec, templates, scope)
    history = committed_snapshot(throwaway, folder, scope)
    return _planned(desired, history, spec, templates, "Evolves the migration history towards schema.yaml.", allow_destructive)


def repair_plan(throwaway: Throwaway, spec: Spec, templates: Path, live: Target, allow_destructive: bool) -> Planned:
    """SQL that brings a live database back to schema.yaml."""
    scope = scope_for(spec)
    actual = snapshot_of(live, scope, "database")
    desired = desired_snapshot(throwaway, spec, templates, scope)
    return _planned(desired, actual, spec, templates, "Repairs the drift of a live database towards schema.yaml.", allow_destructive)


def refuse_destructive(planned: Planned) -> None:
    if planned.destructive:
        raise UserError([Problem(target, "this change deletes data",
                                 "review it, then run again with --allow-destructive to include it") for target in planned.destructive])
