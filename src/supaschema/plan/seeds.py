"""Planning seed rows: insert the missing, update changed values by key, delete extras only when allowed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..catalog import snapshot as snap
from ..catalog.introspect import SeedScope
from .operations import DELETES_DATA, Phase
from .registry import handles

if TYPE_CHECKING:
    from ..drift.compare import Drift
    from .planner import Planner


def _seed_scope(p: Planner, row: snap.SeedRow) -> SeedScope:
    return next(s for s in p.scope.seeds if (s.schema, s.table) == (row.schema, row.table))


@handles("seed_row", "missing")
def seed_row_missing(p: Planner, drift: Drift | None, row: snap.SeedRow) -> None:
    table = row.path.rsplit("[", 1)[0]
    p.emit("insert_seed_rows", Phase.SEED_ROWS, table, (), row=row, seed=_seed_scope(p, row))


@handles("seed_row", "extra")
def seed_row_extra(p: Planner, drift: Drift, row: snap.SeedRow) -> None:
    p.emit("delete_seed_row", Phase.SEED_ROWS, row.path, (DELETES_DATA,), row=row, seed=_seed_scope(p, row))


@handles("seed_row", "changed")
def seed_row_changed(p: Planner, drift: Drift, row: snap.SeedRow) -> None:
    p.emit("update_seed_row", Phase.SEED_ROWS, row.path, (), row=row, seed=_seed_scope(p, row),
           change=(drift.field, drift.expected))
