"""Default privileges: what new tables, sequences, functions and types in a schema grant, per role.

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
def read_default_privileges(r: Reader, node: yaml.Node, managed: tuple[str, ...] = ("public",)) -> list[s.DefaultPrivileges]:
    result = []
    for schema, key_node, value in r.src.items(node, "default_privileges"):
        path = f"default_privileges.{schema}"
        if schema not in managed:
            r.src.problem(key_node, path, f"schema {schema!r} is not managed by supaschema",
                          closest(schema, list(managed)) or "declare it under `schemas:`")
            continue
        fields = r.src.fields(value, path, set(OBJECT_PRIVILEGES), set())
        for object_type, grants_node in fields.items():
            grants = read_grants(r, grants_node, f"{path}.{object_type}", OBJECT_PRIVILEGES[object_type])
            result.append(s.DefaultPrivileges(schema, object_type, tuple(grants)))
    return result
