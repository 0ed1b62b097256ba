"""A database -> a catalog snapshot, with one query per kind of object.

The same code reads the shadow database (desired state) and the live one, so
both sides are normalised by PostgreSQL itself. Queries live in
catalog/queries/*.sql; each small loader turns its rows into snapshot objects.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from .. import progress
from ..catalog import snapshot as snap
from ..postgres.connection import begin_catalog_read
from ..spec.model import API_ROLES
from ..sqltext.quoting import ident, qualified

if TYPE_CHECKING:
    import psycopg



# Roles the platform runs on, never the project's: their privileges are never compared.
INTERNAL_ROLES = ("postgres", "supabase_admin", "supabase_auth_admin", "supabase_storage_admin", "supabase_realtime_admin",
                  "supabase_replication_admin", "supabase_read_only_user", "supabase_functions_admin", "supabase_etl_admin",
                  "authenticator", "pgbouncer", "dashboard_user", "pgsodium_keyholder", "pgsodium_keyiduser",
                  "pgsodium_keymaker", "cli_login_postgres")


@dataclass(frozen=True, slots=True)
class SeedScope:
    schema: str
    table: str
    key: tuple[str, ...]
    columns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Scope:
    """What a comparison covers: whole schemas, triggers on a few external tables, grants of some roles, seeded tables."""

    schemas: tuple[str, ...] = ("public",)
    external_tables: tuple[str, ...] = ("auth.users",)
    roles: tuple[str, ...] = API_ROLES
    seeds: tuple[SeedScope, ...] = field(default=())
    owner: str | None = None  # the project's owner when schema.yaml names it
    all_roles: bool = False  # watch every role but PostgreSQL's and Supabase's internal ones (diff --roles all)


CATALOG_QUERIES = 8  # one per kind, below; then one per seeded table


@cache
def query(name: str) -> str:
    return resources.files("supaschema.catalog.queries").joinpath(f"{name}.sql").read_text("utf-8")


def introspect(conn: "psycopg.Connection", scope: Scope) -> snap.Snapshot:
    """Read everything in scope inside one read-only, repeatable-read transaction.

    Rows come back as tuples whose column order is the snapshot class's field order
    (the .sql files keep it so): building ~100k objects is the hot path on big schemas.
    """
    params = {"schemas": list(scope.schemas), "external_tables": list(scope.external_tables), "roles": list(scope.roles),
              "owner": scope.owner, "all_roles": scope.all_roles, "internal_roles": list(INTERNAL_ROLES)}
    issued = 0
    with conn.transaction():
        begin_catalog_read(conn)
        with conn.cursor() as cur:

            def rows(name: str) -> list[tuple]:
                nonlocal issued
                issued += 1
                progress.detail(f"{name} (query {issued} of {CATALOG_QUERIES + len(scope.seeds)})")
                cur.execute(query(name), params)
                return cur.fetchall()

            (owner,), = rows("project_owner")
            params["project_owner"] = owner
            tables = {(row[0], row[1]): snap.Table(*row) for row in rows("tables")}
            objects: list[Any] = [snap.Schema(*row) for row in rows("schemas")]
            objects += tables.values()
            objects += [snap.Column(*row) for row in rows("columns") if (row[0], row[1]) in tables]
            objects += [snap.Constraint(*row[:4], row[4].removesuffix(" NOT VALID"), row[5], tuple(row[6]), *row[7:])
                        for row in rows("constraints") if (row[0], row[1]) in tables]  # NOT VALID is its own field
            views = {(row[0], row[1]): snap.View(*row[:5], tuple(row[5]), row[6], tuple(row[7])) for row in rows("views")}
            objects += views.values()
            objects += [snap.Enum(row[0], row[1], tuple(row[2]), tuple(row[3])) for row in rows("enums")]
            objects += [snap.Index(*row[:5], tuple(row[5])) for row in rows("indexes")
                        if (row[0], row[1]) in tables or (row[0], row[1]) in views]
            objects += [snap.Policy(*row[:5], tuple(row[5]), *row[6:]) for row in rows("policies") if (row[0], row[1]) in tables]
            objects += [snap.Function(*row[:13], tuple(row[13] or ()), *row[14:]) for row in rows("functions")]
            objects += load_triggers(rows("triggers"))
            objects += [snap.CompositeType(schema, name, tuple(attributes), comment)
                        for schema, name, attributes, comment in rows("composite_types")]
            objects += [snap.Domain(*row[:6], tuple(row[6]), row[7]) for row in rows("domains")]
            objects += [snap.Sequence(*row[:9], _column_path(*row[9:12]), row[12]) for row in rows("sequences")]
            modelled = {("sequence" if isinstance(o, snap.Sequence) else "type", o.schema, o.name)
                        for o in objects if isinstance(o, (snap.Sequence, snap.Domain, snap.CompositeType))}
            objects += load_grants(rows("grants"), tables.keys() | views.keys(), modelled)
            objects += [snap.DefaultPrivilege(*row[:3], *map(tuple, row[3:])) for row in rows("default_privileges")]
            not_compared = [snap.NotCompared(kind, (ident(name) if schema is None else qualified(schema, name))
                                             + (f"({arguments})" if arguments is not None else ""))
                            for kind, schema, name, arguments in rows("not_compared")]
            columns_by_table: dict[tuple, set[str]] = {}
            for obj in objects:
                if isinstance(obj, snap.Column):
                    columns_by_table.setdefault((obj.schema, obj.table), set()).add(obj.name)
            for seed in scope.seeds:
                if (seed.schema, seed.table) in tables:
                    issued += 1
                    progress.detail(f"seed rows of {seed.table} (query {issued} of {CATALOG_QUERIES + len(scope.seeds)})")
                    objects += load_seed_rows(cur, seed, columns_by_table.get((seed.schema, seed.table), set()))
    return snap.build_snapshot(conn.info.server_version, objects, issued, tuple(not_compared), owner)


TRIGGER_ENABLED = {"O": "origin", "D": "disabled", "R": "replica", "A": "always"}


def load_triggers(rows: list[tuple]) -> list[snap.Trigger]:
    result = []
    for (schema, table, name, bits, enabled, function, has_when, nargs, args, update_of,
         old_table, new_table, comment, definition) in rows:
        # pg_trigger.tgtype bits, from PostgreSQL's catalog/pg_trigger.h.
        timing = "INSTEAD OF" if bits & 64 else "BEFORE" if bits & 2 else "AFTER"
        events = tuple(event for bit, event in ((4, "INSERT"), (8, "DELETE"), (16, "UPDATE"), (32, "TRUNCATE")) if bits & bit)
        level = "ROW" if bits & 1 else "STATEMENT"
        arguments = tuple(a.decode("utf-8") for a in bytes(args or b"").split(b"\0")[:nargs])
        referencing = " ".join(part for part in (old_table and f"OLD TABLE AS {ident(old_table)}",
                                                 new_table and f"NEW TABLE AS {ident(new_table)}") if part) or None
        result.append(snap.Trigger(schema, table, name, timing, events, level, function,
                                   TRIGGER_ENABLED.get(enabled, "origin"), when_clause(definition) if has_when else None,
                                   arguments, tuple(update_of), referencing, comment, definition))
    return result


def _column_path(schema: str | None, table: str | None, column: str | None) -> str | None:
    return f"{qualified(schema, table)}.{ident(column)}" if column is not None else None


def when_clause(definition: str) -> str | None:
    """The parenthesised condition after WHEN in pg_get_triggerdef's text, found outside quotes."""
    depth, start, i, quote = 0, None, 0, None
    while i < len(definition):
        ch = definition[i]
        if quote:
            quote = None if ch == quote else quote  # a doubled quote closes and reopens: same result
        elif ch in "'\"":
            quote = ch
        elif start is None and depth == 0 and definition.startswith(" WHEN (", i):
            start, i = i + 6, i + 6
            continue
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if start is not None and depth == 0:
                return definition[start + 1:i]
        i += 1
    return None


def load_grants(rows: list[tuple], relations: set[tuple], modelled: set[tuple[str, str, str]]) -> list[snap.Grant]:
    """Grants on managed tables (and views), their columns and functions, and on the sequences and types
    compared (identity and serial sequences belong to their column: their grants are not compared)."""
    result = []
    paths: dict[tuple, str] = {}
    for object_kind, schema, name, arguments, grantee, privileges, grantable in rows:
        if object_kind in ("table", "column") and (schema, name) not in relations:
            continue
        if object_kind in ("sequence", "type") and (object_kind, schema, name) not in modelled:
            continue
        if object_kind == "column":  # arguments holds the column's name
            on = qualified(schema, name)
            result.append(snap.Grant(object_kind, f"{on}.{ident(arguments)}", grantee, tuple(privileges), tuple(grantable),
                                     on, arguments))
            continue
        key = (object_kind, schema, name, arguments)
        path = paths.get(key)
        if path is None:
            path = paths[key] = ident(name) if object_kind == "schema" else (
                qualified(schema, name) + (f"({arguments})" if object_kind == "function" else ""))
        result.append(snap.Grant(object_kind, path, grantee, tuple(privileges), tuple(grantable)))
    return result


def canonical_value(value: Any) -> Any:
    """Seed values compare by meaning: 0.00250000 and 0.0025 are the same price."""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return "0" if text in ("-0", "0") else text
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, (dict, list)):
        return _json_text(value)
    return value


def _json_text(value: Any) -> str:
    """Canonical JSON with numbers as exact as jsonb keeps them (json.dumps cannot write a Decimal)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {_json_text(v)}" for k, v in sorted(value.items())) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_json_text(v) for v in value) + "]"
    if isinstance(value, Decimal):
        return format(value, "f")
    return json.dumps(value, ensure_ascii=False)


def load_seed_rows(cur: "psycopg.Cursor", seed: SeedScope, present: set[str]) -> list[snap.SeedRow]:
    columns = [c for c in seed.columns if c in present]
    if not all(k in present for k in seed.key):
        return []
    select = ", ".join(ident(c) for c in columns)
    # to_jsonb keeps numeric digits exactly; parse_float=Decimal keeps them in Python too.
    cur.execute(f"SELECT to_jsonb(t)::text FROM (SELECT {select} FROM {qualified(seed.schema, seed.table)}) AS t")
    result = []
    for (text,) in cur.fetchall():
        data = json.loads(text, parse_float=Decimal, parse_int=Decimal)
        values = {c: canonical_value(data[c]) for c in columns}
        key = tuple("NULL" if values[k] is None else str(values[k]) for k in seed.key)
        others = tuple(sorted((c, v) for c, v in values.items() if c not in seed.key))
        result.append(snap.SeedRow(seed.schema, seed.table, key, others))
    return result
