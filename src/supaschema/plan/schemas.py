"""Planning schemas: CREATE SCHEMA IF NOT EXISTS first of all, with exactly the declared grants."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..catalog import snapshot as snap
from .grants import fresh_grants
from .operations import DELETES_DATA, Phase
from .registry import handles

if TYPE_CHECKING:
    from ..drift.compare import Drift
    from .planner import Planner


@handles("schema", "missing")
def schema_missing(p: Planner, drift: Drift | None, schema: snap.Schema) -> None:
    p.emit("create_schema", Phase.SCHEMAS, schema.path, (), schema=schema)
    fresh_grants(p, "schema", schema.path)


@handles("schema", "extra")
def schema_extra(p: Planner, drift: Drift, schema: snap.Schema) -> None:
    # Never CASCADE: a schema that still holds objects makes the DROP fail, loudly.
    p.emit("drop_schema", Phase.DROP_SCHEMAS, schema.path, (DELETES_DATA,), schema=schema)


@handles("schema", "changed")
def schema_changed(p: Planner, drift: Drift, schema: snap.Schema) -> None:
    p.emit("comment_schema", Phase.COMMENTS, schema.path, (), schema=schema)
