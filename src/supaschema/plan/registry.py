"""Which function plans which drift: one entry per (kind, change), filled in by the per-kind modules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Handler = Callable[..., None]  # (planner, drift or None, snapshot object) -> None; emits operations
HANDLERS: dict[tuple[str, str], Handler] = {}


def handles(kind: str, change: str) -> Callable[[Handler], Handler]:
    def register(function: Handler) -> Handler:
        HANDLERS[(kind, change)] = function
        return function

    return register


def plan_missing(planner: Any, obj: Any) -> None:
    """Create an object as if it had been reported missing (a new table brings its children this way)."""
    HANDLERS[(obj.KIND, "missing")](planner, None, obj)
