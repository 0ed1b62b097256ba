"""Planning functions: CREATE OR REPLACE keeps triggers and grants; a new result type, a renamed
parameter or a dropped default needs drop and create."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..catalog import snapshot as snap
from .comments import comment_if_any, comment_on
from .grants import fresh_grants
from .operations import CHANGES_ACCESS, LOCKS_TABLE, Phase
from .registry import handles
from .triggers import trigger_missing

if TYPE_CHECKING:
    from ..drift.compare import Drift
    from .planner import Planner

SECURITY_FIELDS = ("security_definer", "config", "leakproof")


@handles("function", "missing")
def function_missing(p: Planner, drift: Drift | None, function: snap.Function) -> None:
    hazards = (CHANGES_ACCESS,) if function.security_definer or function.config else ()
    p.emit("create_function", _phase(p, function), function.path, hazards, function=function)
    comment_if_any(p, function)
    fresh_grants(p, "function", function.path)


def _phase(p: Planner, function: snap.Function) -> Phase:
    signature = re.split(r"[\s(),\[\]]+", f"{function.arguments} {function.result}")
    tables = {t.path for t in p.want.snapshot.of(snap.Table).values()}
    return Phase.ROW_TYPE_FUNCTIONS if tables & set(signature) else Phase.FUNCTIONS


@handles("function", "extra")
def function_extra(p: Planner, drift: Drift, function: snap.Function) -> None:
    p.emit("drop_function", Phase.DROP_FUNCTIONS, function.path, (), function=function)


@handles("function", "changed")
def function_changed(p: Planner, drift: Drift, function: snap.Function) -> None:
    if drift.field == "owner":
        # The definer runs with its owner's rights; CREATE OR REPLACE would keep the wrong owner.
        p.emit("alter_function_owner", Phase.FUNCTION_OWNERS, function.path, (CHANGES_ACCESS,),
               function=function, owner=drift.expected)
        return
    if drift.field == "comment":
        comment_on(p, function)  # CREATE OR REPLACE keeps a comment; a recreated function plans its own
        return
    if ("create_function", function.path) in p.emitted:
        return
    actual = p.have.get(drift)
    changes_access = any(getattr(function, f) != getattr(actual, f) for f in SECURITY_FIELDS)
    if not replaceable(function, actual):
        recreate_function(p, function, actual)
        return
    # CREATE OR REPLACE keeps the triggers and grants that depend on the function.
    p.emit("create_function", _phase(p, function), function.path, (CHANGES_ACCESS,) if changes_access else (), function=function)


def replaceable(function: snap.Function, actual: snap.Function) -> bool:
    """CREATE OR REPLACE keeps the result type, the parameters' names and modes, and every default."""
    return (function.result == actual.result and function.signature == actual.signature
            and function.default_count >= actual.default_count)


def recreate_function(p: Planner, function: snap.Function, actual: snap.Function) -> None:
    """PostgreSQL will not change a result type (or rename a parameter, or drop a default) in place: drop (no CASCADE), create, and bring back
    its triggers and grants. Other dependents (policies, defaults) make the DROP fail loudly."""
    qualified_name = f"{function.schema}.{function.name}"
    # The desired triggers too: on a replay they exist again, and would block the DROP.
    triggers = [t for side in (p.have, p.want) for t in side.snapshot.of(snap.Trigger).values()
                if t.function == qualified_name]
    for trigger in triggers:
        if ("drop_trigger", trigger.path) not in p.emitted:
            p.emit("drop_trigger", Phase.DROP_TRIGGERS, trigger.path, (LOCKS_TABLE,), trigger=trigger)
    p.emit("drop_function", Phase.DROP_RETYPED_FUNCTIONS, function.path, (CHANGES_ACCESS,), function=actual)
    function_missing(p, None, function)
    for trigger in p.want.snapshot.of(snap.Trigger).values():
        if trigger.function == qualified_name and ("create_trigger", trigger.path) not in p.emitted:
            trigger_missing(p, None, trigger)
