"""Tables in schema.yaml: their constraints, RLS, grants, and the foreign-key targets checked once all are known."""

from __future__ import annotations

from dataclasses import replace

import yaml

from ..errors import excerpt
from . import model as s
from .columns import read_columns, read_foreign_key
from .indexes import read_indexes
from .policies import read_policies
from .reading import EXTERNAL_TABLES, MAX_IDENTIFIER, Reader, mapping_keys, read_grants
from .yaml_source import closest

TABLE_KEYS = {"comment", "renamed_from", "columns", "primary_key", "unique", "checks", "foreign_keys", "indexes", "rls", "policies", "grants"}
TABLE_REQUIRED = {"columns"}
RLS_KEYS, RLS_REQUIRED = {"enabled", "force"}, {"enabled"}


def read_tables(r: Reader, node: yaml.Node) -> list[s.Table]:
    result = []
    # `audit_log` is public.audit_log; `private.audit_log` lives in a schema declared under `schemas:`.
    siblings = mapping_keys(node)
    for key, key_node, value in r.src.items(node, "tables"):
        schema, name = s.split_table_key(key)
        if r.name(key_node, f"tables.{key}", name) and r.schema_known(key_node, f"tables.{key}", schema):
            table = read_table(r, schema, name, value, f"tables.{key}", siblings)
            if table:
                result.append(replace(table, line=key_node.start_mark.line + 1))
    if isinstance(node, yaml.MappingNode) and not node.value:
        r.src.problem(node, "tables", "no tables declared")
    return result


def read_table(r: Reader, schema: str, name: str, node: yaml.Node, path: str, siblings: set[str] = frozenset()) -> s.Table | None:
    """`siblings`: the table names declared beside it, which `renamed_from` may not name."""
    f = r.src.fields(node, path, TABLE_KEYS, TABLE_REQUIRED)
    if "columns" not in f:
        return None
    columns, inline = read_columns(r, name, f["columns"], f"{path}.columns")
    column_names = {c.name for c in columns}
    pk_columns = inline["primary_key"]
    if "primary_key" in f:
        declared = r.src.texts(f["primary_key"], f"{path}.primary_key")
        if pk_columns:
            r.src.problem(f["primary_key"], f"{path}.primary_key", "primary key declared both on a column and on the table", "keep one")
        elif r.columns_exist(f["primary_key"], f"{path}.primary_key", declared, column_names, name):
            pk_columns = declared
    if pk_columns:
        columns = [replace(c, nullable=False) if c.name in pk_columns else c for c in columns]
    primary_key = s.PrimaryKey(f"{name}_pkey", tuple(pk_columns)) if pk_columns else None

    uniques = [s.Unique(f"{name}_{col}_key", (col,)) for col in inline["unique"]]
    if "unique" in f:
        for i, item in enumerate(r.src.sequence(f["unique"], f"{path}.unique")):
            cols = r.src.texts(item, f"{path}.unique[{i}]")
            if cols and r.columns_exist(item, f"{path}.unique[{i}]", cols, column_names, name):
                uniques.append(s.Unique(f"{name}_{'_'.join(cols)}_key", tuple(cols)))
    checks = list(inline["checks"])
    if "checks" in f:
        for cname, cnode, value in r.src.items(f["checks"], f"{path}.checks"):
            expr = r.expression(value, f"{path}.checks.{cname}", column_names, place="a CHECK constraint")
            if r.name(cnode, f"{path}.checks", cname) and expr:
                checks.append(s.Check(cname, expr))
    foreign_keys = list(inline["foreign_keys"])
    if "foreign_keys" in f:
        for fname, fnode, value in r.src.items(f["foreign_keys"], f"{path}.foreign_keys"):
            fk = read_foreign_key(r, fname, value, f"{path}.foreign_keys.{fname}", column_names, name)
            if fk and r.name(fnode, f"{path}.foreign_keys", fname):
                foreign_keys.append(fk)
    indexes = read_indexes(r, f["indexes"], f"{path}.indexes", column_names, name) if "indexes" in f else []
    rls_enabled, rls_force = read_rls(r, f["rls"], f"{path}.rls") if "rls" in f else (False, False)
    policies = read_policies(r, f["policies"], f"{path}.policies", schema, name, column_names) if "policies" in f else []
    # Only built when asked: a copy of the 1,000 sibling names for each of 1,000 tables is quadratic.
    renamed_from = r.renamed_from(f, path, siblings | {name}, "a table in schema.yaml", schema) if "renamed_from" in f else None
    grants = read_grants(r, f["grants"], f"{path}.grants") if "grants" in f else []
    comment = r.comment(f, path)
    check_constraint_names(r, node, path, name, primary_key, uniques, checks, foreign_keys, indexes)
    return s.Table(schema, name, tuple(columns), primary_key, tuple(uniques), tuple(checks), tuple(foreign_keys),
                   tuple(indexes), rls_enabled, rls_force, tuple(policies), tuple(grants), comment, renamed_from=renamed_from)


def check_constraint_names(r: Reader, node, path, table, primary_key, uniques, checks, foreign_keys, indexes) -> None:
    # Constraints and indexes share one namespace per schema in PostgreSQL.
    seen: set[str] = set()
    names = ([primary_key.name] if primary_key else []) + [u.name for u in uniques] + [c.name for c in checks]
    names += [fk.name for fk in foreign_keys] + [i.name for i in indexes]
    for cname in names:
        if cname in seen:
            r.src.problem(node, path, f"two constraints or indexes would both be named {excerpt(cname)}", "name one of them explicitly")
        elif len(cname.encode()) > MAX_IDENTIFIER:
            keys = {u.name for u in uniques} | ({primary_key.name} if primary_key else set())
            r.src.problem(node, path, f"constraint name {excerpt(cname)} is longer than {MAX_IDENTIFIER} bytes",
                          "shorten the table or column name (a key's name is made from them: <table>_pkey, <table>_<columns>_key)"
                          if cname in keys else "declare it under `checks:`/`foreign_keys:` with a shorter name")
        seen.add(cname)


def read_rls(r: Reader, node: yaml.Node, path: str) -> tuple[bool, bool]:
    f = r.src.fields(node, path, RLS_KEYS, RLS_REQUIRED)
    enabled = bool(r.src.boolean(f["enabled"], f"{path}.enabled")) if "enabled" in f else False
    force = bool(r.src.boolean(f["force"], f"{path}.force")) if "force" in f else False
    return enabled, force


def check_references(r: Reader, tables: list[s.Table]) -> None:
    columns = {(t.schema, t.name): {c.name for c in t.columns} for t in tables}
    columns.update(EXTERNAL_TABLES)
    for node, path, schema, table, ref_columns in r.pending_references:
        known = columns.get((schema, table))
        if known is None:
            r.src.problem(node, path, f"references table {schema}.{table}, which is not declared",
                             closest(f"{schema}.{table}", sorted(f"{a}.{b}" for a, b in columns)))
            continue
        for col in ref_columns:
            if col not in known:
                r.src.problem(node, path, f"references column {excerpt(col)}, which {schema}.{table} does not have", closest(col, sorted(known)))
