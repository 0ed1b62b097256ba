"""Privileges as schema.yaml declares them: per object, per column, and the defaults new objects get.

A pulled object says only what differs from what it would get anyway, so that the file reads
like one written by hand: a sequence or type that holds exactly the default privileges of its
schema has no `grants:`, and `default_privileges:` lists only the schemas and object types whose
defaults differ from a fresh Supabase project's (another creator role's, under `for_role:`). Tables and views always say their grants (as the
project's own schema.yaml does), and functions always say who may execute them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..catalog import snapshot as snap
from ..spec.model import API_ROLES, RESET_ROLES
from .yaml_text import Flow

TABLE_PRIVILEGES = frozenset(("DELETE", "INSERT", "REFERENCES", "SELECT", "TRIGGER", "TRUNCATE", "UPDATE"))
NEWER_PRIVILEGES = frozenset(("MAINTAIN",))  # PostgreSQL 17: part of ALL there, unknown before
OBJECT_TYPES = ("tables", "sequences", "functions", "types")
EVERYTHING = {"sequences": frozenset(("SELECT", "UPDATE", "USAGE")), "functions": frozenset(("EXECUTE",)),
              "types": frozenset(("USAGE",))}
# What a schema's new objects grant in a fresh project: postgres/supabase_stub.sql (Supabase's own
# ALTER DEFAULT PRIVILEGES IN SCHEMA public) on top of PostgreSQL's built-in EXECUTE and USAGE for PUBLIC.
# "ALL" stands for every privilege of the object type on the server at hand.
_BUILT_IN = {"functions": {"public": "EXECUTE"}, "types": {"public": "USAGE"}}
_SUPABASE_PUBLIC = {"tables": dict.fromkeys(API_ROLES, "ALL"), "sequences": dict.fromkeys(API_ROLES, "ALL"),
                    "functions": {"public": "EXECUTE", **dict.fromkeys(API_ROLES, "ALL")}, "types": {"public": "USAGE"}}


def everything(object_type: str, server_version: int) -> frozenset[str]:
    if object_type == "tables":
        return TABLE_PRIVILEGES | (NEWER_PRIVILEGES if server_version >= 170000 else frozenset())
    return EVERYTHING[object_type]


def role_order(role: str) -> tuple:
    """PUBLIC and the API roles first, in their usual order, then the others by name."""
    return (RESET_ROLES.index(role), "") if role in RESET_ROLES else (len(RESET_ROLES), role)


def fresh_defaults(schema: str, object_type: str, server_version: int) -> dict[str, frozenset[str]]:
    given = (_SUPABASE_PUBLIC if schema == "public" else _BUILT_IN).get(object_type, {})
    return {role: everything(object_type, server_version) if privilege == "ALL" else frozenset((privilege,))
            for role, privilege in given.items()}


@dataclass
class Privileges:
    """The snapshot's grants by object, and the default privileges by schema and object type."""

    server_version: int
    by_object: dict[str, dict[str, snap.Grant]] = field(default_factory=lambda: defaultdict(dict))
    by_column: dict[str, dict[str, dict[str, snap.Grant]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(dict)))
    defaults: dict[tuple[str, str], dict[str, frozenset[str]]] = field(default_factory=lambda: defaultdict(dict))
    # Other creator roles' per-schema defaults (FOR ROLE), by (creator, schema, object type).
    made_by: dict[tuple[str, str, str], dict[str, frozenset[str]]] = field(default_factory=lambda: defaultdict(dict))
    inexpressible: list[tuple[str, str]] = field(default_factory=list)  # (where, construct) schema.yaml has no words for

    @classmethod
    def of(cls, snapshot: snap.Snapshot) -> "Privileges":
        found = cls(snapshot.server_version)
        for grant in snapshot.of(snap.Grant).values():
            if grant.object_kind == "column":
                found.by_column[grant.on][grant.column][grant.grantee] = grant
            else:
                found.by_object[grant.object][grant.grantee] = grant
            found._check(f"{grant.object_kind} {grant.object} grant to {grant.grantee}", grant,
                         "tables" if grant.object_kind == "table" else None)
        for default in snapshot.of(snap.DefaultPrivilege).values():
            given = found.made_by[(default.creator, default.schema, default.object_type)] if default.creator \
                else found.defaults[(default.schema, default.object_type)]
            given[default.grantee] = frozenset(default.privileges)
            found._check(f"default privileges: {default.path}", default, default.object_type)
        return found

    def _check(self, where: str, held: snap.Grant | snap.DefaultPrivilege, object_type: str | None) -> None:
        if held.grantable:
            self.inexpressible.append((where, "WITH GRANT OPTION"))
        privileges = frozenset(held.privileges)
        if object_type == "tables" and privileges & NEWER_PRIVILEGES and privileges != everything("tables", self.server_version):
            self.inexpressible.append((where, "MAINTAIN without the other table privileges (PostgreSQL 17)"))

    def roles(self) -> list[str]:
        """Roles besides PUBLIC and the API roles that hold or get privileges: schema.yaml's `roles:`."""
        named = {role for grants in self.by_object.values() for role in grants}
        named |= {role for columns in self.by_column.values() for grants in columns.values() for role in grants}
        named |= {role for given in self.defaults.values() for role, privileges in given.items() if privileges}
        return sorted(role for role in named if role not in RESET_ROLES)

    def new_object_gets(self, schema: str, object_type: str) -> dict[str, frozenset[str]]:
        return {role: privileges for role, privileges in self.defaults.get((schema, object_type), {}).items() if privileges}

    def held(self, path: str) -> dict[str, frozenset[str]]:
        return {role: frozenset(g.privileges) for role, g in self.by_object.get(path, {}).items() if g.privileges}

    def words(self, privileges: frozenset[str], object_type: str | None) -> list[str]:
        if object_type == "tables" and privileges == everything("tables", self.server_version):
            return ["all"]
        return sorted(p.lower() for p in privileges)

    def object_grants(self, path: str, schema: str, object_type: str | None) -> dict[str, list[str]] | None:
        """A sequence's, type's or schema's grants, or None when they are what it gets on creation anyway.
        A role the defaults give something and the object lacks is named with []: REVOKE ALL covers it."""
        held = self.held(path)
        expected = self.new_object_gets(schema, object_type) if object_type else {}
        if held == expected:
            return None
        return {role: self.words(held.get(role, frozenset()), object_type)
                for role in sorted(held.keys() | expected.keys(), key=role_order)}

    def relation_grants(self, path: str, schema: str) -> dict[str, list[str]]:
        """A table's or view's grants: the API roles always, PUBLIC when it has any, other roles when they
        have any or would get some from the defaults (REVOKE ALL then covers them)."""
        held = self.held(path)
        expected = self.new_object_gets(schema, "tables")
        named = set(API_ROLES) | held.keys() | expected.keys()
        return {role: self.words(held.get(role, frozenset()), "tables") for role in sorted(named, key=role_order)
                if role != "public" or role in held}

    def column_grants(self, table_path: str, column: str) -> dict[str, list[str]]:
        return {role: sorted(p.lower() for p in grant.privileges)
                for role, grant in sorted(self.by_column.get(table_path, {}).get(column, {}).items(), key=lambda rg: role_order(rg[0]))
                if grant.privileges}

    def execute(self, path: str, schema: str) -> tuple[list[str], list[str]]:
        """(revoke_execute_from, grant_execute_to): PUBLIC and the API roles always, other roles where they
        execute it or the defaults would let them."""
        executes = {role for role, privileges in self.held(path).items() if "EXECUTE" in privileges}
        expected = {role for role, privileges in self.new_object_gets(schema, "functions").items() if "EXECUTE" in privileges}
        named = sorted(set(RESET_ROLES) | executes | expected, key=role_order)
        revoked = [role for role in named if role not in executes]
        granted = [role for role in named if role in executes and role != "public"]
        return revoked, granted

    def changed_defaults(self, schemas: list[str]) -> dict[str, dict[str, dict[str, list[str]]]]:
        """Per schema and object type, the defaults that differ from a fresh project's, every role named."""
        result: dict[str, dict[str, dict[str, list[str]]]] = {}
        for schema in schemas:
            for object_type in OBJECT_TYPES:
                have = self.new_object_gets(schema, object_type)
                fresh = fresh_defaults(schema, object_type, self.server_version)
                if have != fresh:
                    result.setdefault(schema, {})[object_type] = {
                        role: self.words(have.get(role, frozenset()), object_type)
                        for role in sorted(have.keys() | fresh.keys(), key=role_order)}
        return result

    def default_privileges_entry(self, schemas: list[str]) -> dict[str, dict]:
        """schema.yaml's `default_privileges:`: the owner's where they differ from a fresh project's,
        and every other creator's under `for_role:`."""
        changed = self.changed_defaults(schemas)
        entry: dict[str, dict] = {}
        for schema in schemas:
            types: dict = {object_type: Flow(grants) for object_type, grants in changed.get(schema, {}).items()}
            for (creator, in_schema, object_type), given in sorted(self.made_by.items()):
                granted = {role: self.words(privileges, object_type)
                           for role, privileges in sorted(given.items(), key=lambda rp: role_order(rp[0])) if privileges}
                if in_schema == schema and granted:
                    types.setdefault("for_role", {}).setdefault(creator, {})[object_type] = Flow(granted)
            if types:
                entry[schema] = types
        return entry
