"""Columns of a table, with the constraints written on them (primary_key, unique, check, references)."""

from __future__ import annotations

import yaml

from . import model as s
from .types import type_sql
from .reading import COLUMN_PRIVILEGES, Reader, read_grants, split_qualified

COLUMN_KEYS = {"type", "nullable", "default", "primary_key", "unique", "check", "references", "identity", "generated", "collation", "comment",
               "renamed_from", "grants"}
COLUMN_REQUIRED = {"type"}
# `references:` on a column: one target column.
INLINE_REFERENCE_KEYS, REFERENCE_REQUIRED = {"table", "column", "on_delete", "on_update", "name"}, {"table"}
# `foreign_keys:` on a table: several columns, and a target of its own.
FOREIGN_KEY_KEYS, FOREIGN_KEY_REQUIRED = {"columns", "references", "on_delete", "on_update"}, {"columns", "references"}
FK_TARGET_KEYS, FK_TARGET_REQUIRED = {"table", "columns"}, {"table"}
FK_ACTIONS = {"cascade": "CASCADE", "restrict": "RESTRICT", "set null": "SET NULL", "set default": "SET DEFAULT", "no action": "NO ACTION"}
IDENTITIES = {"always": "always", "by default": "by default"}


def read_columns(r: Reader, table: str, node: yaml.Node, path: str) -> tuple[list[s.Column], dict]:
    raw: list[tuple[str, yaml.Node, dict[str, yaml.Node]]] = []
    for name, key_node, value in r.src.items(node, path):
        if r.name(key_node, path, name):
            raw.append((name, key_node, r.src.fields(value, f"{path}.{name}", COLUMN_KEYS, COLUMN_REQUIRED)))
    if isinstance(node, yaml.MappingNode) and not node.value:
        r.src.problem(node, path, "a table needs at least one column")
    names = {name for name, _, _ in raw}
    columns: list[s.Column] = []
    inline: dict[str, list] = {"primary_key": [], "unique": [], "checks": [], "foreign_keys": []}
    for name, key_node, f in raw:
        cpath = f"{path}.{name}"
        col_type = r.reprinted(f["type"], f"{cpath}.type", type_sql, "is not a PostgreSQL type",
                               "e.g. text, uuid, integer, numeric(12,8), timestamptz, text[], extensions.citext") if "type" in f else None
        nullable = r.src.boolean(f["nullable"], f"{cpath}.nullable") if "nullable" in f else True
        default = r.expression(f["default"], f"{cpath}.default", set(), place="a DEFAULT") if "default" in f else None
        generated = r.expression(f["generated"], f"{cpath}.generated", names, place="a generated column") if "generated" in f else None
        identity = r.src.choice(f["identity"], f"{cpath}.identity", IDENTITIES) if "identity" in f else None
        collation = r.src.text(f["collation"], f"{cpath}.collation") if "collation" in f else None
        if collation is not None and not r.name(f["collation"], f"{cpath}.collation", collation):
            collation = None
        comment = r.comment(f, cpath)
        grants = read_grants(r, f["grants"], f"{cpath}.grants", COLUMN_PRIVILEGES) if "grants" in f else []
        if sum(x is not None for x in (default, generated, identity)) > 1:
            r.src.problem(key_node, cpath, "default, generated and identity exclude each other", "keep one")
        if "primary_key" in f and r.src.boolean(f["primary_key"], f"{cpath}.primary_key"):
            inline["primary_key"].append(name)
        if "unique" in f and r.src.boolean(f["unique"], f"{cpath}.unique"):
            inline["unique"].append(name)
        if "check" in f:
            expr = r.expression(f["check"], f"{cpath}.check", names, place="a CHECK constraint")
            if expr:
                inline["checks"].append(s.Check(f"{table}_{name}_check", expr))
        if "references" in f:
            fk = read_foreign_key(r, f"{table}_{name}_fkey", f["references"], f"{cpath}.references", names, table, column=name)
            if fk:
                inline["foreign_keys"].append(fk)
        renamed_from = r.renamed_from(f, cpath, names, "a column of this table")
        if col_type is not None and nullable is not None:
            columns.append(s.Column(name, col_type, nullable, default, identity, generated, collation, comment, renamed_from,
                                    tuple(grants)))
    if len(inline["primary_key"]) > 1:
        r.src.problem(node, path, f"several columns say primary_key: {', '.join(inline['primary_key'])}",
                         "for a composite key write `primary_key: [a, b]` on the table")
        inline["primary_key"] = []
    return columns, inline


def read_foreign_key(r: Reader, name: str, node: yaml.Node, path: str, column_names: set[str], table: str,
                column: str | None = None) -> s.ForeignKey | None:
    if column is None:
        f = r.src.fields(node, path, FOREIGN_KEY_KEYS, FOREIGN_KEY_REQUIRED)
        if "columns" not in f or "references" not in f:
            return None
        columns = r.src.texts(f["columns"], f"{path}.columns")
        if not r.columns_exist(f["columns"], f"{path}.columns", columns, column_names, table):
            return None
        ref = r.src.fields(f["references"], f"{path}.references", FK_TARGET_KEYS, FK_TARGET_REQUIRED)
        actions = f
    else:
        ref = f = r.src.fields(node, path, INLINE_REFERENCE_KEYS, REFERENCE_REQUIRED)
        columns = [column]
        actions = f
    if "table" not in ref:
        return None
    ref_schema, ref_table = split_qualified(r.src.text(ref["table"], f"{path}.table") or "")
    ref_col_node = ref.get("column") or ref.get("columns")
    ref_columns = r.src.texts(ref_col_node, f"{path}.columns") if ref_col_node is not None else ["id"]
    r.pending_references.append((ref["table"], path, ref_schema, ref_table, ref_columns))
    if len(ref_columns) != len(columns):
        r.src.problem(node, path, f"{len(columns)} column(s) reference {len(ref_columns)} column(s)", "give as many target columns as source columns")
        return None
    on_delete = r.src.choice(actions["on_delete"], f"{path}.on_delete", FK_ACTIONS) if "on_delete" in actions else "NO ACTION"
    on_update = r.src.choice(actions["on_update"], f"{path}.on_update", FK_ACTIONS) if "on_update" in actions else "NO ACTION"
    if on_delete is None or on_update is None:
        return None
    return s.ForeignKey(name, tuple(columns), ref_schema, ref_table, tuple(ref_columns), on_delete, on_update)
