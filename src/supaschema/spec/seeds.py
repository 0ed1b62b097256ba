"""Seed rows: the data a table is shipped with, keyed by a primary key or unique constraint."""

from __future__ import annotations

import yaml

from ..errors import excerpt
from . import model as s
from .expressions import ValueKind
from .reading import Reader
from .seed_checks import check_row
from .seed_values import BadValue, Domain, canonical, domain_of, number, text
from .yaml_source import closest, is_null

SEED_KEYS = {"key", "columns", "rows"}
_INVALID = object()


def read_seeds(r: Reader, node: yaml.Node, tables: list[s.Table], triggers: list[s.Trigger] = ()) -> list[s.Seed]:
    by_name = {t.key: t for t in tables}
    # A BEFORE INSERT row trigger may fill or change values before NOT NULL and CHECK apply: PostgreSQL judges those.
    rewritten = {s.table_key(t.table_schema, t.table) for t in triggers
                 if t.timing == "BEFORE" and t.for_each == "ROW" and "INSERT" in t.events}
    result = []
    for name, key_node, value in r.src.items(node, "seeds"):
        path = f"seeds.{name}"
        f = r.src.fields(value, path, SEED_KEYS, SEED_KEYS)
        table = by_name.get(s.table_key(*s.split_table_key(name)))
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
        if set(key_columns) not in [set(u) for u in unique_column_sets(table)]:
            r.src.problem(f["key"], f"{path}.key", f"no primary key or unique constraint on ({', '.join(key_columns)}), so ON CONFLICT cannot use it",
                             f"add `unique: [[{', '.join(key_columns)}]]` to table {name}")
            continue
        check_insertable(r, f["columns"], f"{path}.columns", table, columns, name not in rewritten)
        rows, row_lines = read_seed_rows(r, f["rows"], path, table, columns, key_columns, name not in rewritten)
        result.append(s.Seed(table.schema, table.name, tuple(key_columns), tuple(columns), tuple(rows),
                             line=key_node.start_mark.line + 1, row_lines=tuple(row_lines)))
    return result


def check_insertable(r: Reader, node: yaml.Node, path: str, table: s.Table, columns: list[str], as_written: bool) -> None:
    """Every row inserts the listed columns and lets the others take their default: both must be possible."""
    for column in table.columns:
        listed = column.name in columns
        if as_written and not listed and not column.nullable and column.default is None and column.identity is None and column.generated is None:
            r.src.problem(node, path, f"column {excerpt(column.name)} is NOT NULL and has no default, so every row would break NOT NULL",
                          f"add {column.name} to `columns` (and a value to each row), or give the column a default")
        elif listed and (column.generated is not None or column.identity == "always"):
            what = "generated" if column.generated is not None else "an identity GENERATED ALWAYS"
            r.src.problem(node, path, f"column {excerpt(column.name)} is {what}: PostgreSQL refuses values for it",
                          f"remove {column.name} from `columns` and its values from the rows")


def read_seed_rows(r: Reader, node: yaml.Node, path: str, table: s.Table, columns: list[str],
                   key: list[str], as_written: bool = True) -> tuple[list[tuple], list[int]]:
    """The rows, and the line of each (PostgreSQL's own refusals are reported there)."""
    rows: list[tuple] = []
    lines: list[int] = []
    domains = [domain_of(table.column(c).type) for c in columns]
    nullable = [table.column(c).nullable for c in columns]
    # The seed key and every other unique constraint the rows fill: equal under PostgreSQL's equality is a duplicate.
    uniques = [tuple(key)] + [u for u in unique_column_sets(table) if set(u) <= set(columns) and set(u) != set(key)]
    seen: dict[tuple, dict[tuple, int]] = {u: {} for u in uniques}
    for i, row_node in enumerate(r.src.sequence(node, f"{path}.rows")):
        rpath = f"{path}.rows[{i}]"
        cells = r.src.sequence(row_node, rpath)
        if len(cells) != len(columns):
            r.src.problem(row_node, rpath, f"has {len(cells)} values but `columns` names {len(columns)} ({', '.join(columns)})",
                             "give one value per column, in that order")
            continue
        values = [read_seed_value(r, cell, f"{rpath}.{column}", domain, null_ok)
                  for column, domain, null_ok, cell in zip(columns, domains, nullable, cells)]
        if any(v is _INVALID for v in values):
            continue
        if not _unique_in_seed(r, row_node, rpath, i, dict(zip(columns, zip(values, domains))), seen):
            continue
        if as_written:
            check_row(r, row_node, rpath, table, dict(zip(columns, values)))
        rows.append(tuple(values))
        lines.append(row_node.start_mark.line + 1)
    return rows, lines


def unique_column_sets(table: s.Table) -> list[tuple[str, ...]]:
    return ([table.primary_key.columns] if table.primary_key else []) + [u.columns for u in table.uniques]


def _unique_in_seed(r: Reader, row_node: yaml.Node, rpath: str, index: int, cells: dict, seen: dict) -> bool:
    for i, (columns, earlier) in enumerate(seen.items()):
        if any(cells[c][0] is None for c in columns):
            continue  # NULLs are distinct in a unique constraint
        canonical_key = tuple(canonical(*cells[c]) for c in columns)
        if canonical_key in earlier:
            shown = ", ".join(excerpt(str(cells[c][0])) for c in columns)
            what = "duplicate key" if i == 0 else f"duplicate value for unique ({', '.join(columns)})"
            r.src.problem(row_node, rpath, f"{what} ({shown}) (also row {earlier[canonical_key]}; PostgreSQL compares them as equal)",
                          "remove one of the rows")
            return False
        earlier[canonical_key] = index
    return True


def read_seed_value(r: Reader, node: yaml.Node, path: str, domain: Domain, nullable: bool):
    if not isinstance(node, yaml.ScalarNode):
        r.src.problem(node, path, "expected a single value")
        return _INVALID
    if is_null(node):
        if not nullable:
            r.src.problem(node, path, "is null but the column is NOT NULL", "give a value, or declare the column `nullable: true`")
            return _INVALID
        return None
    if domain.kind is ValueKind.BOOLEAN:
        value = r.src.boolean(node, path)
        return _INVALID if value is None else value
    try:
        if domain.kind in (ValueKind.NUMBER, ValueKind.INTEGER):
            return number(node.value, domain)
        return text(node.value, domain)
    except BadValue as bad:
        r.src.problem(node, path, bad.what, bad.fix)
        return _INVALID
