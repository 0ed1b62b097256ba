"""Planning enums: CREATE TYPE, ADD VALUE in place (BEFORE/AFTER its neighbour), and a rebuild when values go.

PostgreSQL can add an enum value but never remove or reorder one: that takes a new type,
every column converted through text (rows holding a removed value make it fail, loudly), and
the old type dropped. A value added by ADD VALUE cannot be used before its transaction commits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..catalog import snapshot as snap
from .operations import DELETES_DATA, LOCKS_TABLE, REWRITES_TABLE, Phase
from .policies import rebuild_policies
from .registry import handles
from .views import rebuild_views_reading

if TYPE_CHECKING:
    from ..drift.compare import Drift
    from .planner import Planner


@handles("enum", "missing")
def enum_missing(p: Planner, drift: Drift | None, enum: snap.Enum) -> None:
    p.emit("create_enum", Phase.ENUMS, enum.path, (), enum=enum)


@handles("enum", "extra")
def enum_extra(p: Planner, drift: Drift, enum: snap.Enum) -> None:
    p.emit("drop_enum", Phase.DROP_ENUMS, enum.path, (), enum=enum)


@handles("enum", "changed")
def enum_changed(p: Planner, drift: Drift, enum: snap.Enum) -> None:
    actual = p.have.get(drift)
    kept = [v for v in enum.values if v in actual.values]
    if kept == list(actual.values):  # only additions: in place, each next to a neighbour already there
        for i, value in enumerate(enum.values):
            if value not in actual.values:
                before, after = (None, enum.values[i - 1]) if i else (kept[0] if kept else None, None)
                p.emit("add_enum_value", Phase.ENUMS, f"{enum.path} value {value}", (), enum=enum, value=value,
                       before=before, after=after)
        return
    columns = []
    for path in actual.used_by:
        schema, table, name = path.split(".", 2)
        wanted = next((c for c in p.want.children(snap.Column, schema, table) if c.name == name), None)
        columns.append((schema, table, name, wanted.default if wanted else None))
        rebuild_policies(p, schema, table)
        rebuild_views_reading(p, schema, table)
    removed = [v for v in actual.values if v not in enum.values]
    p.emit("recreate_enum", Phase.ENUMS, enum.path, (DELETES_DATA, REWRITES_TABLE, LOCKS_TABLE) if columns else (DELETES_DATA,),
           enum=enum, columns=columns, removed=removed)
