"""Planning sequences: CREATE SEQUENCE IF NOT EXISTS before the tables whose defaults call it; every
option (and OWNED BY) set by one ALTER SEQUENCE once the tables exist; a drop loses the position."""

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


@handles("sequence", "missing")
def sequence_missing(p: Planner, drift: Drift | None, sequence: snap.Sequence) -> None:
    p.emit("create_sequence", Phase.SEQUENCES, sequence.path, (), sequence=sequence)
    if sequence.owned_by:
        p.emit("alter_sequence", Phase.SEQUENCE_OPTIONS, sequence.path, (), sequence=sequence)
    comment_if_any(p, sequence)
    fresh_grants(p, "sequence", sequence.path)


@handles("sequence", "extra")
def sequence_extra(p: Planner, drift: Drift, sequence: snap.Sequence) -> None:
    p.emit("drop_sequence", Phase.DROP_SEQUENCES, sequence.path, (DELETES_DATA,), sequence=sequence)


@handles("sequence", "changed")
def sequence_changed(p: Planner, drift: Drift, sequence: snap.Sequence) -> None:
    if drift.field == "comment":
        comment_on(p, sequence)
    elif ("alter_sequence", sequence.path) not in p.emitted:
        p.emit("alter_sequence", Phase.SEQUENCE_OPTIONS, sequence.path, (), sequence=sequence)
