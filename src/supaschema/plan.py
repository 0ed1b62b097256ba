"""Drift items -> ordered operations that turn the actual database into the desired one.

Each drift item maps to one or more operations; every operation carries its
phase (which fixes the order: functions before the tables that use them,
tables before indexes, RLS and policies, triggers after functions, seed rows
after columns, grants last), its hazards, and whether it destroys data.
Destructiveness and hazards come from the operation's type, never from
looking at SQL text. Rendering is plan_render's job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from . import snapshot as snap
from .compare import Drift
from .introspect import Scope
from .spec import RESET_ROLES

DELETES_DATA = "DELETES_DATA"
REWRITES_TABLE = "REWRITES_TABLE"
LOCKS_TABLE = "LOCKS_TABLE"
CHANGES_ACCESS = "CHANGES_ACCESS"



class Phase(IntEnum):
    DROP_POLICIES = 10
    DROP_TRIGGERS = 20
    DROP_INDEXES = 30
    DROP_FOREIGN_KEYS = 40
    DROP_CONSTRAINTS = 50
    DROP_RETYPED_FUNCTIONS = 55  # a function whose result type changes cannot be replaced in place
    FUNCTIONS = 60
    CREATE_TABLES = 70
    COLUMN_IDENTITY = 75  # before defaults: a column stops being identity before it gets a default
    COLUMNS = 80
    CONSTRAINTS = 90
    FOREIGN_KEYS = 100
    INDEXES = 110
    RLS = 120
    POLICIES = 130
    TRIGGERS = 140
    COMMENTS = 150
    DROP_COLUMNS = 160
    DROP_TABLES = 170
    DROP_FUNCTIONS = 180
    SEED_ROWS = 190
    GRANTS = 200


@dataclass(frozen=True, slots=True)
class Operation:
    action: str  # names the template: templates/plan/<action>.sql.j2
    phase: Phase
    target: str  # the object path, for the header and comments
    params: dict = field(default_factory=dict, compare=False, hash=False)
    hazards: tuple[str, ...] = ()

    @property
    def destructive(self) -> bool:
        return DELETES_DATA in self.hazards


@dataclass(frozen=True, slots=True)
class Plan:
    operations: tuple[Operation, ...]


class _Index:
    """Objects of a snapshot by (kind, path), as drift items name them."""

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
                self._grants.setdefault(grant.object, []).extend(grant.items().values())
        return self._grants.get(path, [])


def make_plan(drifts: list[Drift], desired: snap.Snapshot, actual: snap.Snapshot, scope: Scope) -> Plan:
    want, have = _Index(desired), _Index(actual)
    planner = _Planner(want, have, scope)
    for drift in drifts:
        planner.add(drift)
    ordered = sorted(planner.operations, key=lambda op: (op.phase, planner.sequence[id(op)]))
    return Plan(tuple(_merged(ordered)))


# Operations that read better as one statement when they share everything but a list.
_MERGEABLE = {
    "grant": lambda op: (op.params["grant"].object_kind, op.params["grant"].object, op.params["grant"].grantee, op.params["grant"].grantable),
    "revoke": lambda op: (op.params["grant"].object_kind, op.params["grant"].object, op.params["grant"].grantee),
    "insert_seed_rows": lambda op: (op.params["row"].schema, op.params["row"].table),
    "update_seed_row": lambda op: op.target,
}
_LIST_PARAM = {"grant": "grants", "revoke": "grants", "insert_seed_rows": "rows", "update_seed_row": "changes"}
_ITEM_PARAM = {"grant": "grant", "revoke": "grant", "insert_seed_rows": "row", "update_seed_row": "change"}


def _merged(operations: list[Operation]) -> list[Operation]:
    """GRANT SELECT, INSERT ... instead of one GRANT per privilege; one INSERT for many seed rows."""
    result: list[Operation] = []
    for op in operations:
        key = _MERGEABLE.get(op.action)
        item = op.params.get(_ITEM_PARAM.get(op.action, ""))
        previous = result[-1] if result else None
        if key and previous is not None and previous.action == op.action and key(previous) == key(op):
            items = previous.params[_LIST_PARAM[op.action]] + [item]
            result[-1] = Operation(op.action, op.phase, op.target, {**previous.params, _LIST_PARAM[op.action]: items}, op.hazards)
        elif key:
            result.append(Operation(op.action, op.phase, op.target, {**op.params, _LIST_PARAM[op.action]: [item]}, op.hazards))
        else:
            result.append(op)
    return result


class _Planner:
    def __init__(self, want: _Index, have: _Index, scope: Scope):
        self.want, self.have, self.scope = want, have, scope
        self.operations: list[Operation] = []
        self.sequence: dict[int, int] = {}
        self.emitted: set[tuple[str, str]] = set()  # (action, target): several drifts of one object, one statement

    def emit(self, action: str, phase: Phase, target: str, hazards: tuple[str, ...] = (), **params: Any) -> None:
        op = Operation(action, phase, target, params, hazards)
        self.sequence[id(op)] = len(self.operations)
        self.operations.append(op)
        self.emitted.add((action, target))

    def add(self, drift: Drift) -> None:
        handler = getattr(self, f"_{drift.kind}_{drift.change}")
        obj = self.want.get(drift) if drift.change != "extra" else self.have.get(drift)
        handler(drift, obj)

    # --- tables ---------------------------------------------------------------

    def _table_missing(self, drift: Drift, table: snap.Table) -> None:
        columns = self.want.children(snap.Column, table.schema, table.name)
        self.emit("create_table", Phase.CREATE_TABLES, table.path, (), table=table, columns=columns)
        for column in columns:
            if column.comment is not None:
                self.emit("comment_column", Phase.COMMENTS, column.path, (), column=column, comment=column.comment)
        if table.rls_enabled:
            self.emit("set_rls", Phase.RLS, table.path, (CHANGES_ACCESS,), table=table, enabled=True)
        if table.rls_force:
            self.emit("set_force_rls", Phase.RLS, table.path, (CHANGES_ACCESS,), table=table, force=True)
        if table.comment is not None:
            self.emit("comment_table", Phase.COMMENTS, table.path, (), table=table, comment=table.comment)
        self._fresh_grants("table", table.path)
        # Everything that belongs to the table comes with it, each in its own phase.
        for kind, add in ((snap.Constraint, self._constraint_missing), (snap.Index, self._index_missing),
                          (snap.Policy, self._policy_missing), (snap.Trigger, self._trigger_missing),
                          (snap.SeedRow, self._seed_row_missing)):
            for child in self.want.children(kind, table.schema, table.name):
                add(drift, child)

    def _table_extra(self, drift: Drift, table: snap.Table) -> None:
        self.emit("drop_table", Phase.DROP_TABLES, table.path, (DELETES_DATA,), table=table)

    def _table_changed(self, drift: Drift, table: snap.Table) -> None:
        if drift.field == "rls_enabled":
            self.emit("set_rls", Phase.RLS, table.path, (CHANGES_ACCESS,), table=table, enabled=table.rls_enabled)
        elif drift.field == "rls_force":
            self.emit("set_force_rls", Phase.RLS, table.path, (CHANGES_ACCESS,), table=table, force=table.rls_force)
        elif drift.field == "comment":
            self.emit("comment_table", Phase.COMMENTS, table.path, (), table=table, comment=table.comment)

    def _fresh_grants(self, object_kind: str, path: str) -> None:
        """A new object gets exactly the declared privileges, whatever the server's defaults grant."""
        self.emit("revoke_all", Phase.GRANTS, path, (CHANGES_ACCESS,), object_kind=object_kind, object=path, roles=RESET_ROLES)
        for grant in self.want.grants_on(path):
            self._grant_missing(None, grant)

    # --- columns --------------------------------------------------------------

    def _column_missing(self, drift: Drift, column: snap.Column) -> None:
        hazards = (LOCKS_TABLE,) + ((REWRITES_TABLE,) if column.generated or column.identity else ())
        self.emit("add_column", Phase.COLUMNS, column.path, hazards, column=column)
        if column.comment is not None:
            self.emit("comment_column", Phase.COMMENTS, column.path, (), column=column, comment=column.comment)

    def _column_extra(self, drift: Drift, column: snap.Column) -> None:
        self.emit("drop_column", Phase.DROP_COLUMNS, column.path, (DELETES_DATA, LOCKS_TABLE), column=column)

    def _column_changed(self, drift: Drift, column: snap.Column) -> None:
        actual = self.have.get(drift)
        if drift.field in ("type", "collation"):
            if ("alter_column_type", column.path) not in self.emitted:
                self.emit("alter_column_type", Phase.COLUMNS, column.path, (REWRITES_TABLE, LOCKS_TABLE), column=column)
                self._rebuild_policies(column.schema, column.table)
        elif drift.field == "not_null":
            self.emit("alter_column_not_null", Phase.COLUMNS, column.path, (LOCKS_TABLE,), column=column)
        elif drift.field == "default":
            # Identity and generated columns get their value another way; those fields handle them.
            if not (column.identity or column.generated or actual.generated):
                self.emit("alter_column_default", Phase.COLUMNS, column.path, (), column=column)
        elif drift.field == "identity":
            self.emit("alter_column_identity", Phase.COLUMN_IDENTITY, column.path, (LOCKS_TABLE,), column=column,
                      previous=actual.identity, actual_default=actual.default)
        elif drift.field == "generated":
            # PostgreSQL cannot turn a column into or out of a generated one in place.
            self.emit("drop_column", Phase.COLUMNS, column.path, (REWRITES_TABLE, LOCKS_TABLE), column=column)
            self.emit("add_column", Phase.COLUMNS, column.path, (REWRITES_TABLE, LOCKS_TABLE), column=column)
        elif drift.field == "comment":
            self.emit("comment_column", Phase.COMMENTS, column.path, (), column=column, comment=column.comment)

    # --- constraints and indexes ------------------------------------------------

    def _constraint_missing(self, drift: Drift | None, constraint: snap.Constraint) -> None:
        phase = Phase.FOREIGN_KEYS if constraint.type == "foreign key" else Phase.CONSTRAINTS
        self.emit("add_constraint", phase, constraint.path, (LOCKS_TABLE,), constraint=constraint)

    def _constraint_extra(self, drift: Drift, constraint: snap.Constraint) -> None:
        phase = Phase.DROP_FOREIGN_KEYS if constraint.type == "foreign key" else Phase.DROP_CONSTRAINTS
        self.emit("drop_constraint", phase, constraint.path, (LOCKS_TABLE,), constraint=constraint)

    def _constraint_changed(self, drift: Drift, constraint: snap.Constraint) -> None:
        actual = self.have.get(drift)
        if drift.field == "validated" and constraint.validated and constraint.definition == actual.definition:
            self.emit("validate_constraint", Phase.CONSTRAINTS, constraint.path, (LOCKS_TABLE,), constraint=constraint)
        elif ("add_constraint", constraint.path) not in self.emitted:
            self._constraint_missing(drift, constraint)  # add_constraint drops the old one first

    def _index_missing(self, drift: Drift | None, index: snap.Index) -> None:
        self.emit("create_index", Phase.INDEXES, index.path, (LOCKS_TABLE,), index=index)

    def _index_extra(self, drift: Drift, index: snap.Index) -> None:
        self.emit("drop_index", Phase.DROP_INDEXES, index.path, (LOCKS_TABLE,), index=index)

    def _index_changed(self, drift: Drift, index: snap.Index) -> None:
        self.emit("drop_index", Phase.DROP_INDEXES, index.path, (LOCKS_TABLE,), index=index)
        self._index_missing(drift, index)

    # --- policies, functions, triggers -----------------------------------------------

    def _rebuild_policies(self, schema: str, table: str) -> None:
        """PostgreSQL will not change a column's type while a policy reads it: drop them first, recreate after."""
        for policy in self.have.children(snap.Policy, schema, table):
            if ("drop_policy", policy.path) not in self.emitted:
                self.emit("drop_policy", Phase.DROP_POLICIES, policy.path, (CHANGES_ACCESS,), policy=policy)
        for policy in self.want.children(snap.Policy, schema, table):
            if ("create_policy", policy.path) not in self.emitted:
                self._policy_missing(None, policy)

    def _policy_missing(self, drift: Drift | None, policy: snap.Policy) -> None:
        self.emit("create_policy", Phase.POLICIES, policy.path, (CHANGES_ACCESS,), policy=policy)

    def _policy_extra(self, drift: Drift, policy: snap.Policy) -> None:
        self.emit("drop_policy", Phase.DROP_POLICIES, policy.path, (CHANGES_ACCESS,), policy=policy)

    def _policy_changed(self, drift: Drift, policy: snap.Policy) -> None:
        if ("create_policy", policy.path) not in self.emitted:
            self._policy_missing(drift, policy)  # create_policy replaces the old one

    def _function_missing(self, drift: Drift | None, function: snap.Function) -> None:
        hazards = (CHANGES_ACCESS,) if function.security_definer or function.config else ()
        self.emit("create_function", Phase.FUNCTIONS, function.path, hazards, function=function)
        self._fresh_grants("function", function.path)

    def _function_extra(self, drift: Drift, function: snap.Function) -> None:
        self.emit("drop_function", Phase.DROP_FUNCTIONS, function.path, (), function=function)

    def _function_changed(self, drift: Drift, function: snap.Function) -> None:
        if ("create_function", function.path) in self.emitted:
            return
        actual = self.have.get(drift)
        security = ("security_definer", "config", "leakproof")
        changes_access = any(getattr(function, f) != getattr(actual, f) for f in security)
        if function.result != actual.result:
            self._recreate_function(function, actual)
            return
        # CREATE OR REPLACE keeps the triggers and grants that depend on the function.
        self.emit("create_function", Phase.FUNCTIONS, function.path, (CHANGES_ACCESS,) if changes_access else (), function=function)

    def _recreate_function(self, function: snap.Function, actual: snap.Function) -> None:
        """PostgreSQL will not change a result type in place: drop (no CASCADE), create, and bring back
        its triggers and grants. Other dependents (policies, defaults) make the DROP fail loudly."""
        qualified_name = f"{function.schema}.{function.name}"
        # The desired triggers too: on a replay they exist again, and would block the DROP.
        triggers = [t for side in (self.have, self.want) for t in side.snapshot.of(snap.Trigger).values()
                    if t.function == qualified_name]
        for trigger in triggers:
            if ("drop_trigger", trigger.path) not in self.emitted:
                self.emit("drop_trigger", Phase.DROP_TRIGGERS, trigger.path, (LOCKS_TABLE,), trigger=trigger)
        self.emit("drop_function", Phase.DROP_RETYPED_FUNCTIONS, function.path, (CHANGES_ACCESS,), function=actual)
        self._function_missing(None, function)
        for trigger in self.want.snapshot.of(snap.Trigger).values():
            if trigger.function == qualified_name and ("create_trigger", trigger.path) not in self.emitted:
                self._trigger_missing(None, trigger)

    def _trigger_missing(self, drift: Drift | None, trigger: snap.Trigger) -> None:
        self.emit("create_trigger", Phase.TRIGGERS, trigger.path, (LOCKS_TABLE,), trigger=trigger)

    def _trigger_extra(self, drift: Drift, trigger: snap.Trigger) -> None:
        self.emit("drop_trigger", Phase.DROP_TRIGGERS, trigger.path, (LOCKS_TABLE,), trigger=trigger)

    def _trigger_changed(self, drift: Drift, trigger: snap.Trigger) -> None:
        if ("create_trigger", trigger.path) in self.emitted:
            return
        if drift.field == "enabled":
            self.emit("set_trigger_enabled", Phase.TRIGGERS, trigger.path, (), trigger=trigger)
        else:
            self._trigger_missing(drift, trigger)

    # --- grants and seed rows ------------------------------------------------------------

    def _grant_missing(self, drift: Drift | None, grant: snap.GrantItem) -> None:
        self.emit("grant", Phase.GRANTS, f"{grant.object} to {grant.grantee}", (CHANGES_ACCESS,), grant=grant)

    def _grant_extra(self, drift: Drift, grant: snap.GrantItem) -> None:
        self.emit("revoke", Phase.GRANTS, f"{grant.object} from {grant.grantee}", (CHANGES_ACCESS,), grant=grant)

    def _grant_changed(self, drift: Drift, grant: snap.GrantItem) -> None:
        if grant.grantable:
            self._grant_missing(drift, grant)
        else:
            self.emit("revoke_grant_option", Phase.GRANTS, grant.object, (CHANGES_ACCESS,), grant=grant)

    def _seed_scope(self, row: snap.SeedRow):
        return next(s for s in self.scope.seeds if (s.schema, s.table) == (row.schema, row.table))

    def _seed_row_missing(self, drift: Drift | None, row: snap.SeedRow) -> None:
        table = row.path.rsplit("[", 1)[0]
        self.emit("insert_seed_rows", Phase.SEED_ROWS, table, (), row=row, seed=self._seed_scope(row))

    def _seed_row_extra(self, drift: Drift, row: snap.SeedRow) -> None:
        self.emit("delete_seed_row", Phase.SEED_ROWS, row.path, (DELETES_DATA,), row=row, seed=self._seed_scope(row))

    def _seed_row_changed(self, drift: Drift, row: snap.SeedRow) -> None:
        self.emit("update_seed_row", Phase.SEED_ROWS, row.path, (), row=row, seed=self._seed_scope(row),
                  change=(drift.field, drift.expected))


HAZARD_ORDER = (DELETES_DATA, REWRITES_TABLE, LOCKS_TABLE, CHANGES_ACCESS)


def hazard_counts(plan: Plan) -> dict[str, int]:
    """Operations per hazard, the gravest first; hazards no operation has are left out."""
    counts = {h: sum(h in op.hazards for op in plan.operations) for h in HAZARD_ORDER}
    return {h: n for h, n in counts.items() if n}
