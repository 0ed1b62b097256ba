"""Domains: a base type with a default, NOT NULL and named checks on VALUE."""

from __future__ import annotations

import yaml

from . import model as s
from .types import type_sql
from .reading import TYPE_PRIVILEGES, Reader, read_grants, split_qualified

DOMAIN_KEYS = {"type", "nullable", "default", "checks", "collation", "comment", "grants"}
DOMAIN_REQUIRED = {"type"}


def read_domains(r: Reader, node: yaml.Node) -> list[s.Domain]:
    result = []
    for key, key_node, value in r.src.items(node, "domains"):
        path = f"domains.{key}"
        schema, name = split_qualified(key)
        f = r.src.fields(value, path, DOMAIN_KEYS, DOMAIN_REQUIRED)
        if not r.name(key_node, "domains", name) or "type" not in f:
            continue
        base = r.reprinted(f["type"], f"{path}.type", type_sql, "is not a PostgreSQL type", "e.g. text, numeric(12,2), citext")
        if base is None:
            continue
        nullable = r.src.boolean(f["nullable"], f"{path}.nullable") if "nullable" in f else True
        default = r.expression(f["default"], f"{path}.default") if "default" in f else None
        checks = []
        for check_name, check_key, check_node in r.src.items(f["checks"], f"{path}.checks") if "checks" in f else []:
            expression = r.expression(check_node, f"{path}.checks.{check_name}")  # VALUE is the domain's value
            if r.name(check_key, f"{path}.checks", check_name) and expression is not None:
                checks.append(s.Check(check_name, expression))
        collation = r.src.text(f["collation"], f"{path}.collation") if "collation" in f else None
        if collation is not None and not r.name(f["collation"], f"{path}.collation", collation):
            collation = None
        if base is not None:
            grants = read_grants(r, f["grants"], f"{path}.grants", TYPE_PRIVILEGES) if "grants" in f else []
            result.append(s.Domain(schema, name, base, nullable is not False, default, tuple(checks), collation, r.comment(f, path),
                                   tuple(grants)))
    return result
