"""Seed rows: the data a table is shipped with, keyed by a primary key or unique constraint."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import yaml

from ..errors import excerpt
from . import model as s
from .expressions import ValueKind, value_kind
from .reading import Reader
from .yaml_source import closest, is_null

SEED_KEYS = {"key", "columns", "rows"}
_INVALID = object()


def read_seeds(r: Reader, node: yaml.Node, tables: list[s.Table]) -> list[s.Seed]:
    by_name = {t.name: t for t in tables}
    result = []
    for name, key_node, value in r.src.items(node, "seeds"):
        path = f"seeds.{name}"
        f = r.src.fields(value, path, SEED_KEYS, SEED_KEYS)
        table = by_name.get(name)
        if table is None:
            r.src.problem(key_node, path, f"seeds name table {excerpt(name)}, which is not declared", closest(name, sorted(by_name)))
            continue
        if f.keys() != SEED_KEYS:
            continue
        column_names = {c.name for c in table.columns}
        columns = r.src.texts(f["columns"], f"{path}.columns")
        key_columns = r.src.texts(f["key"], f"{path}.key")
        if not (r.columns_exist(f["columns"], f"{path}.columns", columns, column_names, name)
                and r.columns_exist(f["key"], f"{path}.key", key_columns, column_names, name)):
            continue
        if missing := [k for k in key_columns if k not in columns]:
            r.src.problem(f["key"], f"{path}.key", f"key column(s) {', '.join(missing)} are not in `columns`", "list every key column under columns")
            continue
        unique_sets = [set(u.columns) for u in table.uniques] + ([set(table.primary_key.columns)] if table.primary_key else [])
        if set(key_columns) not in unique_sets:
            r.src.problem(f["key"], f"{path}.key", f"no primary key or unique constraint on ({', '.join(key_columns)}), so ON CONFLICT cannot use it",
                             f"add `unique: [[{', '.join(key_columns)}]]` to table {name}")
            continue
        rows = read_seed_rows(r, f["rows"], path, table, columns, key_columns)
        result.append(s.Seed(table.schema, name, tuple(key_columns), tuple(columns), tuple(rows)))
    return result


def read_seed_rows(r: Reader, node: yaml.Node, path: str, table: s.Table, columns: list[str], key: list[str]) -> list[tuple]:
    rows: list[tuple] = []
    seen_keys: dict[tuple, int] = {}
    kinds = [value_kind(table.column(c).type) for c in columns]
    for i, row_node in enumerate(r.src.sequence(node, f"{path}.rows")):
        rpath = f"{path}.rows[{i}]"
        cells = r.src.sequence(row_node, rpath)
        if len(cells) != len(columns):
            r.src.problem(row_node, rpath, f"has {len(cells)} values but `columns` names {len(columns)} ({', '.join(columns)})",
                             "give one value per column, in that order")
            continue
        values = []
        for column, kind, cell in zip(columns, kinds, cells):
            values.append(read_seed_value(r, cell, f"{rpath}.{column}", kind, table.column(column).nullable))
        if any(v is _INVALID for v in values):
            continue
        row_key = tuple(values[columns.index(k)] for k in key)
        if row_key in seen_keys:
            r.src.problem(row_node, rpath, f"duplicate key {row_key} (also row {seen_keys[row_key]})", "remove one of the rows")
            continue
        seen_keys[row_key] = i
        rows.append(tuple(values))
    return rows


def read_seed_value(r: Reader, node: yaml.Node, path: str, kind: ValueKind, nullable: bool):
    if not isinstance(node, yaml.ScalarNode):
        r.src.problem(node, path, "expected a single value")
        return _INVALID
    if is_null(node):
        if not nullable:
            r.src.problem(node, path, "is null but the column is NOT NULL")
            return _INVALID
        return None
    raw = node.value
    if kind is ValueKind.BOOLEAN:
        value = r.src.boolean(node, path)
        return _INVALID if value is None else value
    if kind in (ValueKind.NUMBER, ValueKind.INTEGER):
        try:
            number = Decimal(raw.strip())
        except InvalidOperation:
            r.src.problem(node, path, f"{excerpt(raw)} is not a number", "write a plain decimal such as 0.0025")
            return _INVALID
        if not number.is_finite():
            r.src.problem(node, path, f"{excerpt(raw)} is not a finite number")
            return _INVALID
        if kind is ValueKind.INTEGER:
            if number != number.to_integral_value():
                r.src.problem(node, path, f"{excerpt(raw)} is not a whole number")
                return _INVALID
            return int(number)
        return number
    if "\0" in raw:
        r.src.problem(node, path, "text cannot hold a NUL character")
        return _INVALID
    return raw
