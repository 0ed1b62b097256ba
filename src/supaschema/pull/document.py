"""A catalog snapshot -> the schema.yaml document that declares it, one small function per kind.

Names follow the loader's conventions (`<table>_pkey`, `<table>_<cols>_key`,
`<table>_<col>_check`, `<table>_<col>_fkey`), so what is written renders back to
the very same objects. Whatever schema.yaml cannot say is collected as a problem
naming the object and the construct, and nothing is written (no silent loss).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from ..catalog import snapshot as snap
from ..catalog.introspect import SeedScope
from ..errors import Problem
from ..spec.model import table_key
from . import definitions as d
from . import routines
from . import types_and_schemas as kinds
from .privileges import Privileges
from .seeds import seed_entry
from .yaml_text import Flow, Quoted

EXTERNAL_TABLES = {("auth", "users")}


@dataclass
class Pulled:
    """What `pull` found: the document, and what it could not express."""

    document: dict = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def refuse(self, where: str, construct: str) -> None:
        self.problems.append(Problem(where, f"uses {construct}, which schema.yaml cannot express",
                                     "leave it out with an `unmanaged:` pattern, or change it in the database first"))


# The kinds this module writes; a kind the catalog learns later is refused until it has a writer here.
WRITTEN_KINDS = (snap.Extension, snap.Schema, snap.Table, snap.Column, snap.Constraint, snap.Index, snap.Policy, snap.Function, snap.Trigger,
                 snap.View, snap.Enum, snap.Sequence, snap.Domain, snap.CompositeType, snap.Grant, snap.SeedRow,
                 snap.DefaultPrivilege)
# The order a person reads schema.yaml in: what other objects live in or use first.
SECTIONS = ("extensions", "roles", "schemas", "default_privileges", "enums", "domains", "composite_types", "sequences", "tables",
            "functions", "triggers", "views", "seeds")


def document_of(snapshot: snap.Snapshot, seeds: dict[tuple[str, str], SeedScope], version: str | None = None) -> Pulled:
    pulled = Pulled()
    for kind in snap.KINDS:
        if kind not in WRITTEN_KINDS:
            for obj in snapshot.of(kind).values():
                pulled.refuse(f"{kind.KIND} {obj.path}", f"a {kind.KIND} (pull cannot write this kind yet)")
    for unmodelled in snapshot.not_compared:  # foreign tables, range and base types, aggregates, ...
        pulled.refuse(f"{unmodelled.kind} {unmodelled.path}", f"a {unmodelled.kind}, which supaschema does not model")
    privileges = Privileges.of(snapshot)
    for where, construct in privileges.inexpressible:
        pulled.refuse(where, construct)
    tables = list(snapshot.of(snap.Table).values())  # public's, and any other schema's pull reads (keyed schema.name)
    ordered = _dependency_order(snapshot, tables, pulled)
    children = {kind: _by_table(snapshot.of(kind).values()) for kind in (snap.Column, snap.Constraint, snap.Index, snap.Policy)}
    sections: dict[str, Any] = {
        "extensions": extensions_entry(snapshot),
        "roles": Flow(privileges.roles()),
        "schemas": kinds.schemas_entry(snapshot, privileges, pulled.refuse),
        "default_privileges": privileges.default_privileges_entry(
            ["public", *sorted(sc.name for sc in snapshot.of(snap.Schema).values())]),
        "enums": kinds.enums_entry(snapshot),
        "domains": kinds.domains_entry(snapshot, privileges, pulled.refuse),
        "composite_types": kinds.composite_types_entry(snapshot, privileges, pulled.refuse),
        "sequences": kinds.sequences_entry(snapshot, privileges, pulled.refuse),
        "tables": {table_key(t.schema, t.name): table_entry(t, children, privileges, pulled) for t in ordered},
    }
    sections["functions"] = routines.functions_entry(snapshot, privileges, pulled.refuse)
    sections["triggers"] = routines.triggers_entry(snapshot, sections["functions"], pulled.refuse)
    sections["views"] = views_entry(snapshot, privileges, pulled)
    sections["seeds"] = {table_key(schema, table): seed_entry(snapshot, choice) for (schema, table), choice in sorted(seeds.items())}
    document: dict[str, Any] = {key: sections[key] for key in SECTIONS if _written(sections[key]) or key == "tables"}
    document["migrations"] = [migration_entry(version, document)]
    pulled.document = document
    return pulled


def _written(section: Any) -> bool:
    return bool(section.value if isinstance(section, Flow) else section)


def _by_table(objects) -> dict[tuple[str, str], list]:
    grouped: dict[tuple[str, str], list] = defaultdict(list)
    for obj in objects:
        grouped[(obj.schema, obj.table)].append(obj)
    return grouped


def _dependency_order(snapshot: snap.Snapshot, tables: list[snap.Table], pulled: Pulled) -> list[snap.Table]:
    """Tables after the tables their foreign keys point at (CREATE TABLE needs them to exist)."""
    by_key = {table_key(t.schema, t.name): t for t in tables}
    needs: dict[str, set[str]] = {key: set() for key in by_key}
    for c in snapshot.of(snap.Constraint).values():
        key = table_key(c.schema, c.table)
        if c.type == "foreign key" and key in needs:
            try:
                fk = d.foreign_key(c.definition)
            except d.Unsupported:
                continue  # reported with the table
            target = table_key(fk.ref_schema or "public", fk.ref_table)
            if target != key and target in by_key:
                needs[key].add(target)
    ordered: list[snap.Table] = []
    done: set[str] = set()
    while len(done) < len(tables):
        ready = sorted(key for key in needs if key not in done and needs[key] <= done)
        if not ready:
            for key in sorted(set(needs) - done):
                pulled.refuse(f"table {by_key[key].path}", "foreign keys that form a cycle between tables")
            break
        for key in ready:
            ordered.append(by_key[key])
            done.add(key)
    return ordered


def table_entry(table: snap.Table, children: dict, privileges: Privileges, pulled: Pulled) -> dict:
    key = (table.schema, table.name)
    columns = {c.name: column_entry(c, privileges.column_grants(table.path, c.name)) for c in children[snap.Column].get(key, [])}
    entry: dict[str, Any] = {}
    if table.comment is not None:
        entry["comment"] = table.comment
    entry["columns"] = columns
    constraints_entry(table, children[snap.Constraint].get(key, []), columns, entry, pulled)
    indexes = indexes_entry(children[snap.Index].get(key, []), pulled)
    if indexes:
        entry["indexes"] = indexes
    if table.rls_enabled or table.rls_force:
        entry["rls"] = Flow({"enabled": table.rls_enabled, **({"force": True} if table.rls_force else {})})
    policies = {p.name: policy_entry(p) for p in sorted(children[snap.Policy].get(key, []), key=lambda p: p.name)}
    if policies:
        entry["policies"] = policies
    entry["grants"] = Flow(privileges.relation_grants(table.path, table.schema))
    return entry


def indexes_entry(found: list[snap.Index], pulled: Pulled) -> dict:
    indexes = {}
    for index in sorted(found, key=lambda i: i.name):
        try:
            parsed = d.index(index.definition)
        except d.Unsupported as exc:
            pulled.refuse(f"index {index.path}", f"a form of index ({exc})")
            continue
        item: dict[str, Any] = {"columns": [name + (" desc" if desc else "") for name, desc in parsed.columns]}
        if parsed.unique:
            item["unique"] = True
        if parsed.method != "btree":
            item["using"] = parsed.method
        if parsed.where:
            item["where"] = parsed.where
        if index.comment is not None:
            item["comment"] = index.comment
        indexes[index.name] = Flow(item)
    return indexes


SERIALS = {"integer": "serial", "bigint": "bigserial", "smallint": "smallserial"}


def column_entry(column: snap.Column, grants: dict[str, list[str]]) -> Flow:
    item: dict[str, Any] = {"type": column.type}
    default = column.default
    # A serial column is an integer whose default reads the sequence named after it: say serial.
    if column.type in SERIALS and default == f"nextval('{column.schema}.{column.table}_{column.name}_seq'::regclass)":
        item["type"], default = SERIALS[column.type], None
    if column.not_null:
        item["nullable"] = False
    if default is not None and not column.identity:
        item["default"] = default
    if column.identity:
        item["identity"] = column.identity
    if column.generated:
        item["generated"] = column.generated
    if column.collation:
        item["collation"] = column.collation
    if grants:
        item["grants"] = grants
    if column.comment is not None:
        item["comment"] = column.comment
    return Flow(item)


def constraints_entry(table: snap.Table, constraints: list[snap.Constraint], columns: dict, entry: dict, pulled: Pulled) -> None:
    """Primary key, uniques, checks and foreign keys: on the column where the loader would name them so."""
    name = table.name
    checks, foreign_keys, uniques = {}, {}, []
    for c in sorted(constraints, key=lambda c: c.name):
        where = f"constraint {c.path}"
        if not c.validated:
            pulled.refuse(where, "a NOT VALID constraint")
            continue
        try:
            if c.type == "primary key":
                cols = d.unique_columns(c.definition)
                if c.name != f"{name}_pkey":
                    pulled.refuse(where, f"a primary key not named {name}_pkey")
                elif len(cols) == 1:
                    _column_flag(columns, cols[0], "primary_key", True)
                    columns[cols[0]].value.pop("nullable", None)
                else:
                    entry["primary_key"] = Flow(cols)
            elif c.type == "unique":
                cols = d.unique_columns(c.definition)
                if c.name == f"{name}_{cols[0]}_key" and len(cols) == 1:
                    _column_flag(columns, cols[0], "unique", True)
                elif c.name == f"{name}_{'_'.join(cols)}_key":
                    uniques.append(Flow(cols))
                else:
                    pulled.refuse(where, f"a unique constraint not named {name}_{'_'.join(cols)}_key")
            elif c.type == "check":
                expression = d.check_expression(c.definition)
                column = c.name.removeprefix(f"{name}_").removesuffix("_check")
                if c.name == f"{name}_{column}_check" and column in columns and "check" not in columns[column].value:
                    _column_flag(columns, column, "check", expression)
                else:
                    checks[c.name] = expression
            elif c.type == "foreign key":
                foreign_key_entry(c, d.foreign_key(c.definition), name, columns, foreign_keys, pulled)
            else:
                pulled.refuse(where, f"an {c.type} constraint")
        except d.Unsupported as exc:
            pulled.refuse(where, f"a form of {c.type} ({exc})")
    if uniques:
        entry["unique"] = uniques
    if checks:
        entry["checks"] = checks
    if foreign_keys:
        entry["foreign_keys"] = foreign_keys


COLUMN_ORDER = ("type", "primary_key", "nullable", "unique", "default", "identity", "generated", "check",
                "references", "collation", "grants", "comment")


def _column_flag(columns: dict, column: str, key: str, value: Any) -> None:
    items = {**columns[column].value, key: value}
    # The order a person writes: type first, then what makes it a key, then the rest.
    columns[column] = Flow({k: items[k] for k in COLUMN_ORDER if k in items})


def foreign_key_entry(c: snap.Constraint, fk: d.ForeignKeyDef, table: str, columns: dict, out: dict, pulled: Pulled) -> None:
    target = (fk.ref_schema, fk.ref_table)
    if fk.ref_schema != "public" and target not in EXTERNAL_TABLES:
        pulled.refuse(f"constraint {c.path}", f"a foreign key to {fk.ref_schema}.{fk.ref_table}, outside what schema.yaml manages")
        return
    ref_table = fk.ref_table if fk.ref_schema == "public" else f"{fk.ref_schema}.{fk.ref_table}"
    actions = {k: v.lower() for k, v in (("on_delete", fk.on_delete), ("on_update", fk.on_update)) if v != "NO ACTION"}
    if len(fk.columns) == 1 and c.name == f"{table}_{fk.columns[0]}_fkey":
        _column_flag(columns, fk.columns[0], "references", {"table": ref_table, "column": fk.ref_columns[0], **actions})
    else:
        out[c.name] = Flow({"columns": fk.columns, "references": {"table": ref_table, "columns": fk.ref_columns}, **actions})


def policy_entry(policy: snap.Policy) -> dict:
    item: dict[str, Any] = {"command": policy.command.lower(), "roles": Flow(list(policy.roles))}
    if not policy.permissive:
        item["as"] = "restrictive"
    if policy.using is not None:
        item["using"] = d.strip_parens(policy.using)
    if policy.with_check is not None:
        item["with_check"] = d.strip_parens(policy.with_check)
    if policy.comment is not None:
        item["comment"] = policy.comment
    return item


def views_entry(snapshot: snap.Snapshot, privileges: Privileges, pulled: Pulled) -> dict:
    """Views in the order they can be created: a view after the views it reads."""
    views = {f"{v.schema}.{v.name}": v for v in snapshot.of(snap.View).values()}
    indexes = _by_table(snapshot.of(snap.Index).values())
    result: dict[str, Any] = {}
    while len(result) < len(views):
        ready = sorted(name for name, v in views.items() if name not in result and all(r in result or r not in views for r in v.reads))
        if not ready:
            for name in sorted(set(views) - set(result)):
                pulled.refuse(f"view {name}", "views that read each other in a cycle")
            break
        for name in ready:
            view = views[name]
            result[name] = view_entry(view, privileges, indexes.get((view.schema, view.name), []), pulled)
    return result


def view_entry(view: snap.View, privileges: Privileges, indexes: list[snap.Index], pulled: Pulled) -> dict:
    where = f"view {view.path}"
    for option in view.options:
        pulled.refuse(where, f"the view option {option}")
    entry: dict[str, Any] = {}
    if view.materialized:
        entry["materialized"] = True
    elif not view.security_invoker:
        entry["security_invoker"] = False
    if view.comment is not None:
        entry["comment"] = view.comment
    entry["query"] = view.definition.strip().rstrip(";") + "\n"
    if indexes := indexes_entry(indexes, pulled):
        entry["indexes"] = indexes
    entry["grants"] = Flow(privileges.relation_grants(view.path, view.schema))
    return entry


def extensions_entry(snapshot: snap.Snapshot) -> dict:
    """The extensions in the managed schemas (those in Supabase's `extensions` schema are the platform's).
    Writing the list makes schema.yaml own it: diff then reports any other one installed there."""
    return {e.name: Flow({"schema": e.schema}) for e in sorted(snapshot.of(snap.Extension).values(), key=lambda e: e.name)}


def migration_entry(version: str | None, document: dict) -> dict:
    """One baseline file holding everything, in the order the template creates it."""
    entry: dict[str, Any] = {
        "version": Quoted(version or datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")),
        "name": "baseline",
        "description": "Pulled from a live database by supaschema pull.",
    }
    for key in ("extensions", "schemas", "default_privileges", "enums", "domains", "composite_types", "sequences", "tables"):
        if document.get(key) or key == "tables":
            entry[key] = Flow(list(document.get(key, {})))
    policies = [Flow({table: name}) for table, entry_ in document["tables"].items() for name in entry_.get("policies", {})]
    if policies:
        entry["policies"] = policies
    for key in ("functions", "triggers", "views", "seeds"):
        if document.get(key):
            entry[key] = Flow(list(document[key]))
    return entry
