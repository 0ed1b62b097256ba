"""Leaving alone what schema.yaml does not manage, before two snapshots are compared.

An undeclared object that an `unmanaged:` pattern names (or that belongs to such a
table) is taken out of the actual side, so it is never reported as extra, never
dropped by a plan and never pulled. With `report_undeclared: false`, every object
schema.yaml does not declare at all is taken out too; what hangs on a declared
table (an extra column, policy or index) is still reported.
"""

from __future__ import annotations

import dataclasses
from fnmatch import fnmatchcase
from typing import Any

from ..catalog import snapshot as snap
from ..spec.model import Unmanaged

TOP_LEVEL = (snap.Table, snap.Function)


@dataclasses.dataclass(frozen=True, slots=True)
class Skipped:
    unmanaged: int = 0  # matched an `unmanaged:` pattern
    undeclared: int = 0  # not declared, and report_undeclared is false

    def to_dict(self) -> dict[str, int]:
        return {"unmanaged": self.unmanaged, "undeclared": self.undeclared}


def matches(globs: tuple[str, ...], schema: str, name: str) -> bool:
    return any(fnmatchcase(name, g) or fnmatchcase(f"{schema}.{name}", g) for g in globs)


def leave_alone(expected: snap.Snapshot, actual: snap.Snapshot, unmanaged: Unmanaged) -> tuple[snap.Snapshot, Skipped]:
    if unmanaged.report_undeclared and not unmanaged.patterns:
        return actual, Skipped()
    globs = dict(unmanaged.patterns)
    declared_tables = expected.of(snap.Table)
    foreign_tables = {k for k, t in actual.of(snap.Table).items()
                      if k not in declared_tables and matches(globs.get("table", ()), t.schema, t.name)}
    foreign_paths = {actual.of(snap.Table)[k].path for k in foreign_tables}
    foreign_paths |= {f.path for k, f in actual.of(snap.Function).items()
                      if k not in expected.of(snap.Function) and matches(globs.get("function", ()), f.schema, f.name)}
    undeclared, undeclared_paths = set(), set()
    if not unmanaged.report_undeclared:
        undeclared = {k for k in actual.of(snap.Table) if k not in declared_tables} - foreign_tables
        undeclared_paths = {o.path for kind in TOP_LEVEL for k, o in actual.of(kind).items() if k not in expected.of(kind)}
    context = _Context(globs, foreign_tables, foreign_paths, undeclared, undeclared_paths,
                       unmanaged.report_undeclared, set(declared_tables))
    counts = {"unmanaged": 0, "undeclared": 0}
    kept: dict[str, dict[tuple, Any]] = {}
    for kind in snap.KINDS:
        declared = expected.of(kind)
        kept[kind.KIND] = {}
        for key, obj in actual.of(kind).items():
            reason = None if key in declared else context.why_skipped(obj)
            if reason:
                counts[reason] += 1
            else:
                kept[kind.KIND][key] = obj
    return dataclasses.replace(actual, objects=kept), Skipped(**counts)


@dataclasses.dataclass(frozen=True, slots=True)
class _Context:
    globs: dict
    foreign_tables: set  # tables an unmanaged: pattern names
    foreign_paths: set  # their paths, and those of unmanaged functions
    undeclared_tables: set  # with report_undeclared: false, tables schema.yaml does not declare
    undeclared_paths: set
    report_undeclared: bool
    declared_tables: set

    def why_skipped(self, obj: Any) -> str | None:
        if isinstance(obj, snap.Grant):
            target = obj.on or obj.object  # a column privilege belongs to its table
            return "unmanaged" if target in self.foreign_paths else "undeclared" if target in self.undeclared_paths else None
        if isinstance(obj, snap.DefaultPrivilege):
            return None  # about objects not created yet: nothing a pattern can name
        if isinstance(obj, TOP_LEVEL):
            return "unmanaged" if obj.path in self.foreign_paths else None if self.report_undeclared else "undeclared"
        table = getattr(obj, "table", None)
        if table is not None and (obj.schema, table) in self.foreign_tables:
            return "unmanaged"
        if table is not None and (obj.schema, table) in self.undeclared_tables:
            return "undeclared"
        if matches(self.globs.get(obj.KIND, ()), obj.schema, obj.name):
            return "unmanaged"
        on_external_table = isinstance(obj, snap.Trigger) and (obj.schema, obj.table) not in self.declared_tables
        return "undeclared" if on_external_table and not self.report_undeclared else None
