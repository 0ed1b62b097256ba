"""The `migrations:` list: which file holds which object, each once and after what it needs."""

from __future__ import annotations

import re

import yaml

from ..errors import excerpt
from . import model as s
from .reading import Reader, split_qualified
from .tables import check_references
from .yaml_source import closest

MIGRATION_KEYS = {"version", "name", "description", "tables", "policies", "seeds", "functions", "triggers", "views", "enums", "schemas",
                  "default_privileges", "sequences", "domains", "composite_types", "extensions"}
MIGRATION_REQUIRED = {"version", "name"}
# Always fullmatch, with ASCII classes: `\d` takes any script's digits, and `$` matches before a final newline.
VERSION = re.compile(r"[0-9]{14}")
MIGRATION_NAME = re.compile(r"[a-z0-9_]{1,100}")  # the file name stays far below 255 bytes


def read_migrations(r: Reader, node: yaml.Node | None, root: yaml.Node, tables, functions, triggers, seeds, views=(),
                    enums=(), schemas=(), default_privileges=(), sequences=(), domains=(), composite_types=(),
                    extensions=()) -> list[s.Migration]:
    check_references(r, tables)
    if node is None:
        r.src.problem(root, "migrations", "missing required key 'migrations'", "list the migration files and what each holds")
        return []
    # What a migration's lists may name, by kind, as each list spells it once qualified.
    known = {"tables": {t.key for t in tables}, "seeds": {s.table_key(sd.schema, sd.table) for sd in seeds},
             "functions": {f"{f.schema}.{f.name}" for f in functions}, "triggers": {t.name for t in triggers},
             "views": {v.qualified_name for v in views}, "enums": {e.qualified_name for e in enums},
             "schemas": {sc.name for sc in schemas}, "default_privileges": {d.schema for d in default_privileges},
             "sequences": {f"{q.schema}.{q.name}" for q in sequences}, "domains": {f"{d.schema}.{d.name}" for d in domains},
             "composite_types": {f"{c.schema}.{c.name}" for c in composite_types}, "extensions": {e.name for e in extensions}}
    policy_keys = {(t.key, p.name) for t in tables for p in t.policies}
    placed: dict[tuple[str, object], int] = {}
    result = []
    last_version = ""
    for i, item in enumerate(r.src.sequence(node, "migrations")):
        path = f"migrations[{i}]"
        f = r.src.fields(item, path, MIGRATION_KEYS, MIGRATION_REQUIRED)
        version, name, last_version = _version_and_name(r, f, path, last_version)
        description = (r.src.text(f["description"], f"{path}.description") or "") if "description" in f else ""
        contents = {kind: _placed_refs(r, f, path, i, kind, names, placed) for kind, names in known.items()}
        policies = _placed_policies(r, f, path, i, policy_keys, placed)
        if version and name:
            result.append(s.Migration(version, name, description, tuple(contents["tables"]), tuple(policies),
                                      tuple(contents["seeds"]), tuple(contents["functions"]), tuple(contents["triggers"]),
                                      tuple(contents["views"]), tuple(contents["enums"]), tuple(contents["schemas"]),
                                      tuple(contents["default_privileges"]), tuple(contents["sequences"]),
                                      tuple(contents["domains"]), tuple(contents["composite_types"]), tuple(contents["extensions"])))
    check_placement(r, node, placed, known["tables"], policy_keys, known["functions"], known["triggers"], known["seeds"], tables,
                    triggers, views, enums, known["schemas"])
    check_placed_kinds(r, node, placed, known["default_privileges"],
                       {kind: known[kind] for kind in ("sequences", "domains", "composite_types", "extensions")}, sequences, extensions)
    return result


def _version_and_name(r: Reader, f: dict, path: str, last_version: str) -> tuple[str | None, str | None, str]:
    """The migration's version and name, each None when invalid, and the latest version seen so far."""
    version = r.src.text(f["version"], f"{path}.version") if "version" in f else None
    name = r.src.text(f["name"], f"{path}.name") if "name" in f else None
    if version is not None and not VERSION.fullmatch(version):
        r.src.problem(f["version"], f"{path}.version", f"{excerpt(version)} is not a 14-digit timestamp (ASCII digits 0-9)", 'write it quoted, e.g. "20251018000001"')
        version = None
    if version is not None:
        if version <= last_version:
            r.src.problem(f["version"], f"{path}.version", f"{version} does not come after {last_version}", "versions must increase down the list")
        last_version = max(version, last_version)
    if name is not None and not MIGRATION_NAME.fullmatch(name):
        r.src.problem(f["name"], f"{path}.name", f"{excerpt(name)} must be 1 to 100 lowercase ASCII letters, digits and _", "e.g. create_pricing_tables")
        name = None
    return version, name, last_version


def _placed_refs(r: Reader, f: dict, path: str, index: int, kind: str, known: set, placed: dict) -> list:
    """A migration's list of one kind, each name qualified, declared, and placed in one migration only."""
    refs = []
    for ref in r.src.texts(f[kind], f"{path}.{kind}") if kind in f else []:
        ref_q = (".".join(split_qualified(ref)) if kind in ("functions", "views", "enums", "sequences", "domains", "composite_types")
                 else s.table_key(*s.split_table_key(ref)) if kind in ("tables", "seeds") else ref)
        if ref_q not in known:
            r.src.problem(f[kind], f"{path}.{kind}", f"{excerpt(ref)} is not declared under `{kind}:`", closest(ref_q, sorted(known)))
            continue
        place(r, placed, (kind, ref_q), index, f[kind], path)
        refs.append(ref_q)
    return refs


def _placed_policies(r: Reader, f: dict, path: str, index: int, policy_keys: set, placed: dict) -> list[tuple[str, str]]:
    """A migration's `policies:` list: `- table: policy name` entries."""
    policies = []
    for entry in r.src.sequence(f["policies"], f"{path}.policies") if "policies" in f else []:
        for table_ref, _, pnode in r.src.items(entry, f"{path}.policies"):
            table = s.table_key(*s.split_table_key(table_ref))
            pname = r.src.text(pnode, f"{path}.policies.{table_ref}")
            if (table, pname) not in policy_keys:
                r.src.problem(pnode, f"{path}.policies", f"policy {excerpt(pname)} on table {excerpt(table)} is not declared",
                              closest(f"{pname}", sorted(p for t, p in policy_keys if t == table)))
                continue
            place(r, placed, ("policies", (table, pname)), index, pnode, path)
            policies.append((table, pname))
    return policies


def check_placed_kinds(r: Reader, node, placed, privilege_schemas, names_of: dict[str, set[str]], sequences, extensions) -> None:
    """The kinds checked by name alone: each in some migration, and after the schema or table it needs."""
    for schema in sorted(privilege_schemas - {ref for kind, ref in placed if kind == "default_privileges"}):
        r.src.problem(node, "migrations", f"default privileges of {schema} are in no migration",
                      "add the schema to a migration's `default_privileges:` list")
    for kind, names in names_of.items():
        for missing in sorted(names - {ref for k, ref in placed if k == kind}):
            r.src.problem(node, "migrations", f"{kind[:-1].replace('_', ' ')} {missing} is not in any migration", f"add it to a migration's `{kind}:` list")
    for e in extensions:  # an extension's schema comes first
        key, schema_key = ("extensions", e.name), ("schemas", e.schema)
        if key in placed and schema_key in placed and placed[schema_key] > placed[key]:
            r.src.problem(node, "migrations", f"extension {e.name} is in migrations[{placed[key]}] but its schema {e.schema} is in "
                          f"migrations[{placed[schema_key]}]", "move the extension to the same or a later migration")
    for q in sequences:
        key = ("sequences", f"{q.schema}.{q.name}")
        if key in placed and q.owned_by and placed.get(("tables", s.table_key(*q.owned_by[:2])), -1) > placed[key]:
            r.src.problem(node, "migrations", f"sequence {key[1]} is OWNED BY a table from a later migration",
                          "move it to the same or a later migration")


def place(r: Reader, placed: dict, key: tuple, index: int, node: yaml.Node, path: str) -> None:
    if key in placed:
        r.src.problem(node, path, f"{_label(key)} is already in migrations[{placed[key]}]", "list each object in one migration only")
    else:
        placed[key] = index


def check_placement(r: Reader, node, placed, table_names, policy_keys, function_names, trigger_names, seed_names, tables, triggers,
                    views=(), enums=(), schema_names=frozenset()) -> None:
    everything = ([("tables", t) for t in sorted(table_names)] + [("policies", p) for p in sorted(policy_keys)]
                  + [("views", v.qualified_name) for v in views] + [("enums", e.qualified_name) for e in enums]
                  + [("schemas", name) for name in sorted(schema_names)]
                  + [("functions", f) for f in sorted(function_names)] + [("triggers", t) for t in sorted(trigger_names)]
                  + [("seeds", sd) for sd in sorted(seed_names)])
    for key in everything:
        if key not in placed:
            r.src.problem(node, "migrations", f"{_label(key)} is not in any migration", f"add it to a migration's `{key[0]}:` list")
    # An object may not come before what it needs.
    needs = [(("policies", p), ("tables", p[0])) for p in policy_keys]
    needs += [(("seeds", sd), ("tables", sd)) for sd in seed_names]
    for t in triggers:
        needs.append((("triggers", t.name), ("functions", f"{t.function_schema}.{t.function}")))
        needs.append((("triggers", t.name), ("tables", s.table_key(t.table_schema, t.table))))
    for table in tables:
        for fk in table.foreign_keys:
            if (fk.ref_schema, fk.ref_table) != (table.schema, table.name):
                needs.append((("tables", table.key), ("tables", s.table_key(fk.ref_schema, fk.ref_table))))
    view_names = {v.qualified_name for v in views}
    enum_of_type = {e.qualified_name: e.qualified_name for e in enums} | {e.name: e.qualified_name for e in enums if e.schema == "public"}
    for table in tables:
        for column in table.columns:
            if column.type in enum_of_type:
                needs.append((("tables", table.key), ("enums", enum_of_type[column.type])))
    for view in views:
        for schema, table in view.reads:
            if s.table_key(schema, table) in table_names:
                needs.append((("views", view.qualified_name), ("tables", s.table_key(schema, table))))
            elif f"{schema}.{table}" in view_names and f"{schema}.{table}" != view.qualified_name:
                needs.append((("views", view.qualified_name), ("views", f"{schema}.{table}")))
    for kind, names in (("functions", function_names), ("views", {v.qualified_name for v in views}),
                        ("enums", {e.qualified_name for e in enums}), ("tables", {t.key for t in tables if t.schema != "public"})):
        needs += [((kind, name), ("schemas", name.split(".", 1)[0])) for name in names if name.split(".", 1)[0] in schema_names]
    for obj, dependency in needs:
        if obj in placed and dependency in placed and placed[obj] < placed[dependency]:
            r.src.problem(node, "migrations", f"{_label(obj)} is in migrations[{placed[obj]}] but needs {_label(dependency)} from migrations[{placed[dependency]}]",
                             "move it to the same or a later migration")


def _label(key: tuple) -> str:
    kind, ref = key
    if kind == "policies":
        return f"policy {excerpt(ref[1])} on {ref[0]}"
    return f"{kind[:-1]} {ref}"
