"""Planning tables: a new table brings every child in its own phase; RLS, FORCE and comments in place."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..catalog import snapshot as snap
from .grants import fresh_grants
from .operations import CHANGES_ACCESS, DELETES_DATA, Phase
from .registry import handles, plan_missing

if TYPE_CHECKING:
    from ..drift.compare import Drift
    from .planner import Planner

# What belongs to a table and comes with it when it is created.
CHILD_KINDS = (snap.Constraint, snap.Index, snap.Policy, snap.Trigger, snap.SeedRow)


@handles("table", "missing")
def table_missing(p: Planner, drift: Drift | None, table: snap.Table) -> None:
    columns = p.want.children(snap.Column, table.schema, table.name)
    p.emit("create_table", Phase.CREATE_TABLES, table.path, (), table=table, columns=columns)
    for column in columns:
        if column.comment is not None:
            p.emit("comment_column", Phase.COMMENTS, column.path, (), column=column, comment=column.comment)
    if table.rls_enabled:
        p.emit("set_rls", Phase.RLS, table.path, (CHANGES_ACCESS,), table=table, enabled=True)
    if table.rls_force:
        p.emit("set_force_rls", Phase.RLS, table.path, (CHANGES_ACCESS,), table=table, force=True)
    if table.comment is not None:
        p.emit("comment_table", Phase.COMMENTS, table.path, (), table=table, comment=table.comment)
    fresh_grants(p, "table", table.path)
    for kind in CHILD_KINDS:
        for child in p.want.children(kind, table.schema, table.name):
            plan_missing(p, child)


@handles("table", "extra")
def table_extra(p: Planner, drift: Drift, table: snap.Table) -> None:
    p.emit("drop_table", Phase.DROP_TABLES, table.path, (DELETES_DATA,), table=table)


@handles("table", "changed")
def table_changed(p: Planner, drift: Drift, table: snap.Table) -> None:
    if drift.field == "rls_enabled":
        p.emit("set_rls", Phase.RLS, table.path, (CHANGES_ACCESS,), table=table, enabled=table.rls_enabled)
    elif drift.field == "rls_force":
        p.emit("set_force_rls", Phase.RLS, table.path, (CHANGES_ACCESS,), table=table, force=table.rls_force)
    elif drift.field == "comment":
        p.emit("comment_table", Phase.COMMENTS, table.path, (), table=table, comment=table.comment)
