"""Planning triggers: CREATE OR REPLACE TRIGGER, or only ENABLE/DISABLE when that is all that changed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..catalog import snapshot as snap
from .comments import comment_if_any, comment_on
from .operations import LOCKS_TABLE, Phase
from .registry import handles

if TYPE_CHECKING:
    from ..drift.compare import Drift
    from .planner import Planner


@handles("trigger", "missing")
def trigger_missing(p: Planner, drift: Drift | None, trigger: snap.Trigger) -> None:
    p.emit("create_trigger", Phase.TRIGGERS, trigger.path, (LOCKS_TABLE,), trigger=trigger)
    comment_if_any(p, trigger)


@handles("trigger", "extra")
def trigger_extra(p: Planner, drift: Drift, trigger: snap.Trigger) -> None:
    p.emit("drop_trigger", Phase.DROP_TRIGGERS, trigger.path, (LOCKS_TABLE,), trigger=trigger)


@handles("trigger", "changed")
def trigger_changed(p: Planner, drift: Drift, trigger: snap.Trigger) -> None:
    if ("create_trigger", trigger.path) in p.emitted:
        return
    if drift.field == "comment":
        comment_on(p, trigger)
    elif drift.field == "enabled":
        p.emit("set_trigger_enabled", Phase.TRIGGERS, trigger.path, (), trigger=trigger)
    else:
        trigger_missing(p, drift, trigger)
