"""Triggers, on declared tables or on auth.users."""

from __future__ import annotations

import yaml

from . import model as s
from .reading import EXTERNAL_TABLES, Reader, each, split_qualified
from .yaml_source import closest

TRIGGER_KEYS = {"table", "timing", "events", "for_each", "function", "comment"}
TRIGGER_REQUIRED = TRIGGER_KEYS - {"for_each", "comment"}
TIMINGS = {"before": "BEFORE", "after": "AFTER", "instead of": "INSTEAD OF"}
EVENTS = {"insert": "INSERT", "update": "UPDATE", "delete": "DELETE", "truncate": "TRUNCATE"}
LEVELS = {"row": "ROW", "statement": "STATEMENT"}


def read_triggers(r: Reader, node: yaml.Node, tables: list[s.Table], functions: list[s.Function]) -> list[s.Trigger]:
    result = []
    declared_tables = {(t.schema, t.name) for t in tables}
    declared_functions = {f"{f.schema}.{f.name}": f for f in functions}
    for name, key_node, value in r.src.items(node, "triggers"):
        path = f"triggers.{name}"
        f = r.src.fields(value, path, TRIGGER_KEYS, TRIGGER_REQUIRED)
        if not r.name(key_node, "triggers", name) or not TRIGGER_REQUIRED <= f.keys():
            continue
        table_schema, table = split_qualified(r.src.text(f["table"], f"{path}.table") or "")
        if (table_schema, table) not in declared_tables and (table_schema, table) not in EXTERNAL_TABLES:
            known = sorted(f"{a}.{b}" for a, b in declared_tables | EXTERNAL_TABLES.keys())
            r.src.problem(f["table"], f"{path}.table", f"table {table_schema}.{table} is not declared", closest(f"{table_schema}.{table}", known))
            continue
        function_name = r.src.text(f["function"], f"{path}.function") or ""
        fschema, fname = split_qualified(function_name)
        function = declared_functions.get(f"{fschema}.{fname}")
        if function is None:
            r.src.problem(f["function"], f"{path}.function", f"function {fschema}.{fname} is not declared under `functions:`",
                             closest(f"{fschema}.{fname}", sorted(declared_functions)))
            continue
        if function.returns.lower() != "trigger":
            r.src.problem(f["function"], f"{path}.function", f"{fschema}.{fname} does not return trigger")
        timing = r.src.choice(f["timing"], f"{path}.timing", TIMINGS)
        events = [r.src.choice(e, f"{path}.events", EVENTS) for e in each(f["events"])]
        level = r.src.choice(f["for_each"], f"{path}.for_each", LEVELS) if "for_each" in f else "STATEMENT"
        if timing and level and events and None not in events:
            result.append(s.Trigger(name, table_schema, table, timing, tuple(events), level, fschema, fname,
                                    comment=r.comment(f, path), line=key_node.start_mark.line + 1))
    return result
