"""Default privileges: what new tables, sequences, functions and types in a schema grant, per role.

A schema's entry speaks for the objects the project's owner creates (the role running the
migrations); under `for_role:`, for those another creator role makes (ALTER DEFAULT PRIVILEGES
FOR ROLE x IN SCHEMA s): a migration role or a service that creates its own tables.

Roles are cluster-wide and belong to the platform (Supabase creates anon, authenticated and
service_role): schema.yaml names them, never creates them.
"""

from __future__ import annotations

import yaml

from . import model as s
from .reading import TABLE_PRIVILEGES, Reader, read_grants
from .yaml_source import closest

# The privileges ALTER DEFAULT PRIVILEGES accepts per object type.
OBJECT_PRIVILEGES = {
    "tables": TABLE_PRIVILEGES,
    "sequences": {"usage", "select", "update", "all"},
    "functions": {"execute", "all"},
    "types": {"usage", "all"},
}
SCHEMA_KEYS = {*OBJECT_PRIVILEGES, "for_role"}  # the owner's object types, and other creators' under for_role


def read_default_privileges(r: Reader, node: yaml.Node, managed: tuple[str, ...] = ("public",)) -> list[s.DefaultPrivileges]:
    result = []
    for schema, key_node, value in r.src.items(node, "default_privileges"):
        path = f"default_privileges.{schema}"
        if schema not in managed:
            r.src.problem(key_node, path, f"schema {schema!r} is not managed by supaschema",
                          closest(schema, list(managed)) or "declare it under `schemas:`")
            continue
        fields = r.src.fields(value, path, SCHEMA_KEYS, set())
        result += _object_types(r, fields, path, schema, None)
        for creator, role_node, types in r.src.items(fields["for_role"], f"{path}.for_role") if "for_role" in fields else ():
            if creator.lower() == "public":
                r.src.problem(role_node, f"{path}.for_role", "PUBLIC creates nothing: FOR ROLE needs a real role",
                              "name the role that creates the objects, or declare the owner's defaults directly under the schema")
            elif r.name(role_node, f"{path}.for_role", creator):
                where = f"{path}.for_role.{creator}"
                result += _object_types(r, r.src.fields(types, where, set(OBJECT_PRIVILEGES), set()), where, schema, creator)
    return result


def _object_types(r: Reader, fields: dict[str, yaml.Node], path: str, schema: str, creator: str | None) -> list[s.DefaultPrivileges]:
    return [s.DefaultPrivileges(schema, object_type, tuple(read_grants(r, node, f"{path}.{object_type}", OBJECT_PRIVILEGES[object_type])),
                                creator)
            for object_type, node in fields.items() if object_type != "for_role"]
