"""Drift items -> ordered operations that turn the actual database into the desired one.

Each drift item maps to one or more operations through the handler registered for
its (kind, change) in one module per kind: tables, columns, constraints (and
indexes), policies, functions, triggers, grants, seeds. Every operation carries
its phase (which fixes the order: functions before the tables that use them,
tables before indexes, RLS and policies, triggers after functions, seed rows after
columns, grants last) and its hazards. Rendering is plan.render's job.
"""

from __future__ import annotations

import dataclasses
from functools import cached_property
from typing import Any

from ..catalog import snapshot as snap
from ..catalog.introspect import Scope
from ..drift.compare import Drift
from . import (columns, composite_types, constraints, default_privileges, domains, enums, extensions, functions, grants, policies, renames,
               schemas, seeds, sequences, tables, triggers, views)
from .operations import Operation, Phase, Plan, Step, merged
from .registry import HANDLERS

# Importing a kind's module registers its handlers.
KIND_MODULES = (schemas, extensions, tables, columns, constraints, policies, functions, triggers, views, enums, sequences, domains,
                composite_types, grants, default_privileges, seeds, renames)


class SnapshotIndex:
    """Objects of a snapshot by (kind, path), as drift items name them, and children by table."""

    def __init__(self, snapshot: snap.Snapshot):
        self.snapshot = snapshot
        self._children: dict[type, dict[tuple[str, str], list[Any]]] = {}
        self._grants: dict[str, list[snap.GrantItem]] | None = None
        self.by_path: dict[tuple[str, str, str | None], Any] = {}
        for kind in snap.KINDS:
            for obj in snapshot.of(kind).values():
                if isinstance(obj, snap.Grant):
                    for item in obj.items().values():
                        self.by_path[(kind.KIND, obj.path, item.label)] = item
                else:
                    self.by_path[(kind.KIND, obj.path, None)] = obj

    def get(self, drift: Drift) -> Any:
        label = drift.field.split(":")[0] if drift.kind == "grant" and drift.field else None
        return self.by_path[(drift.kind, drift.object, label)]

    def children(self, kind: type, schema: str, table: str) -> list[Any]:
        if kind not in self._children:
            grouped: dict[tuple[str, str], list[Any]] = {}
            for obj in self.snapshot.of(kind).values():
                grouped.setdefault((obj.schema, obj.table), []).append(obj)
            self._children[kind] = grouped
        return self._children[kind].get((schema, table), [])

    def grants_on(self, path: str) -> list[snap.GrantItem]:
        if self._grants is None:
            self._grants = {}
            for grant in self.snapshot.of(snap.Grant).values():
                self._grants.setdefault(grant.on or grant.object, []).extend(grant.items().values())
        return self._grants.get(path, [])


class Planner:
    """Collects operations; several drifts of one object give one statement."""

    def __init__(self, want: SnapshotIndex, have: SnapshotIndex, scope: Scope):
        self.want, self.have, self.scope = want, have, scope
        self.operations: list[Operation] = []
        self.sequence: dict[int, int] = {}
        self.emitted: set[tuple[str, str]] = set()  # (action, target)

    def emit(self, action: str, phase: Phase, target: str, hazards: tuple[str, ...] = (), *, step: Step = Step.ATOMIC,
             **params: Any) -> None:
        op = Operation(action, phase, target, params, hazards, step)
        self.sequence[id(op)] = len(self.operations)
        self.operations.append(op)
        self.emitted.add((action, target))

    def add(self, drift: Drift) -> None:
        obj = self.want.get(drift) if drift.change != "extra" else self.have.get(drift)
        HANDLERS[(drift.kind, drift.change)](self, drift, obj)

    @cached_property
    def created(self) -> frozenset[tuple[str, str | None]]:
        """(table, column) for each column this plan adds to an existing table, (table, None) for each new table."""
        have_tables = self.have.snapshot.of(snap.Table)
        have_columns = self.have.snapshot.of(snap.Column)
        tables = {(t.name, None) for key, t in self.want.snapshot.of(snap.Table).items() if key not in have_tables}
        columns = {(c.table, c.name) for key, c in self.want.snapshot.of(snap.Column).items()
                   if key not in have_columns and (c.schema, c.table) in have_tables}
        return frozenset(tables | columns)

    @cached_property
    def created_views(self) -> tuple[snap.View, ...]:
        """The views, materialized too, this plan creates."""
        have = self.have.snapshot.of(snap.View)
        return tuple(v for key, v in self.want.snapshot.of(snap.View).items() if key not in have)

    def ordered(self) -> list[Operation]:
        # A comment on an index built CONCURRENTLY can only follow the build, whichever drift planned it first.
        built_later = {op.target for op in self.operations if op.step == Step.CONCURRENT}
        ops = [dataclasses.replace(op, step=Step.FINISH) if op.action == "comment_on" and op.target in built_later else op
               for op in sorted(self.operations, key=lambda op: self.sequence[id(op)])]
        return sorted(ops, key=lambda op: op.step * 1000 + op.phase)  # stable: planning order within a phase

    def table_exists(self, schema: str, name: str) -> bool:
        """Whether the table (or materialized view) is already there, holding rows the plan must not lock up."""
        return any((kind, f"{schema}.{name}", None) in self.have.by_path for kind in ("table", "view"))


def make_plan(drifts: list[Drift], desired: snap.Snapshot, actual: snap.Snapshot, scope: Scope) -> Plan:
    planner = Planner(SnapshotIndex(desired), SnapshotIndex(actual), scope)
    for drift in drifts:
        planner.add(drift)
    return Plan(tuple(merged(planner.ordered())))
