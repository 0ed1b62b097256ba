"""Enum types: their values, in order."""

from __future__ import annotations

import re

import yaml

from ..errors import excerpt
from . import model as s
from .reading import Reader, split_qualified

ENUM_KEYS, ENUM_REQUIRED = {"values"}, {"values"}
# A value may be written `{new: {renamed_from: old}}` instead of `new`: ALTER TYPE ... RENAME VALUE.
VALUE_KEYS, VALUE_REQUIRED = {"renamed_from"}, {"renamed_from"}
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
        values, renamed = read_values(r, f["values"], f"{path}.values")
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
        result.append(s.Enum(schema, name, tuple(values), line=key_node.start_mark.line + 1, renamed_values=renamed))
    return result


def read_values(r: Reader, node: yaml.Node, path: str) -> tuple[list[str], tuple[tuple[str, str], ...]]:
    """The labels in order, and (new, old) for each one declared `{new: {renamed_from: old}}`."""
    items = [node] if isinstance(node, yaml.ScalarNode) else r.src.sequence(node, path)
    values, renames = [], []
    for i, item in enumerate(items):
        if not isinstance(item, yaml.MappingNode):
            value = r.src.text(item, f"{path}[{i}]")
            values += [value] if value is not None else []
            continue
        entries = list(r.src.items(item, f"{path}[{i}]"))
        if len(entries) != 1:
            r.src.problem(item, f"{path}[{i}]", "a renamed value is one label with its old one",
                          "write it as {new_label: {renamed_from: old_label}}")
            continue
        value, _, spec = entries[0]
        values.append(value)
        old = r.src.fields(spec, f"{path}.{value}", VALUE_KEYS, VALUE_REQUIRED).get("renamed_from")
        old_value = r.src.text(old, f"{path}.{value}.renamed_from") if old is not None else None
        if old_value is not None:
            renames.append((old, value, old_value))
    result = []
    for old, value, old_value in renames:
        if old_value in values:
            r.src.problem(old, f"{path}.{value}.renamed_from", f"{excerpt(old_value)} is still a value of this enum",
                          "a rename needs the old value gone: remove or rename that one")
        else:
            result.append((value, old_value))
    return values, tuple(result)


def declared_types(enums: list[s.Enum]) -> set[str]:
    """How a column may name a declared enum: `public.plan_tier`, and `plan_tier` for public ones."""
    names = {e.qualified_name for e in enums}
    return names | {e.name for e in enums if e.schema == "public"}
