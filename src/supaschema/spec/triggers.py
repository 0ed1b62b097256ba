"""Triggers, on declared tables (in any declared schema) or on auth.users, with their whole definition:
the arguments passed to the function, the WHEN condition, UPDATE OF columns and transition tables."""

from __future__ import annotations

import yaml

from ..errors import excerpt
from . import model as s
from .expression_scope import AGGREGATE, SET_RETURNING, SUBQUERY, WINDOW
from .expressions import parse_expression
from .functions import overloads_by_name
from .reading import EXTERNAL_TABLES, Reader, each, split_qualified
from .yaml_source import closest

TRIGGER_KEYS = {"table", "timing", "events", "for_each", "function", "comment", "arguments", "when", "update_of", "referencing"}
TRIGGER_REQUIRED = {"table", "timing", "events", "function"}
REFERENCING_KEYS = {"old_table", "new_table"}
TIMINGS = {"before": "BEFORE", "after": "AFTER", "instead of": "INSTEAD OF"}
EVENTS = {"insert": "INSERT", "update": "UPDATE", "delete": "DELETE", "truncate": "TRUNCATE"}
LEVELS = {"row": "ROW", "statement": "STATEMENT"}
# Which row each event has: PostgreSQL refuses a WHEN that reads the other one.
ROWS_OF_EVENT = {"INSERT": {"new"}, "UPDATE": {"old", "new"}, "DELETE": {"old"}, "TRUNCATE": set()}


def read_triggers(r: Reader, node: yaml.Node, tables: list[s.Table], functions: list[s.Function]) -> list[s.Trigger]:
    result = []
    columns_of: dict[tuple[str, str], set[str] | None] = {(t.schema, t.name): {c.name for c in t.columns} for t in tables}
    columns_of.update(dict.fromkeys(EXTERNAL_TABLES))  # the platform's tables: their columns are not ours to list
    declared_functions = overloads_by_name(functions)
    for name, key_node, value in r.src.items(node, "triggers"):
        path = f"triggers.{name}"
        f = r.src.fields(value, path, TRIGGER_KEYS, TRIGGER_REQUIRED)
        if not r.name(key_node, "triggers", name) or not TRIGGER_REQUIRED <= f.keys():
            continue
        table_schema, table = s.split_table_key(r.src.text(f["table"], f"{path}.table") or "")
        if (table_schema, table) not in columns_of:
            r.src.problem(f["table"], f"{path}.table", f"table {table_schema}.{table} is not declared",
                          closest(f"{table_schema}.{table}", sorted(f"{a}.{b}" for a, b in columns_of)))
            continue
        fschema, fname = split_qualified(r.src.text(f["function"], f"{path}.function") or "")
        overloads = declared_functions.get(f"{fschema}.{fname}")
        if overloads is None:
            r.src.problem(f["function"], f"{path}.function", f"function {fschema}.{fname} is not declared under `functions:`",
                          closest(f"{fschema}.{fname}", sorted(declared_functions)))
            continue
        # A trigger calls its function without arguments (it reads TG_ARGV): of several overloads, that one.
        function = overloads[0] if len(overloads) == 1 else next((o for o in overloads if not o.input_types), None)
        if function is None:
            r.src.problem(f["function"], f"{path}.function", f"no overload of {fschema}.{fname} takes no arguments, "
                          "and a trigger calls its function without any", "declare an overload without `arguments:` "
                          "returning trigger (the trigger's `arguments:` reach it in TG_ARGV)")
            continue
        if function.returns.lower() != "trigger":
            r.src.problem(f["function"], f"{path}.function", f"{fschema}.{fname} does not return trigger")
        timing = r.src.choice(f["timing"], f"{path}.timing", TIMINGS)
        events = [r.src.choice(e, f"{path}.events", EVENTS) for e in each(f["events"])]
        level = r.src.choice(f["for_each"], f"{path}.for_each", LEVELS) if "for_each" in f else "STATEMENT"
        if not (timing and level and events and None not in events):
            continue
        trigger = s.Trigger(name, table_schema, table, timing, tuple(events), level, fschema, fname,
                            comment=r.comment(f, path), line=key_node.start_mark.line + 1)
        definition = read_definition(r, f, path, trigger, columns_of[(table_schema, table)])
        if definition is not None:
            result.append(definition)
    return result


def read_definition(r: Reader, f: dict[str, yaml.Node], path: str, t: s.Trigger, columns: set[str] | None) -> s.Trigger | None:
    """The optional parts: each checked where PostgreSQL would refuse it, so the error has a line."""
    ok = True
    arguments = tuple(r.src.texts(f["arguments"], f"{path}.arguments")) if "arguments" in f else ()
    update_of: tuple[str, ...] = ()
    if "update_of" in f:
        update_of = tuple(r.src.texts(f["update_of"], f"{path}.update_of"))
        if "UPDATE" not in t.events:
            r.src.problem(f["update_of"], f"{path}.update_of", "UPDATE OF columns need the update event", "add `update` to `events:` or remove `update_of:`")
            ok = False
        elif not r.columns_exist(f["update_of"], f"{path}.update_of", list(update_of), columns, t.table):
            ok = False
    when = read_when(r, f["when"], f"{path}.when", t, columns) if "when" in f else None
    ok = ok and ("when" not in f or when is not None)
    old_table = new_table = None
    if "referencing" in f:
        refs = r.src.fields(f["referencing"], f"{path}.referencing", REFERENCING_KEYS)
        old_table = r.src.text(refs["old_table"], f"{path}.referencing.old_table") if "old_table" in refs else None
        new_table = r.src.text(refs["new_table"], f"{path}.referencing.new_table") if "new_table" in refs else None
        ok = check_referencing(r, f["referencing"], f"{path}.referencing", t, old_table, new_table, update_of) and ok
    if not ok:
        return None
    return s.Trigger(t.name, t.table_schema, t.table, t.timing, t.events, t.for_each, t.function_schema, t.function,
                     line=t.line, comment=t.comment, arguments=arguments, when=when, update_of=update_of,
                     old_table=old_table, new_table=new_table)


def read_when(r: Reader, node: yaml.Node, path: str, t: s.Trigger, columns: set[str] | None):
    text = r.src.text(node, path)
    if text is None:
        return None
    parsed = parse_expression(text)
    if parsed.error:
        r.src.problem(node, path, f"{excerpt(text)} {parsed.error}", "write one PostgreSQL expression, e.g. `OLD.price IS DISTINCT FROM NEW.price`")
        return None
    problems = [(f"{c} is not allowed in a trigger's WHEN condition (PostgreSQL refuses it)", "read the row through OLD and NEW only")
                for c in sorted(parsed.constructs & {SUBQUERY, AGGREGATE, WINDOW, SET_RETURNING})]
    if t.timing == "INSTEAD OF":
        problems.append(("an INSTEAD OF trigger cannot have a WHEN condition", "test the condition inside the function"))
    problems += [(f"refers to column {excerpt(c)} without OLD. or NEW.", f"write NEW.{c} or OLD.{c}") for c in sorted(parsed.columns)]
    rows = {q for q, _ in parsed.row_columns}
    if rows - {"old", "new"}:
        problems.append((f"reads {excerpt(sorted(rows - {'old', 'new'})[0])}.*, but a WHEN condition sees only OLD and NEW", "write OLD.column or NEW.column"))
    if t.for_each == "STATEMENT" and rows:
        problems.append(("a statement-level trigger's WHEN condition cannot read OLD or NEW", "set `for_each: row`"))
    for row in sorted(rows & {"old", "new"}):
        lacking = [e.lower() for e in t.events if row not in ROWS_OF_EVENT[e]]
        if lacking:
            problems.append((f"reads {row.upper()}, which the {lacking[0]} event does not have", f"remove `{lacking[0]}` from `events:` or do not read {row.upper()}"))
    if columns is not None:
        problems += [(f"refers to column {excerpt(c)}, which the table does not have", closest(c, sorted(columns)))
                     for q, c in sorted(parsed.row_columns) if q in ("old", "new") and c not in columns]
    for what, fix in problems:
        r.src.problem(node, path, what, fix)
    return None if problems else parsed.sql


def check_referencing(r: Reader, node: yaml.Node, path: str, t: s.Trigger, old_table, new_table, update_of) -> bool:
    problems = []
    if old_table is None and new_table is None:
        problems.append(("names no transition table", "add `old_table:` and/or `new_table:`"))
    if t.timing != "AFTER":
        problems.append(("transition tables need an AFTER trigger", "set `timing: after`"))
    if len(t.events) != 1:
        problems.append(("transition tables need exactly one event (PostgreSQL refuses them on several)", "split the trigger in one per event"))
    if update_of:
        problems.append(("transition tables cannot be combined with UPDATE OF columns", "remove `update_of:`"))
    if old_table is not None and not {"UPDATE", "DELETE"} & set(t.events):
        problems.append(("an old_table needs the update or delete event", "remove `old_table:`"))
    if new_table is not None and not {"UPDATE", "INSERT"} & set(t.events):
        problems.append(("a new_table needs the insert or update event", "remove `new_table:`"))
    for name in (n for n in (old_table, new_table) if n is not None):
        if not r.name(node, path, name):
            return False
    for what, fix in problems:
        r.src.problem(node, path, what, fix)
    return not problems
