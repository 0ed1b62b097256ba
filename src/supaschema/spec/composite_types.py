"""Composite types: CREATE TYPE name AS (attribute type, ...)."""

from __future__ import annotations

import yaml

from . import model as s
from .types import type_sql
from .reading import TYPE_PRIVILEGES, Reader, read_grants, split_qualified

COMPOSITE_KEYS = {"attributes", "comment", "grants"}
COMPOSITE_REQUIRED = {"attributes"}


def read_composite_types(r: Reader, node: yaml.Node) -> list[s.CompositeType]:
    result = []
    for key, key_node, value in r.src.items(node, "composite_types"):
        path = f"composite_types.{key}"
        schema, name = split_qualified(key)
        f = r.src.fields(value, path, COMPOSITE_KEYS, COMPOSITE_REQUIRED)
        if not r.name(key_node, "composite_types", name) or "attributes" not in f:
            continue
        attributes = []
        for attribute, attribute_key, type_node in r.src.items(f["attributes"], f"{path}.attributes"):
            kind = r.reprinted(type_node, f"{path}.attributes.{attribute}", type_sql, "is not a PostgreSQL type",
                               "e.g. text, numeric(18,10)")
            if kind is not None and r.name(attribute_key, f"{path}.attributes", attribute):
                attributes.append((attribute, kind))
        if not attributes:
            r.src.problem(f["attributes"], f"{path}.attributes", "a composite type needs at least one attribute", "e.g. {amount: numeric}")
            continue
        grants = read_grants(r, f["grants"], f"{path}.grants", TYPE_PRIVILEGES) if "grants" in f else []
        result.append(s.CompositeType(schema, name, tuple(attributes), r.comment(f, path), tuple(grants)))
    return result
