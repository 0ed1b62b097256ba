"""A database -> a catalog snapshot, with one query per kind of object.

The same code reads the shadow database (desired state) and the live one, so
both sides are normalised by PostgreSQL itself. Queries live in
catalog/queries/*.sql; each small loader turns its rows into snapshot objects.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from .. import progress
from ..catalog import snapshot as snap
from ..postgres.connection import begin_catalog_read
from ..spec.model import API_ROLES
from ..spec.schemas import RESERVED
from ..sqltext.quoting import ident, qualified

if TYPE_CHECKING:
    import psycopg



# Roles the platform runs on, never the project's: their privileges are never compared.
INTERNAL_ROLES = ("postgres", "supabase_admin", "supabase_auth_admin", "supabase_storage_admin", "supabase_realtime_admin",
                  "supabase_replication_admin", "supabase_read_only_user", "supabase_functions_admin", "supabase_etl_admin",
                  "authenticator", "pgbouncer", "dashboard_user", "pgsodium_keyholder", "pgsodium_keyiduser",
                  "pgsodium_keymaker", "cli_login_postgres")


# Schemas the platform runs on (besides those schema.yaml may not declare): never a project's.
INTERNAL_SCHEMAS = tuple(sorted(RESERVED | {"_analytics", "_realtime", "_supavisor", "pgsodium_masks", "pgtle"}))


@dataclass(frozen=True, slots=True)
class SeedScope:
    schema: str
    table: str
    key: tuple[str, ...]
    columns: tuple[str, ...]
    # Declared renames not yet done: the rows are read from the old table and old columns (named as the new ones).
    renamed_from: str | None = None
    renamed_columns: tuple[tuple[str, str], ...] = ()  # (new, old)


@dataclass(frozen=True, slots=True)
class Scope:
    """What a comparison covers: whole schemas, triggers on a few external tables, grants of some roles, seeded tables."""

    schemas: tuple[str, ...] = ("public",)
    external_tables: tuple[str, ...] = ("auth.users",)
    roles: tuple[str, ...] = API_ROLES
    seeds: tuple[SeedScope, ...] = field(default=())
    owner: str | None = None  # the project's owner when schema.yaml names it
    all_roles: bool = False  # watch every role but PostgreSQL's and Supabase's internal ones (diff --roles all)
    extensions: tuple[str, ...] | None = None  # declared ones; None: no `extensions:` section, the others are not compared
    all_schemas: bool = False  # public and every schema but the platform's (pull: the project's are not known yet)


# Sent together in one pipeline, in this order, and read back in the same order.
KIND_QUERIES = ("project_owner", "tables", "schemas", "extensions", "columns", "constraints", "views", "enums", "indexes", "policies",
                "functions", "triggers", "composite_types", "domains", "sequences", "grants", "default_privileges",
                "not_compared")
CATALOG_QUERIES = len(KIND_QUERIES)  # then one per seeded table


@cache
def query(name: str) -> str:
    text = resources.files("supaschema.catalog.queries").joinpath(f"{name}.sql").read_text("utf-8")
    # default_privileges takes the project's owner from project_owner.sql as a subquery, in the same
    # snapshot, so it need not wait for that query's answer before it is sent.
    return text.replace("%(project_owner)s", f"(\n{query('project_owner')}\n)") if name != "project_owner" else text


class _Pipeline:
    """Catalog queries sent ahead in libpq's pipeline mode and read back in order: one round trip for
    the lot, which is what a live database across a network charges most for (psycopg waits for
    every queued result at the first read, so PostgreSQL's work does not overlap with ours)."""

    def __init__(self, conn: "psycopg.Connection", params: dict[str, Any], total: int):
        self.conn, self.params, self.total = conn, params, total
        self.sent: dict[str, "psycopg.Cursor"] = {}
        self.read = 0

    def send(self, *names: str, sql: str | None = None) -> None:
        for name in names:
            cur = self.conn.cursor()
            cur.execute(sql if sql is not None else query(name), None if sql is not None else self.params)
            self.sent[name] = cur

    def rows(self, name: str, what: str | None = None) -> list[tuple]:
        self.read += 1
        progress.detail(f"{what or name} (query {self.read} of {self.total})")
        with self.sent.pop(name) as cur:
            return cur.fetchall()


def _pipeline_mode(conn: "psycopg.Connection"):
    import contextlib

    import psycopg

    # libpq before 14 has no pipeline mode: the same calls then run one query after another.
    return conn.pipeline() if psycopg.Pipeline.is_supported() else contextlib.nullcontext()


def introspect(conn: "psycopg.Connection", scope: Scope) -> snap.Snapshot:
    """Read everything in scope inside one read-only, repeatable-read transaction.

    Rows come back as tuples whose column order is the snapshot class's field order
    (the .sql files keep it so): building ~100k objects is the hot path on big schemas.
    """
    params = {"schemas": list(scope.schemas), "external_tables": list(scope.external_tables), "roles": list(scope.roles),
              "owner": scope.owner, "all_roles": scope.all_roles, "internal_roles": list(INTERNAL_ROLES),
              "extensions": list(scope.extensions or ()), "all_extensions": scope.extensions is not None,
              "internal_schemas": list(INTERNAL_SCHEMAS)}
    with _pipeline_mode(conn), conn.transaction():
        begin_catalog_read(conn)
        if scope.all_schemas:  # the other queries need the schemas' names: one round trip ahead of them
            names = conn.execute(query("schema_names"), params).fetchall()
            params["schemas"] = ["public", *(name for (name,) in names if name != "public")]
        pipeline = _Pipeline(conn, params, CATALOG_QUERIES + len(scope.seeds))
        pipeline.send(*KIND_QUERIES)
        (owner,), = pipeline.rows("project_owner")
        tables, objects = _load_objects(pipeline)
        objects += [snap.DefaultPrivilege(*row[:3], *map(tuple, row[3:6]), row[6]) for row in pipeline.rows("default_privileges")]
        not_compared = tuple(snap.NotCompared(kind, (ident(name) if schema is None else qualified(schema, name))
                                              + (f"({arguments})" if arguments is not None else ""))
                             for kind, schema, name, arguments in pipeline.rows("not_compared"))
        objects += _load_seeds(pipeline, scope.seeds, tables, objects)
    return snap.build_snapshot(conn.info.server_version, objects, pipeline.read, not_compared, owner)


def _load_objects(pipeline: _Pipeline) -> tuple[set[tuple[str, str]], list[Any]]:
    """The managed tables' keys, and the objects of every kind query up to grants (the order they were sent in)."""
    rows = pipeline.rows
    tables = {(row[0], row[1]): snap.Table(*row) for row in rows("tables")}
    objects: list[Any] = [snap.Schema(*row) for row in rows("schemas")]
    objects += [snap.Extension(*row) for row in rows("extensions")]
    objects += tables.values()
    objects += [snap.Column(*row) for row in rows("columns") if (row[0], row[1]) in tables]
    objects += [snap.Constraint(*row[:4], row[4].removesuffix(" NOT VALID"), row[5], tuple(row[6]), *row[7:])
                for row in rows("constraints") if (row[0], row[1]) in tables]  # NOT VALID is its own field
    views = {(row[0], row[1]): snap.View(*row[:5], tuple(row[5]), row[6], tuple(row[7]), tuple(row[8])) for row in rows("views")}
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
    return set(tables), objects


def _load_seeds(pipeline: _Pipeline, seeds: tuple[SeedScope, ...], tables: set[tuple[str, str]], objects: list[Any]) -> list[snap.SeedRow]:
    """The rows of the seeded tables that exist, all queries sent before the first is read."""
    columns_by_table: dict[tuple, dict[str, str]] = {}
    for obj in objects:
        if isinstance(obj, snap.Column):
            columns_by_table.setdefault((obj.schema, obj.table), {})[obj.name] = obj.type
    wanted = []
    for number, seed in enumerate(seeds):
        # A declared rename not done yet: the rows are still under the old table and column names.
        table = next((name for name in (seed.table, seed.renamed_from) if name and (seed.schema, name) in tables), None)
        present = columns_by_table.get((seed.schema, table), {})
        old = {new: old for new, old in seed.renamed_columns if new not in present and old in present}
        if table is not None and all(k in present or k in old for k in seed.key):
            columns = [c for c in seed.columns if c in present or c in old]
            pipeline.send(f"seed {number}", sql=seed_rows_query(seed, table, columns, old, present))
            wanted.append((number, seed, table, columns))
    result: list[snap.SeedRow] = []
    for number, seed, table, columns in wanted:
        result += seed_rows(seed, table, columns, pipeline.rows(f"seed {number}", f"seed rows of {table}"))
    return result


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


# Built-in scalars whose to_jsonb is their value (a number, a boolean, their text): any other type (an
# array, jsonb, a composite, a domain, hstore) is read as its text, which is what PostgreSQL's input takes.
_JSON_AS_INPUT = re.compile(r"(smallint|integer|bigint|numeric|real|double precision|boolean|text|character varying|character"
                            r"|uuid|timestamp|date|time|interval|bytea|inet|cidr|macaddr|money)\b.*")


def seed_rows_query(seed: SeedScope, table: str, columns: list[str], old: dict[str, str], types: dict[str, str] | None = None) -> str:
    """The rows of `table` (the seed's, or the one it is renamed from); a renamed column read under its old name.
    `types` (by the name read): arrays, JSON and every other non-scalar type are read as PostgreSQL's text, which
    its input takes back (to_jsonb would make a text[] a JSON list, a composite a JSON object, and a jsonb null
    the same as SQL NULL); json as jsonb's, by meaning."""
    types = types or {}

    def read(c: str) -> str:
        name = ident(old.get(c, c))
        kind = types.get(old.get(c, c))
        if kind is None or (_JSON_AS_INPUT.fullmatch(kind) and not kind.endswith("[]")):
            return name
        return f"{name}::jsonb::text" if kind == "json" else f"{name}::text"

    select = ", ".join(f"{read(c)} AS {ident(c)}" for c in columns)
    # to_jsonb keeps numeric digits exactly; parse_float=Decimal keeps them in Python too.
    return f"SELECT to_jsonb(t)::text FROM (SELECT {select} FROM {qualified(seed.schema, table)}) AS t"


def seed_rows(seed: SeedScope, table: str, columns: list[str], rows: list[tuple]) -> list[snap.SeedRow]:
    result = []
    for (text,) in rows:
        data = json.loads(text, parse_float=Decimal, parse_int=Decimal)
        values = {c: canonical_value(data[c]) for c in columns}
        key = tuple("NULL" if values[k] is None else str(values[k]) for k in seed.key)
        others = tuple(sorted((c, v) for c, v in values.items() if c not in seed.key))
        result.append(snap.SeedRow(seed.schema, table, key, others))
    return result
