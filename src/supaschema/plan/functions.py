"""Planning functions: CREATE OR REPLACE keeps triggers and grants; new arguments, a new result type,
a renamed parameter or a dropped default needs drop and create, with what depends on the function."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..catalog import snapshot as snap
from .comments import comment_if_any, comment_on
from .grants import fresh_grants
from .operations import CHANGES_ACCESS, LOCKS_TABLE, Phase
from .policies import policy_missing
from .registry import handles
from .triggers import trigger_missing
from .views import rebuild

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
    if drift.field == "argument_types":  # drift.actual: the arguments of the function it replaces
        recreate_function(p, function, p.have.snapshot.of(snap.Function)[(function.schema, function.name, drift.actual)])
        return
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
    """PostgreSQL will not change a function's arguments or result type (or rename a parameter, or drop a
    default) in place: drop the old one (no CASCADE) and create the new one, with what depends on it
    dropped first and brought back after: triggers that call it or test it in WHEN, policies and views
    whose expressions call it (each from schema.yaml's side), and its grants. Other dependents (a
    column default, a CHECK) make the DROP fail loudly."""
    # Both sides: on a replay the desired dependents exist, and would block the DROP.
    sides = (p.have, p.want)
    triggers = [t for side in sides for t in side.snapshot.of(snap.Trigger).values()
                if t.function == f"{function.schema}.{function.name}" or _calls(t.when, function)]
    policies = [q for side in sides for q in side.snapshot.of(snap.Policy).values()
                if _calls(q.using, function) or _calls(q.with_check, function)]
    views = [v for side in sides for v in side.snapshot.of(snap.View).values() if _calls(v.definition, function)]
    for trigger in triggers:
        if ("drop_trigger", trigger.path) not in p.emitted:
            p.emit("drop_trigger", Phase.DROP_TRIGGERS, trigger.path, (LOCKS_TABLE,), trigger=trigger)
    for policy in policies:
        if ("drop_policy", policy.path) not in p.emitted:
            p.emit("drop_policy", Phase.DROP_POLICIES, policy.path, (CHANGES_ACCESS,), policy=policy)
    rebuild(p, views)  # dropped before, created after, with the views that read them
    p.emit("drop_function", Phase.DROP_RETYPED_FUNCTIONS, actual.path, (CHANGES_ACCESS,), function=actual)
    function_missing(p, None, function)
    wanted = {(kind, obj.path) for kind, objs in (("trigger", triggers), ("policy", policies)) for obj in objs}
    for trigger in p.want.snapshot.of(snap.Trigger).values():
        if ("trigger", trigger.path) in wanted and ("create_trigger", trigger.path) not in p.emitted:
            trigger_missing(p, None, trigger)
    for policy in p.want.snapshot.of(snap.Policy).values():
        if ("policy", policy.path) in wanted and ("create_policy", policy.path) not in p.emitted:
            policy_missing(p, None, policy)


def _calls(text: str | None, function: snap.Function) -> bool:
    """Whether printed SQL calls a function of this name (qualified or not, quoted or not). A call of another
    function of the same name only costs a needless drop and create; a missed one, a DROP that fails loudly."""
    if not text or function.name not in text:
        return False
    return re.search(r'(?<![\w$])"?' + re.escape(function.name) + r'"?\s*\(', text) is not None
