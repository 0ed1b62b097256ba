"""Enum types: their values, in order."""

from __future__ import annotations

import re

import yaml

from ..errors import excerpt
from . import model as s
from .reading import Reader, split_qualified

ENUM_KEYS, ENUM_REQUIRED = {"values"}, {"values"}
# Enum names reach column types as written, so they are plain lowercase names only.
_PLAIN = re.compile(r"[a-z_][a-z0-9_]*")


def read_enums(r: Reader, node: yaml.Node) -> list[s.Enum]:
    result = []
    for key, key_node, value in r.src.items(node, "enums"):
        path = f"enums.{key}"
        schema, name = split_qualified(key)
        f = r.src.fields(value, path, ENUM_KEYS, ENUM_REQUIRED)
        if not (_PLAIN.fullmatch(schema) and _PLAIN.fullmatch(name)):
            r.src.problem(key_node, "enums", f"{excerpt(key)} is not a plain lowercase name", "use letters, digits and _, e.g. public.plan_tier")
            continue
        if "values" not in f or not r.schema_known(key_node, path, schema):
            continue
        values = r.src.texts(f["values"], f"{path}.values")
        if not values:
            r.src.problem(f["values"], f"{path}.values", "an enum needs at least one value")
            continue
        duplicates = sorted({v for v in values if values.count(v) > 1})
        if duplicates:
            r.src.problem(f["values"], f"{path}.values", f"{excerpt(duplicates[0])} is listed twice", "list each value once")
            continue
        too_long = [v for v in values if len(v.encode()) > 63 or not v]
        if too_long:
            r.src.problem(f["values"], f"{path}.values", f"{excerpt(too_long[0])} is not a valid enum label (1 to 63 bytes)")
            continue
        result.append(s.Enum(schema, name, tuple(values), line=key_node.start_mark.line + 1))
    return result


def declared_types(enums: list[s.Enum]) -> set[str]:
    """How a column may name a declared enum: `public.plan_tier`, and `plan_tier` for public ones."""
    names = {e.qualified_name for e in enums}
    return names | {e.name for e in enums if e.schema == "public"}
