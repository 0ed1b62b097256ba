"""Sequences: standalone, or OWNED BY a column (dropped with it) that does not take its default from it."""

from __future__ import annotations

import yaml

from . import model as s
from .types import type_sql
from .reading import SEQUENCE_PRIVILEGES, Reader, read_grants, split_qualified
from .yaml_source import closest

SEQUENCE_KEYS = {"type", "start", "increment", "min", "max", "cache", "cycle", "owned_by", "comment", "grants"}
TYPES = {"smallint": "smallint", "integer": "integer", "bigint": "bigint"}
NUMBERS = ("start", "increment", "min", "max", "cache")


def read_sequences(r: Reader, node: yaml.Node, tables: list[s.Table]) -> list[s.Sequence]:
    columns = {(t.schema, t.name): {c.name for c in t.columns} for t in tables}
    result = []
    for key, key_node, value in r.src.items(node, "sequences"):
        path = f"sequences.{key}"
        schema, name = split_qualified(key)
        f = r.src.fields(value, path, SEQUENCE_KEYS) if isinstance(value, yaml.MappingNode) else {}
        if not r.name(key_node, "sequences", name):
            continue
        numbers = {field: _integer(r, f[field], f"{path}.{field}") for field in NUMBERS if field in f}
        if numbers.get("increment") == 0:
            r.src.problem(f["increment"], f"{path}.increment", "the increment cannot be 0", "e.g. 1, or -1 to count down")
        owned_by = _owned_by(r, f["owned_by"], f"{path}.owned_by", columns) if "owned_by" in f else None
        kind = r.src.choice(f["type"], f"{path}.type", TYPES) if "type" in f else "bigint"
        cycle = bool(r.src.boolean(f["cycle"], f"{path}.cycle")) if "cycle" in f else False
        result.append(s.Sequence(schema, name, type_sql(kind or "bigint"), numbers.get("start"), numbers.get("increment", 1),
                                 numbers.get("min"), numbers.get("max"), numbers.get("cache", 1), cycle, owned_by,
                                 r.comment(f, path), tuple(read_grants(r, f["grants"], f"{path}.grants", SEQUENCE_PRIVILEGES)
                                                          if "grants" in f else ())))
    return result


def _integer(r: Reader, node: yaml.Node, path: str) -> int | None:
    text = r.src.text(node, path)
    try:
        return int(text) if text is not None else None
    except ValueError:
        r.src.problem(node, path, f"{text!r} is not a whole number", "e.g. 1000")
        return None


def _owned_by(r: Reader, node: yaml.Node, path: str, columns: dict) -> tuple[str, str, str] | None:
    text = r.src.text(node, path) or ""
    table_ref, _, column = text.rpartition(".")
    schema, table = split_qualified(table_ref)
    known = columns.get((schema, table))
    if known is None:
        r.src.problem(node, path, f"{text!r} does not name a column of a declared table",
                      closest(table_ref, sorted(f"{a}.{b}" for a, b in columns)) or "write table.column, e.g. invoices.number")
        return None
    if column not in known:
        r.src.problem(node, path, f"table {table!r} has no column {column!r}", closest(column, sorted(known)))
        return None
    return schema, table, column
