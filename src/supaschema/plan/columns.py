"""Planning columns: add, drop, and each property changed in place (or by drop-and-add where PostgreSQL must)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import hashlib

from ..catalog import snapshot as snap
from .operations import DELETES_DATA, LOCKS_TABLE, REWRITES_TABLE, Phase, Plan, Step
from .policies import rebuild_policies
from .registry import handles
from .views import rebuild_views_reading

if TYPE_CHECKING:
    from ..drift.compare import Drift
    from .planner import Planner


@handles("column", "missing")
def column_missing(p: Planner, drift: Drift | None, column: snap.Column) -> None:
    hazards = (LOCKS_TABLE,) + ((REWRITES_TABLE,) if column.generated or column.identity else ())
    p.emit("add_column", Phase.COLUMNS, column.path, hazards, column=column)
    if column.comment is not None:
        p.emit("comment_column", Phase.COMMENTS, column.path, (), column=column, comment=column.comment)


@handles("column", "extra")
def column_extra(p: Planner, drift: Drift, column: snap.Column) -> None:
    p.emit("drop_column", Phase.DROP_COLUMNS, column.path, (DELETES_DATA, LOCKS_TABLE), column=column)


@handles("column", "changed")
def column_changed(p: Planner, drift: Drift, column: snap.Column) -> None:
    actual = p.have.get(drift)
    if drift.field in ("type", "collation"):
        if ("alter_column_type", column.path) not in p.emitted:
            hazards, note = _type_change_cost(p, column, actual)
            p.emit("alter_column_type", Phase.COLUMNS, column.path, hazards, column=column, note=note)
            rebuild_policies(p, column.schema, column.table)
            rebuild_views_reading(p, column.schema, column.table)
    elif drift.field == "not_null":
        if column.not_null and p.table_exists(column.schema, column.table):
            # SET NOT NULL alone scans every row under ACCESS EXCLUSIVE; a validated CHECK spares it that scan.
            check = not_null_check_name(column)
            p.emit("add_not_null_check", Phase.COLUMNS, column.path, (LOCKS_TABLE,), column=column, check=check)
            p.emit("set_not_null_checked", Phase.COLUMNS, column.path, (LOCKS_TABLE,), step=Step.FINISH, column=column, check=check)
        else:
            p.emit("alter_column_not_null", Phase.COLUMNS, column.path, (LOCKS_TABLE,), column=column)
    elif drift.field == "default":
        # Identity and generated columns get their value another way; those fields handle them.
        if not (column.identity or column.generated or actual.generated):
            p.emit("alter_column_default", Phase.COLUMNS, column.path, (), column=column)
    elif drift.field == "identity":
        p.emit("alter_column_identity", Phase.COLUMN_IDENTITY, column.path, (LOCKS_TABLE,), column=column,
               previous=actual.identity, actual_default=actual.default)
    elif drift.field == "generated":
        # PostgreSQL cannot turn a column into or out of a generated one in place.
        p.emit("drop_column", Phase.COLUMNS, column.path, (REWRITES_TABLE, LOCKS_TABLE), column=column)
        rebuild_views_reading(p, column.schema, column.table)
        p.emit("add_column", Phase.COLUMNS, column.path, (REWRITES_TABLE, LOCKS_TABLE), column=column)
        rebuild_policies(p, column.schema, column.table)
    elif drift.field == "comment":
        p.emit("comment_column", Phase.COMMENTS, column.path, (), column=column, comment=column.comment)


def not_null_check_name(column: snap.Column) -> str:
    """The helper CHECK's name: stable (a replay finds it), within 63 bytes, and not PostgreSQL 18's own `_not_null`."""
    digest = hashlib.sha256(column.path.encode()).hexdigest()[:8]
    return f"{column.name.encode()[:40].decode('utf-8', 'ignore')}_nn_{digest}"


def _type_change_cost(p: Planner, column: snap.Column, actual: snap.Column) -> tuple[tuple[str, ...], str]:
    from .type_changes import rewrites

    table = f"{column.schema}.{column.table}"
    indexes = len(p.have.children(snap.Index, column.schema, column.table))
    if actual.type == column.type or not rewrites(actual.type, column.type):
        return (LOCKS_TABLE,), (f"{actual.type} -> {column.type}: no rewrite; ACCESS EXCLUSIVE on {table} "
                                "while the catalog changes (and its indexes on this column are rebuilt if the collation changed)")
    return (REWRITES_TABLE, LOCKS_TABLE), (
        f"{actual.type} -> {column.type}: rewrites every row of {table} and rebuilds its {indexes} index(es) under "
        "ACCESS EXCLUSIVE: reads and writes wait until it ends (`push --dry-run` measures the table)")


def unfilled_new_columns(plan: Plan) -> list[snap.Column]:
    """Columns a plan adds to an existing table as NOT NULL with nothing to put in the rows it holds:
    `ADD COLUMN` fails on the first row. (A new table's columns come with CREATE TABLE instead.)"""
    return [op.params["column"] for op in plan.operations
            if op.action == "add_column" and _unfilled(op.params["column"])]


def _unfilled(column: snap.Column) -> bool:
    return column.not_null and column.default is None and not column.identity and not column.generated
