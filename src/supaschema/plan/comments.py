"""Comments on functions, indexes, policies and triggers: one COMMENT ON, in the comments phase.

Tables and columns have their own templates (plan.tables); a recreated object (an index
dropped and created again, a policy replaced) loses its comment, so creating one plans its
comment too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .operations import Phase

if TYPE_CHECKING:
    from .planner import Planner


def comment_on(p: Planner, obj: Any) -> None:
    if ("comment_on", obj.path) not in p.emitted:
        p.emit("comment_on", Phase.COMMENTS, obj.path, (), kind=obj.KIND, object=obj)


def comment_if_any(p: Planner, obj: Any) -> None:
    if obj.comment is not None:
        comment_on(p, obj)
