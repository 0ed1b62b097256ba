"""A database -> a catalog snapshot, with one query per kind of object.

The same code reads the shadow database (desired state) and the live one, so
both sides are normalised by PostgreSQL itself. Queries live in
sql/introspect/*.sql; each small loader turns its rows into snapshot objects.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from . import snapshot as snap
from .database import begin_catalog_read
from .sql_text import ident, qualified

if TYPE_CHECKING:
    import psycopg

API_ROLES = ("anon", "authenticated", "service_role")


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


@cache
def query(name: str) -> str:
    return resources.files("supaschema.sql.introspect").joinpath(f"{name}.sql").read_text("utf-8")


def introspect(conn: "psycopg.Connection", scope: Scope) -> snap.Snapshot:
    """Read everything in scope inside one read-only, repeatable-read transaction."""
    from psycopg.rows import dict_row

    params = {"schemas": list(scope.schemas), "external_tables": list(scope.external_tables), "roles": list(scope.roles)}
    with conn.transaction():
        begin_catalog_read(conn)
        with conn.cursor(row_factory=dict_row) as cur:

            def rows(name: str) -> list[dict]:
                cur.execute(query(name), params)
                return cur.fetchall()

            tables = load_tables(rows("tables"))
            objects: list[Any] = list(tables.values())
            on_table = _belongs_to(tables)
            objects += [o for o in load_plain(snap.Column, rows("columns")) if on_table(o)]
            objects += [o for o in load_constraints(rows("constraints")) if on_table(o)]
            objects += [o for o in load_plain(snap.Index, rows("indexes")) if on_table(o)]
            objects += [o for o in load_policies(rows("policies")) if on_table(o)]
            objects += load_functions(rows("functions"))
            objects += load_triggers(rows("triggers"))
            objects += load_grants(rows("grants"), tables)
            queries = 9
            for seed in scope.seeds:
                if (seed.schema, seed.table) in tables:
                    present = {c.name for c in objects if isinstance(c, snap.Column) and (c.schema, c.table) == (seed.schema, seed.table)}
                    objects += load_seed_rows(cur, seed, present)
                    queries += 1
    return snap.build_snapshot(conn.info.server_version, objects, queries)


def _belongs_to(tables: dict[tuple, snap.Table]):
    # Children of tables outside the snapshot (extension-owned, partitions) are left out with them.
    return lambda obj: (obj.schema, obj.table) in tables


def load_tables(rows: list[dict]) -> dict[tuple, snap.Table]:
    tables = [snap.Table(**row) for row in rows]
    return {snap.key_of(t): t for t in tables}


def load_plain(kind: type, rows: list[dict]) -> list[Any]:
    return [kind(**row) for row in rows]


def load_constraints(rows: list[dict]) -> list[snap.Constraint]:
    # NOT VALID is its own field; keeping it in the definition too would report one change twice.
    return [snap.Constraint(**{**row, "definition": row["definition"].removesuffix(" NOT VALID")}) for row in rows]


def load_policies(rows: list[dict]) -> list[snap.Policy]:
    return [snap.Policy(**{**row, "roles": tuple(row["roles"])}) for row in rows]


def load_functions(rows: list[dict]) -> list[snap.Function]:
    return [snap.Function(**{**row, "config": tuple(row["config"] or ())}) for row in rows]


TRIGGER_ENABLED = {"O": "origin", "D": "disabled", "R": "replica", "A": "always"}


def load_triggers(rows: list[dict]) -> list[snap.Trigger]:
    result = []
    for row in rows:
        bits = row.pop("type_bits")
        # pg_trigger.tgtype bits, from PostgreSQL's catalog/pg_trigger.h.
        timing = "INSTEAD OF" if bits & 64 else "BEFORE" if bits & 2 else "AFTER"
        events = tuple(name for bit, name in ((4, "INSERT"), (8, "DELETE"), (16, "UPDATE"), (32, "TRUNCATE")) if bits & bit)
        level = "ROW" if bits & 1 else "STATEMENT"
        enabled = TRIGGER_ENABLED.get(row.pop("enabled"), "origin")
        result.append(snap.Trigger(**row, timing=timing, events=events, level=level, enabled=enabled))
    return result


def load_grants(rows: list[dict], tables: dict[tuple, snap.Table]) -> list[snap.Grant]:
    result = []
    for row in rows:
        if row["object_kind"] == "table":
            if (row["schema"], row["name"]) not in tables:
                continue
            path = qualified(row["schema"], row["name"])
        else:
            path = f"{qualified(row['schema'], row['name'])}({row['arguments']})"
        result.append(snap.Grant(row["object_kind"], path, row["grantee"], row["privilege"], row["grantable"]))
    return result


def canonical_value(value: Any) -> Any:
    """Seed values compare by meaning: 0.00250000 and 0.0025 are the same price."""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return "0" if text in ("-0", "0") else text
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return value


def load_seed_rows(cur: "psycopg.Cursor", seed: SeedScope, present: set[str]) -> list[snap.SeedRow]:
    columns = [c for c in seed.columns if c in present]
    if not all(k in present for k in seed.key):
        return []
    select = ", ".join(ident(c) for c in columns)
    # to_jsonb keeps numeric digits exactly; parse_float=Decimal keeps them in Python too.
    cur.execute(f"SELECT to_jsonb(t)::text AS row FROM (SELECT {select} FROM {qualified(seed.schema, seed.table)}) AS t")
    result = []
    for record in cur.fetchall():
        data = json.loads(record["row"], parse_float=Decimal, parse_int=Decimal)
        values = {c: canonical_value(data[c]) for c in columns}
        key = tuple("NULL" if values[k] is None else str(values[k]) for k in seed.key)
        others = tuple(sorted((c, v) for c, v in values.items() if c not in seed.key))
        result.append(snap.SeedRow(seed.schema, seed.table, key, others))
    return result
