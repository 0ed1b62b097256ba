"""Functions and triggers as schema.yaml declares them: a name with one function, or with the list of its
overloads (each with its own arguments, in the order of their argument lists)."""

from __future__ import annotations

from typing import Any, Callable

from ..catalog import snapshot as snap
from ..spec.model import table_key
from . import definitions as d
from .privileges import Privileges
from .yaml_text import Flow, Quoted

Refuse = Callable[[str, str], None]


def functions_entry(snapshot: snap.Snapshot, privileges: Privileges, refuse: Refuse) -> dict:
    grouped: dict[str, list] = {}
    for f in sorted(snapshot.of(snap.Function).values(), key=lambda f: (f.schema, f.name, f.argument_types)):
        grouped.setdefault(f"{f.schema}.{f.name}", []).append(function_entry(f, privileges, refuse))
    return {name: entries[0] if len(entries) == 1 else entries for name, entries in grouped.items()}


def function_entry(function: snap.Function, privileges: Privileges, refuse: Refuse) -> dict:
    where = f"function {function.path}"
    if function.result is None:
        refuse(where, "a procedure")
    for construct, value, default in (("STRICT", function.strict, False), ("LEAKPROOF", function.leakproof, False),
                                      (f"PARALLEL {function.parallel}", function.parallel, "UNSAFE"),
                                      (f"COST {function.cost}", function.cost, "100"), (f"ROWS {function.rows}", function.rows, "0")):
        if value != default:
            refuse(where, construct)
    search_path = None
    for setting in function.config:
        key, _, value = setting.partition("=")
        if key != "search_path":
            refuse(where, f"SET {key}")
            continue
        search_path = "" if value == '""' else ", ".join(_config_name(part) for part in value.split(", "))
    entry: dict[str, Any] = {}
    if function.arguments:
        entry["arguments"] = function.arguments
    entry["returns"] = function.result
    entry["language"] = function.language
    if function.security_definer:
        entry["security_definer"] = True
    if search_path is not None:
        entry["search_path"] = search_path
    if function.volatility != "VOLATILE":
        entry["volatility"] = function.volatility.lower()
    entry["body"] = function.body
    if function.comment is not None:
        entry["comment"] = function.comment
    revoked, granted = privileges.execute(function.path, function.schema)
    if revoked:
        entry["revoke_execute_from"] = Flow(revoked)
    if granted:
        entry["grant_execute_to"] = Flow(granted)
    return entry


def _config_name(part: str) -> str:
    return part[1:-1].replace('""', '"') if part.startswith('"') and part.endswith('"') else part


def triggers_entry(snapshot: snap.Snapshot, functions: dict, refuse: Refuse) -> dict:
    result: dict[str, Any] = {}
    for trigger in sorted(snapshot.of(snap.Trigger).values(), key=lambda t: (t.name, t.schema, t.table)):
        where = f"trigger {trigger.path}"
        if trigger.name in result:
            refuse(where, "a trigger name used on several tables")
            continue
        extras = [f"a trigger that is {trigger.enabled}"] if trigger.enabled != "origin" else []
        if trigger.function not in functions:
            extras.append(f"a trigger function ({trigger.function}) outside what schema.yaml manages")
        for extra in extras:
            refuse(where, extra)
        entry = {"table": table_key(trigger.schema, trigger.table), "timing": trigger.timing.lower(), "events": [e.lower() for e in trigger.events],
                 "for_each": trigger.level.lower(), "function": trigger.function}
        if trigger.update_of:
            entry["update_of"] = Flow(list(trigger.update_of))
        if trigger.referencing:
            entry["referencing"] = Flow(d.transition_tables(trigger.referencing))
        if trigger.when is not None:
            entry["when"] = trigger.when
        if trigger.arguments:
            entry["arguments"] = Flow([Quoted(a) for a in trigger.arguments])
        if trigger.comment is not None:
            entry["comment"] = trigger.comment
        # The usual trigger stays on one line; one with a condition or arguments reads better as a block.
        result[trigger.name] = entry if entry.keys() & {"update_of", "referencing", "when", "arguments"} else Flow(entry)
    return result
