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
from ..errors import Problem
from ..spec.model import API_ROLES, table_key
from . import definitions as d
from .yaml_text import Flow, Quoted

TABLE_PRIVILEGES = ("DELETE", "INSERT", "REFERENCES", "SELECT", "TRIGGER", "TRUNCATE", "UPDATE")
NEWER_PRIVILEGES = ("MAINTAIN",)  # PostgreSQL 17: part of ALL there, unknown before
WATCHED_ROLES = ("public", *API_ROLES)
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
# Default privileges are left out, not refused: every database has them (Supabase's own), and a
# schema.yaml that declares none expects exactly those, so diff shows any difference.
WRITTEN_KINDS = (snap.Extension, snap.Table, snap.Column, snap.Constraint, snap.Index, snap.Policy, snap.Function, snap.Trigger,
                 snap.View, snap.Grant, snap.SeedRow, snap.DefaultPrivilege)


def document_of(snapshot: snap.Snapshot, seeds: dict[tuple[str, str], "SeedChoice"], version: str | None = None) -> Pulled:
    pulled = Pulled()
    for kind in snap.KINDS:
        if kind not in WRITTEN_KINDS:
            for obj in snapshot.of(kind).values():
                pulled.refuse(f"{kind.KIND} {obj.path}", f"a {kind.KIND} (pull cannot write this kind yet)")
    for grant in snapshot.of(snap.Grant).values():
        if grant.object_kind == "column":
            pulled.refuse(f"grant {grant.object}", "a column privilege (pull cannot write these yet)")
    tables = list(snapshot.of(snap.Table).values())  # public's, and any other schema's pull reads (keyed schema.name)
    ordered = _dependency_order(snapshot, tables, pulled)
    children = {kind: _by_table(snapshot.of(kind).values()) for kind in (snap.Column, snap.Constraint, snap.Index, snap.Policy)}
    grants = _grants_by_object(snapshot)
    out_tables = {table_key(t.schema, t.name): table_entry(t, children, grants.get(t.path, {}), snapshot.server_version, pulled) for t in ordered}
    functions = {f"{f.schema}.{f.name}": function_entry(f, grants.get(f.path, {}), pulled)
                 for f in sorted(snapshot.of(snap.Function).values(), key=lambda f: (f.schema, f.name, f.arguments))}
    overloads = {name for name in functions if sum(f"{f.schema}.{f.name}" == name for f in snapshot.of(snap.Function).values()) > 1}
    for name in overloads:
        pulled.refuse(f"function {name}", "overloads (several functions of one name)")
    triggers = triggers_entry(snapshot, functions, pulled)
    views = views_entry(snapshot, grants, pulled)
    seed_entries = {table_key(schema, table): seed_entry(snapshot, choice) for (schema, table), choice in sorted(seeds.items())}
    document: dict[str, Any] = {"tables": out_tables}
    if functions:
        document["functions"] = functions
    if triggers:
        document["triggers"] = triggers
    if views:
        document["views"] = views
    if seed_entries:
        document["seeds"] = seed_entries
    extensions = extensions_entry(snapshot)
    if extensions:
        document = {"extensions": extensions, **document}
    document["migrations"] = [migration_entry(version, out_tables, functions, triggers, seed_entries, views)]
    if extensions:
        document["migrations"][0] = {**document["migrations"][0], "extensions": Flow(list(extensions))}
    pulled.document = document
    return pulled


def _by_table(objects) -> dict[tuple[str, str], list]:
    grouped: dict[tuple[str, str], list] = defaultdict(list)
    for obj in objects:
        grouped[(obj.schema, obj.table)].append(obj)
    return grouped


def _grants_by_object(snapshot: snap.Snapshot) -> dict[str, dict[str, snap.Grant]]:
    grouped: dict[str, dict[str, snap.Grant]] = defaultdict(dict)
    for grant in snapshot.of(snap.Grant).values():
        grouped[grant.object][grant.grantee] = grant
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


def table_entry(table: snap.Table, children: dict, grants: dict[str, snap.Grant], server_version: int, pulled: Pulled) -> dict:
    key = (table.schema, table.name)
    where = f"table {table.path}"
    columns = {c.name: column_entry(c) for c in children[snap.Column].get(key, [])}
    entry: dict[str, Any] = {}
    if table.comment is not None:
        entry["comment"] = table.comment
    entry["columns"] = columns
    constraints_entry(table, children[snap.Constraint].get(key, []), columns, entry, pulled)
    indexes = {}
    for index in sorted(children[snap.Index].get(key, []), key=lambda i: i.name):
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
    if indexes:
        entry["indexes"] = indexes
    if table.rls_enabled or table.rls_force:
        entry["rls"] = Flow({"enabled": table.rls_enabled, **({"force": True} if table.rls_force else {})})
    policies = {p.name: policy_entry(p) for p in sorted(children[snap.Policy].get(key, []), key=lambda p: p.name)}
    if policies:
        entry["policies"] = policies
    entry["grants"] = table_grants(grants, server_version, where, pulled)
    return entry


SERIALS = {"integer": "serial", "bigint": "bigserial", "smallint": "smallserial"}


def column_entry(column: snap.Column) -> Flow:
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
                "references", "collation", "comment")


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


def table_grants(grants: dict[str, snap.Grant], server_version: int, where: str, pulled: Pulled) -> Flow:
    """The watched roles' privileges; a role with none is named with [] so REVOKE ALL covers it."""
    everything = set(TABLE_PRIVILEGES) | (set(NEWER_PRIVILEGES) if server_version >= 170000 else set())
    result: dict[str, list[str]] = {}
    for role in WATCHED_ROLES:
        grant = grants.get(role)
        privileges = set(grant.privileges) if grant else set()
        if grant and grant.grantable:
            pulled.refuse(f"{where} grant to {role}", "WITH GRANT OPTION")
        if privileges == everything:
            result[role] = ["all"]
        elif privileges & set(NEWER_PRIVILEGES):
            pulled.refuse(f"{where} grant to {role}", "a MAINTAIN privilege without ALL")
        elif privileges or role != "public":
            result[role] = sorted(p.lower() for p in privileges)
    return Flow(result)


def function_entry(function: snap.Function, grants: dict[str, snap.Grant], pulled: Pulled) -> dict:
    where = f"function {function.path}"
    if function.result is None:
        pulled.refuse(where, "a procedure")
    for construct, value, default in (("STRICT", function.strict, False), ("LEAKPROOF", function.leakproof, False),
                                      (f"PARALLEL {function.parallel}", function.parallel, "UNSAFE"),
                                      (f"COST {function.cost}", function.cost, "100"), (f"ROWS {function.rows}", function.rows, "0")):
        if value != default:
            pulled.refuse(where, construct)
    search_path = None
    for setting in function.config:
        key, _, value = setting.partition("=")
        if key != "search_path":
            pulled.refuse(where, f"SET {key}")
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
    executes = {role for role, grant in grants.items() if "EXECUTE" in grant.privileges}
    revoked = [role for role in WATCHED_ROLES if role not in executes]
    granted = [role for role in WATCHED_ROLES if role in executes and role != "public"]
    if revoked:
        entry["revoke_execute_from"] = Flow(revoked)
    if granted:
        entry["grant_execute_to"] = Flow(granted)
    return entry


def _config_name(part: str) -> str:
    return part[1:-1].replace('""', '"') if part.startswith('"') and part.endswith('"') else part


def triggers_entry(snapshot: snap.Snapshot, functions: dict, pulled: Pulled) -> dict:
    result: dict[str, Any] = {}
    for trigger in sorted(snapshot.of(snap.Trigger).values(), key=lambda t: (t.name, t.schema, t.table)):
        where = f"trigger {trigger.path}"
        if trigger.name in result:
            pulled.refuse(where, "a trigger name used on several tables")
            continue
        extras = [f"a trigger that is {trigger.enabled}"] if trigger.enabled != "origin" else []
        if trigger.function not in functions:
            extras.append(f"a trigger function ({trigger.function}) outside what schema.yaml manages")
        for extra in extras:
            pulled.refuse(where, extra)
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


def views_entry(snapshot: snap.Snapshot, grants: dict, pulled: Pulled) -> dict:
    """Views in the order they can be created: a view after the views it reads."""
    views = {f"{v.schema}.{v.name}": v for v in snapshot.of(snap.View).values()}
    indexed = {(i.schema, i.table) for i in snapshot.of(snap.Index).values()}
    result: dict[str, Any] = {}
    while len(result) < len(views):
        ready = sorted(name for name, v in views.items() if name not in result and all(r in result or r not in views for r in v.reads))
        if not ready:
            for name in sorted(set(views) - set(result)):
                pulled.refuse(f"view {name}", "views that read each other in a cycle")
            break
        for name in ready:
            result[name] = view_entry(views[name], grants.get(views[name].path, {}), (views[name].schema, views[name].name) in indexed,
                                      snapshot.server_version, pulled)
    return result


def view_entry(view: snap.View, grants: dict[str, snap.Grant], indexed: bool, server_version: int, pulled: Pulled) -> dict:
    where = f"view {view.path}"
    for option in view.options:
        pulled.refuse(where, f"the view option {option}")
    if indexed:
        pulled.refuse(where, "indexes on a materialized view (pull cannot write them yet)")
    entry: dict[str, Any] = {}
    if view.materialized:
        entry["materialized"] = True
    elif not view.security_invoker:
        entry["security_invoker"] = False
    if view.comment is not None:
        entry["comment"] = view.comment
    entry["query"] = view.definition.strip().rstrip(";") + "\n"
    entry["grants"] = table_grants(grants, server_version, where, pulled)
    return entry


@dataclass(frozen=True, slots=True)
class SeedChoice:
    schema: str
    table: str
    key: tuple[str, ...]
    columns: tuple[str, ...]


def seed_entry(snapshot: snap.Snapshot, choice: SeedChoice) -> dict:
    rows = sorted((r for r in snapshot.of(snap.SeedRow).values() if (r.schema, r.table) == (choice.schema, choice.table)),
                  key=lambda r: r.key)
    values = []
    for row in rows:
        by_column = dict(row.values)
        by_column.update(zip(choice.key, row.key))
        values.append(Flow([by_column[c] for c in choice.columns]))
    return {"key": Flow(list(choice.key)), "columns": Flow(list(choice.columns)), "rows": values}


def extensions_entry(snapshot: snap.Snapshot) -> dict:
    """The extensions in the managed schemas (those in Supabase's `extensions` schema are the platform's).
    Writing the list makes schema.yaml own it: diff then reports any other one installed there."""
    return {e.name: Flow({"schema": e.schema}) for e in sorted(snapshot.of(snap.Extension).values(), key=lambda e: e.name)}


def migration_entry(version: str | None, tables: dict, functions: dict, triggers: dict, seeds: dict, views: dict) -> dict:
    entry: dict[str, Any] = {
        "version": Quoted(version or datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")),
        "name": "baseline",
        "description": "Pulled from a live database by supaschema pull.",
        "tables": Flow(list(tables)),
    }
    policies = [Flow({table: name}) for table, entry_ in tables.items() for name in entry_.get("policies", {})]
    if policies:
        entry["policies"] = policies
    if functions:
        entry["functions"] = Flow(list(functions))
    if triggers:
        entry["triggers"] = Flow(list(triggers))
    if views:
        entry["views"] = Flow(list(views))
    if seeds:
        entry["seeds"] = Flow(list(seeds))
    return entry
