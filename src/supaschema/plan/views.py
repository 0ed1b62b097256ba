"""Planning views: create, drop, recreate with their dependents; a retyped column rebuilds the views that read it.

PostgreSQL refuses to retype a column a view reads, and CREATE OR REPLACE VIEW only appends
columns, so every other change is DROP VIEW (dependent views first, never CASCADE) then CREATE,
with the view's indexes, comment and grants brought back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..catalog import snapshot as snap
from .grants import fresh_grants
from .operations import CHANGES_ACCESS, LOCKS_TABLE, Phase
from .registry import handles, plan_missing

if TYPE_CHECKING:
    from ..drift.compare import Drift
    from .planner import Planner


@handles("view", "missing")
def view_missing(p: Planner, drift: Drift | None, view: snap.View) -> None:
    if ("create_view", view.path) in p.emitted:
        return
    # A view that is not security_invoker reads the tables as its owner: RLS of the caller does not apply.
    hazards = (CHANGES_ACCESS,) if not view.security_invoker and not view.materialized else ()
    p.emit("create_view", Phase.VIEWS, view.path, hazards, view=view)
    for index in p.want.children(snap.Index, view.schema, view.name):
        plan_missing(p, index)
    fresh_grants(p, "table", view.path)


@handles("view", "extra")
def view_extra(p: Planner, drift: Drift, view: snap.View) -> None:
    drop_with_dependents(p, view)


@handles("view", "changed")
def view_changed(p: Planner, drift: Drift, view: snap.View) -> None:
    if drift.field == "comment":
        p.emit("comment_view", Phase.COMMENTS, view.path, (), view=view)
    elif drift.field == "security_invoker" and not view.materialized:
        p.emit("set_view_security_invoker", Phase.VIEWS, view.path, (CHANGES_ACCESS,), view=view)
    else:
        rebuild(p, [p.have.get(drift)])


def rebuild_views_reading(p: Planner, schema: str, table: str) -> None:
    """Views that read a table whose column is retyped: drop them first, create them again after."""
    readers = [v for side in (p.have, p.want) for v in side.snapshot.of(snap.View).values() if f"{schema}.{table}" in v.reads]
    rebuild(p, readers)


def rebuild(p: Planner, views: list[snap.View]) -> None:
    for view in views:
        drop_with_dependents(p, view)
    for view in views:
        recreate_with_dependents(p, view)


def _readers_of(p: Planner, view: snap.View) -> list[snap.View]:
    # Both sides: on a replay the desired dependents exist, and would block the DROP.
    name = f"{view.schema}.{view.name}"
    seen: dict[str, snap.View] = {}
    for side in (p.have, p.want):
        for other in side.snapshot.of(snap.View).values():
            if name in other.reads and other.path != view.path:
                seen.setdefault(other.path, other)
    return list(seen.values())


def drop_with_dependents(p: Planner, view: snap.View) -> None:
    if ("drop_view", view.path) in p.emitted:
        return
    for reader in _readers_of(p, view):
        drop_with_dependents(p, reader)
    p.emit("drop_view", Phase.DROP_VIEWS, view.path, (LOCKS_TABLE,), view=view)


def recreate_with_dependents(p: Planner, view: snap.View) -> None:
    wanted = p.want.snapshot.of(snap.View).get(snap.key_of(view))
    if wanted is None:
        return
    view_missing(p, None, wanted)
    for reader in _readers_of(p, view):
        recreate_with_dependents(p, reader)
