"""Planning functions: CREATE OR REPLACE keeps triggers and grants; new arguments, a new result type,
a renamed parameter or a dropped default needs drop and create, with what depends on the function."""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from ..catalog import snapshot as snap
from .comments import comment_if_any, comment_on
from .constraints import constraint_missing
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
_WORD = re.compile(r"[a-z_][a-z0-9_$]*")


@handles("function", "missing")
def function_missing(p: Planner, drift: Drift | None, function: snap.Function) -> None:
    hazards = (CHANGES_ACCESS,) if function.security_definer or function.config else ()
    p.emit("create_function", _phase(p, function), function.path, hazards, function=function)
    comment_if_any(p, function)
    fresh_grants(p, "function", function.path)


def _phase(p: Planner, function: snap.Function) -> Phase:
    if function.language == "sql" and _reads_created_view(p, function):
        return Phase.VIEW_FUNCTIONS
    if function.language == "sql" and _reads_created(p, function.body):
        return Phase.COLUMN_FUNCTIONS
    signature = re.split(r"[\s(),\[\]]+", f"{function.arguments} {function.result}")
    tables = {t.path for t in p.want.snapshot.of(snap.Table).values()}
    return Phase.ROW_TYPE_FUNCTIONS if tables & set(signature) else Phase.FUNCTIONS


def _reads_created_view(p: Planner, function: snap.Function) -> bool:
    """Whether an SQL body names a view this plan creates, and none of those views calls the function:
    by words, a body that only mentions a view must not move its function past a view that needs it."""
    views = {v.name.lower() for v in p.created_views}
    called = set(_WORD.findall(" ".join(v.definition for v in p.created_views).lower()))
    return bool(views) and function.name.lower() not in called and not views.isdisjoint(_WORD.findall(function.body.lower()))


def _reads_created(p: Planner, body: str) -> bool:
    """Whether a body names a table or a column this plan creates. By words, so it may say yes for a
    body that only mentions the name: the function is then created a little later, which is harmless."""
    words = set(_WORD.findall(body.lower()))
    return any(table.lower() in words and (column is None or column.lower() in words) for table, column in p.created)


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
    dropped first and brought back after from schema.yaml's side: triggers that call it or test it in
    WHEN, policies, CHECK constraints, column defaults and views whose expressions call it, and its grants."""
    def found(kind: type, calls) -> list:  # both sides: on a replay the desired dependents exist, and would block the DROP
        return [obj for side in (p.have, p.want) for obj in side.snapshot.of(kind).values() if calls(obj)]

    dependents = {
        # A trigger calls the overload without arguments: another overload of the name is not under it.
        snap.Trigger: found(snap.Trigger, lambda t: (t.function == f"{function.schema}.{function.name}" and not actual.argument_types)
                            or _calls(t.when, function)),
        snap.Policy: found(snap.Policy, lambda q: _calls(q.using, function) or _calls(q.with_check, function)),
        snap.Constraint: found(snap.Constraint, lambda c: c.type == "check" and _calls(c.definition, function)),
    }
    for kind, (drop, phase, hazard) in _DROPS.items():
        for obj in dependents[kind]:
            if (drop, obj.path) not in p.emitted:
                p.emit(drop, phase, obj.path, (hazard,), **{kind.KIND: obj})
    defaults = found(snap.Column, lambda c: _calls(c.default, function))
    for column in defaults:
        p.emit("alter_column_default", Phase.DROP_CONSTRAINTS, column.path, (), column=dataclasses.replace(column, default=None))
    rebuild(p, found(snap.View, lambda v: _calls(v.definition, function)))  # dropped before, created after, with their readers
    p.emit("drop_function", Phase.DROP_RETYPED_FUNCTIONS, actual.path, (CHANGES_ACCESS,), function=actual)
    function_missing(p, None, function)
    for kind, (create, plan_create) in _CREATES.items():
        paths = {obj.path for obj in dependents[kind]}
        for obj in p.want.snapshot.of(kind).values():
            if obj.path in paths and (create, obj.path) not in p.emitted:
                plan_create(p, None, obj)
    paths = {column.path for column in defaults}
    for column in p.want.snapshot.of(snap.Column).values():
        if column.path in paths and column.default is not None:
            p.emit("alter_column_default", Phase.COLUMNS, column.path, (), column=column)


# What depends on a function, dropped before it and created again after: (action, phase, hazard) and (action, planner).
_DROPS = {snap.Trigger: ("drop_trigger", Phase.DROP_TRIGGERS, LOCKS_TABLE),
          snap.Policy: ("drop_policy", Phase.DROP_POLICIES, CHANGES_ACCESS),
          snap.Constraint: ("drop_constraint", Phase.DROP_CONSTRAINTS, LOCKS_TABLE)}
_CREATES = {snap.Trigger: ("create_trigger", trigger_missing), snap.Policy: ("create_policy", policy_missing),
            snap.Constraint: ("add_constraint", constraint_missing)}


def _calls(text: str | None, function: snap.Function) -> bool:
    """Whether printed SQL calls a function of this name (qualified or not, quoted or not). A call of another
    function of the same name only costs a needless drop and create; a missed one, a DROP that fails loudly."""
    if not text or function.name not in text:
        return False
    return re.search(r'(?<![\w$])"?' + re.escape(function.name) + r'"?\s*\(', text) is not None
