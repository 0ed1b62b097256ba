"""Planning composite types: created guarded (CREATE TYPE has no IF NOT EXISTS); changed attributes
mean drop and create, which fails loudly (no CASCADE) while a column or function uses the type."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..catalog import snapshot as snap
from .comments import comment_if_any, comment_on
from .grants import fresh_grants
from .operations import DELETES_DATA, Phase
from .registry import handles

if TYPE_CHECKING:
    from ..drift.compare import Drift
    from .planner import Planner


@handles("composite_type", "missing")
def composite_type_missing(p: Planner, drift: Drift | None, composite: snap.CompositeType) -> None:
    p.emit("create_composite_type", Phase.TYPES, composite.path, (), composite=composite)
    comment_if_any(p, composite)
    fresh_grants(p, "type", composite.path)


@handles("composite_type", "extra")
def composite_type_extra(p: Planner, drift: Drift, composite: snap.CompositeType) -> None:
    p.emit("drop_type", Phase.DROP_TYPES, composite.path, (DELETES_DATA,), object=composite)


@handles("composite_type", "changed")
def composite_type_changed(p: Planner, drift: Drift, composite: snap.CompositeType) -> None:
    if drift.field == "comment":
        comment_on(p, composite)
    elif ("create_composite_type", composite.path) not in p.emitted:
        p.emit("drop_type", Phase.DROP_RETYPED_FUNCTIONS, composite.path, (DELETES_DATA,), object=composite)
        composite_type_missing(p, drift, composite)
