"""Planning constraints and indexes: drop-then-add for a changed one, VALIDATE for one only NOT VALID."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..catalog import snapshot as snap
from .operations import LOCKS_TABLE, Phase
from .registry import handles

if TYPE_CHECKING:
    from ..drift.compare import Drift
    from .planner import Planner


@handles("constraint", "missing")
def constraint_missing(p: Planner, drift: Drift | None, constraint: snap.Constraint) -> None:
    phase = Phase.FOREIGN_KEYS if constraint.type == "foreign key" else Phase.CONSTRAINTS
    p.emit("add_constraint", phase, constraint.path, (LOCKS_TABLE,), constraint=constraint)


@handles("constraint", "extra")
def constraint_extra(p: Planner, drift: Drift, constraint: snap.Constraint) -> None:
    phase = Phase.DROP_FOREIGN_KEYS if constraint.type == "foreign key" else Phase.DROP_CONSTRAINTS
    p.emit("drop_constraint", phase, constraint.path, (LOCKS_TABLE,), constraint=constraint)


@handles("constraint", "changed")
def constraint_changed(p: Planner, drift: Drift, constraint: snap.Constraint) -> None:
    actual = p.have.get(drift)
    if drift.field == "validated" and constraint.validated and constraint.definition == actual.definition:
        p.emit("validate_constraint", Phase.CONSTRAINTS, constraint.path, (LOCKS_TABLE,), constraint=constraint)
    elif ("add_constraint", constraint.path) not in p.emitted:
        constraint_missing(p, drift, constraint)  # add_constraint drops the old one first


@handles("index", "missing")
def index_missing(p: Planner, drift: Drift | None, index: snap.Index) -> None:
    p.emit("create_index", Phase.INDEXES, index.path, (LOCKS_TABLE,), index=index)


@handles("index", "extra")
def index_extra(p: Planner, drift: Drift, index: snap.Index) -> None:
    p.emit("drop_index", Phase.DROP_INDEXES, index.path, (LOCKS_TABLE,), index=index)


@handles("index", "changed")
def index_changed(p: Planner, drift: Drift, index: snap.Index) -> None:
    p.emit("drop_index", Phase.DROP_INDEXES, index.path, (LOCKS_TABLE,), index=index)
    index_missing(p, drift, index)
