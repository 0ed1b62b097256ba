"""Schemas besides public (e.g. `private` for SECURITY DEFINER code), with their USAGE/CREATE grants.

Tables, functions, views and enums may live in public or in a declared schema; the declared ones
are also what diff, plan and gen compare (besides public).
"""

from __future__ import annotations

import re

import yaml

from ..errors import excerpt
from . import model as s
from .reading import Reader
from .yaml_source import closest

SCHEMA_KEYS = {"comment", "grants"}
SCHEMA_PRIVILEGES = {"usage", "create", "all"}
# Supabase's own schemas: declaring one would make supaschema manage the platform's objects.
RESERVED = {"public", "auth", "storage", "realtime", "extensions", "graphql", "graphql_public", "vault", "pgsodium",
            "supabase_functions", "supabase_migrations", "net", "cron", "pgbouncer", "information_schema"}
_PLAIN = re.compile(r"[a-z_][a-z0-9_]*")


def read_schemas(r: Reader, node: yaml.Node) -> list[s.Schema]:
    result = []
    for name, key_node, value in r.src.items(node, "schemas"):
        path = f"schemas.{name}"
        if not _PLAIN.fullmatch(name) or name.startswith("pg_") or name in RESERVED:
            r.src.problem(key_node, "schemas", f"{excerpt(name)} cannot be declared here",
                          "use a plain lowercase name that is not public, pg_* or one of Supabase's own schemas")
            continue
        f = r.src.fields(value, path, SCHEMA_KEYS) if isinstance(value, yaml.MappingNode) or value.value else {}
        grants = []
        for role, _, privileges_node in r.src.items(f["grants"], f"{path}.grants") if "grants" in f else []:
            privileges = [p.lower() for p in r.src.texts(privileges_node, f"{path}.grants.{role}")]
            for bad in sorted(set(privileges) - SCHEMA_PRIVILEGES):
                r.src.problem(privileges_node, f"{path}.grants.{role}", f"unknown schema privilege {excerpt(bad)}", closest(bad, sorted(SCHEMA_PRIVILEGES)))
            grants.append((role, tuple(p for p in privileges if p in SCHEMA_PRIVILEGES)))
        comment = r.src.text(f["comment"], f"{path}.comment") if "comment" in f else None
        result.append(s.Schema(name, tuple(grants), comment))
    return result
