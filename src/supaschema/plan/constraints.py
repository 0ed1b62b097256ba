"""Planning constraints and indexes: drop-then-add for a changed one, VALIDATE for one only NOT VALID.

On a table that already exists, a CHECK or foreign key is added NOT VALID (a moment's lock) and
validated in the change's last step, and an index is built CONCURRENTLY in a step of its own, as
is the index of a primary key or unique constraint, which the last step then turns into the
constraint (ADD CONSTRAINT ... USING INDEX: catalog only). On a table the same change creates
there are no rows to protect, so the plain forms stay; so do keys a foreign key of the same change
needs in its first step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..catalog import snapshot as snap
from ..sqltext.quoting import qualified
from .comments import comment_if_any, comment_on
from .operations import LOCKS_TABLE, Phase, Step
from .registry import handles

if TYPE_CHECKING:
    from ..drift.compare import Drift
    from .planner import Planner


@handles("constraint", "missing")
def constraint_missing(p: Planner, drift: Drift | None, constraint: snap.Constraint) -> None:
    if ("add_constraint", constraint.path) in p.emitted or ("attach_key_index", constraint.path) in p.emitted:
        return
    if _key_built_online(p, constraint):
        _add_key_online(p, drift, constraint)
        release_foreign_keys(p, constraint)
        return
    phase = Phase.FOREIGN_KEYS if constraint.type == "foreign key" else Phase.CONSTRAINTS
    online = constraint.validated and constraint.type in ("check", "foreign key") and p.table_exists(constraint.schema, constraint.table)
    p.emit("add_constraint", phase, constraint.path, (LOCKS_TABLE,), constraint=constraint, not_valid=online)
    if online:
        p.emit("validate_constraint", phase, constraint.path, (), step=Step.FINISH, constraint=constraint)
    release_foreign_keys(p, constraint)  # add_constraint drops a key of that name first


def _key_built_online(p: Planner, key: snap.Constraint) -> bool:
    """A primary key or unique on a table that holds rows, its index buildable alone (DEFERRABLE is
    not said by the index), and no foreign key of this change leaning on it in the first step."""
    return (key.type in ("primary key", "unique") and key.index_definition is not None and "DEFERRABLE" not in key.definition
            and p.table_exists(key.schema, key.table) and not _referenced_by_foreign_key(p, key.schema, key.table))


def _add_key_online(p: Planner, drift: Drift | None, key: snap.Constraint) -> None:
    """The key's own index built CONCURRENTLY (its own file; a failed build's INVALID index is dropped
    as any other's), then attached in the last step. A changed key goes first: the new index takes its name."""
    if drift is not None and drift.change == "changed" and ("drop_constraint", key.path) not in p.emitted:
        p.emit("drop_constraint", Phase.DROP_CONSTRAINTS, key.path, (LOCKS_TABLE,), constraint=key)
    index = snap.Index(key.schema, key.table, key.name, key.index_definition)
    p.emit("create_index", Phase.INDEXES, key.path, (), step=Step.CONCURRENT, index=index, concurrently=True)
    p.emit("attach_key_index", Phase.CONSTRAINTS, key.path, (LOCKS_TABLE,), step=Step.FINISH, constraint=key)


@handles("constraint", "extra")
def constraint_extra(p: Planner, drift: Drift, constraint: snap.Constraint) -> None:
    if ("drop_constraint", constraint.path) in p.emitted:
        return
    phase = Phase.DROP_FOREIGN_KEYS if constraint.type == "foreign key" else Phase.DROP_CONSTRAINTS
    p.emit("drop_constraint", phase, constraint.path, (LOCKS_TABLE,), constraint=constraint)
    release_foreign_keys(p, constraint)


def release_foreign_keys(p: Planner, key: snap.Constraint) -> None:
    """PostgreSQL will not drop a primary key or unique constraint that a foreign key leans on: drop
    every foreign key into that table first, from either side (a replay meets the desired ones), and
    add the desired ones back after the keys."""
    if key.type not in ("primary key", "unique"):
        return
    into_table = f" REFERENCES {qualified(key.schema, key.table)}("
    for side in (p.have, p.want):
        for fk in side.snapshot.of(snap.Constraint).values():
            if fk.type == "foreign key" and into_table in fk.definition and ("drop_constraint", fk.path) not in p.emitted:
                p.emit("drop_constraint", Phase.DROP_FOREIGN_KEYS, fk.path, (LOCKS_TABLE,), constraint=fk)
    for fk in p.want.snapshot.of(snap.Constraint).values():
        if fk.type == "foreign key" and into_table in fk.definition and ("add_constraint", fk.path) not in p.emitted:
            constraint_missing(p, None, fk)


@handles("constraint", "changed")
def constraint_changed(p: Planner, drift: Drift, constraint: snap.Constraint) -> None:
    actual = p.have.get(drift)
    if drift.field == "validated" and constraint.validated and constraint.definition == actual.definition:
        # Its own transaction: SHARE UPDATE EXCLUSIVE while the rows are scanned, not whatever else the change locks.
        p.emit("validate_constraint", Phase.CONSTRAINTS, constraint.path, (), step=Step.FINISH, constraint=constraint)
    else:
        constraint_missing(p, drift, constraint)  # add_constraint drops the old one first


@handles("index", "missing")
def index_missing(p: Planner, drift: Drift | None, index: snap.Index) -> None:
    if p.table_exists(index.schema, index.table) and not _referenced_unique(p, index):
        p.emit("create_index", Phase.INDEXES, index.path, (), step=Step.CONCURRENT, index=index, concurrently=True)
        comment_if_any(p, index)  # moved after the build by Planner.ordered
        return
    p.emit("create_index", Phase.INDEXES, index.path, (LOCKS_TABLE,), index=index, concurrently=False)
    comment_if_any(p, index)


def _referenced_unique(p: Planner, index: snap.Index) -> bool:
    """A unique index a foreign key may lean on is needed by the first step, so it is built there."""
    return index.definition.startswith("CREATE UNIQUE INDEX ") and _referenced_by_foreign_key(p, index.schema, index.table)


def _referenced_by_foreign_key(p: Planner, schema: str, table: str) -> bool:
    into_table = f" REFERENCES {qualified(schema, table)}("
    return any(fk.type == "foreign key" and into_table in fk.definition for fk in p.want.snapshot.of(snap.Constraint).values())


@handles("index", "extra")
def index_extra(p: Planner, drift: Drift, index: snap.Index) -> None:
    p.emit("drop_index", Phase.DROP_INDEXES, index.path, (LOCKS_TABLE,), index=index)


@handles("index", "changed")
def index_changed(p: Planner, drift: Drift, index: snap.Index) -> None:
    if drift.field == "comment":
        comment_on(p, index)
    elif ("create_index", index.path) not in p.emitted:
        p.emit("drop_index", Phase.DROP_INDEXES, index.path, (LOCKS_TABLE,), index=index)
        index_missing(p, drift, index)
