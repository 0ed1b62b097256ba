"""What a lint rule is and what it reports, with splinter's interface.

Every rule returns the fields splinter's lint views return (name, title, level, facing, categories,
description, detail, remediation, metadata, cache_key), so a finding can be looked up in Supabase's
documentation by its name. A rule checks a `LintContext`: one snapshot, indexed for the questions
rules ask.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..catalog import snapshot as snap
from ..spec.model import table_key

ERROR, WARN, INFO = "ERROR", "WARN", "INFO"
LEVELS = (INFO, WARN, ERROR)  # ascending severity
SECURITY, PERFORMANCE = "SECURITY", "PERFORMANCE"
API_ROLES = ("anon", "authenticated")  # the roles PostgREST switches to for a request
DOCS = "https://supabase.com/docs/guides/database/database-linter?lint="


@dataclass(frozen=True, slots=True)
class Hit:
    """One object a rule flags. `anchor` is where schema.yaml would declare it, e.g. ("tables", "t", "policies", "p")."""

    object: str
    detail: str
    cache_key: str
    metadata: dict[str, Any] = field(default_factory=dict)
    anchor: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    title: str
    level: str
    categories: tuple[str, ...]
    description: str  # one sentence: why it matters
    fix: str  # in SQL terms
    fix_yaml: str  # in schema.yaml terms, used when the object is declared there
    check: Callable[["LintContext"], Iterable[Hit]]
    source: str = "splinter"  # splinter | supaschema
    reference: str = ""  # splinter's lint id, e.g. 0013_rls_disabled_in_public
    facing: str = "EXTERNAL"
    needs_usage: bool = False  # only meaningful with usage statistics (a live database)

    @property
    def remediation(self) -> str:
        return DOCS + self.reference if self.reference else "supaschema's own rule: README.md, section Lint"


@dataclass(frozen=True, slots=True)
class Finding:
    name: str
    title: str
    level: str
    facing: str
    categories: tuple[str, ...]
    description: str
    detail: str
    remediation: str
    metadata: dict[str, Any]
    cache_key: str
    object: str
    fix: str
    line: int | None = None  # in schema.yaml, when the object is declared there

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "level": self.level, "facing": self.facing,
                "categories": list(self.categories), "object": self.object, "description": self.description,
                "detail": self.detail, "fix": self.fix, "remediation": self.remediation, "line": self.line,
                "metadata": self.metadata, "cache_key": self.cache_key}


def label(schema: str, name: str) -> str:
    """Objects as splinter's details print them: schema.name, unquoted."""
    return f"{schema}.{name}"


@dataclass
class LintContext:
    snapshot: snap.Snapshot
    exposed_schemas: tuple[str, ...] = ("public",)
    index_scans: dict[tuple[str, str, str], int] | None = None  # (schema, table, index) -> scans; None: unknown

    def all(self, kind: type) -> list[Any]:
        return [obj for _, obj in sorted(self.snapshot.of(kind).items())]

    def exposed(self, schema: str) -> bool:
        return schema in self.exposed_schemas

    @cached_property
    def _children(self) -> dict[tuple[str, str, str], list[Any]]:
        grouped: dict[tuple[str, str, str], list[Any]] = {}
        for kind in (snap.Column, snap.Constraint, snap.Index, snap.Policy):
            for obj in self.all(kind):
                grouped.setdefault((kind.KIND, obj.schema, obj.table), []).append(obj)
        return grouped

    def children(self, kind: type, table: snap.Table) -> list[Any]:
        return self._children.get((kind.KIND, table.schema, table.name), [])

    @cached_property
    def _privileges(self) -> dict[tuple[str, str], set[str]]:
        held: dict[tuple[str, str], set[str]] = {}
        for grant in self.all(snap.Grant):
            held.setdefault((grant.object, grant.grantee), set()).update(grant.privileges)
        return held

    def can(self, role: str, privilege: str, object_path: str) -> bool:
        """A privilege held directly or through PUBLIC (our API roles inherit from nothing else)."""
        return any(privilege in self._privileges.get((object_path, grantee), ()) for grantee in (role, "public"))

    def api_readers(self, object_path: str) -> list[str]:
        """The API roles that may SELECT from a table or view (PostgREST serves it to them)."""
        return [role for role in API_ROLES if self.can(role, "SELECT", object_path)]

    def served_views(self) -> list[snap.View]:
        """Views and materialized views in an exposed schema that an API role may select from."""
        return [v for v in self.all(snap.View) if self.exposed(v.schema) and self.api_readers(v.path)]

    def open_to_api(self, table: snap.Table) -> bool:
        """In an exposed schema, readable by an API role, and no row-level security: every row is served."""
        return self.exposed(table.schema) and not table.rls_enabled and bool(self.api_readers(table.path))

    def policies_where(self, test: Callable[[str | None], bool], *, rls_enabled_only: bool = False):
        """(table, policy) for every policy whose USING or WITH CHECK passes `test`."""
        for table in self.all(snap.Table):
            if table.rls_enabled or not rls_enabled_only:
                for policy in self.children(snap.Policy, table):
                    if test(policy.using) or test(policy.with_check):
                        yield table, policy

    def trigger_function(self, qualified_name: str) -> list[snap.Function]:
        """What a trigger calls: the function of that name without arguments (of its overloads, that one)."""
        return [f for f in self.all(snap.Function) if f"{f.schema}.{f.name}" == qualified_name and not f.argument_types]


def relation_hit(rule_key: str, relation: snap.Table | snap.View, detail: str, anchor: tuple[str, ...],
                 kind: str = "table", **metadata: Any) -> Hit:
    """A finding on a table or view, keyed and described as splinter does: <rule>_<schema>_<name>."""
    return Hit(relation.path, detail, f"{rule_key}_{relation.schema}_{relation.name}",
               {"schema": relation.schema, "name": relation.name, "type": kind, **metadata}, anchor)


def policy_hit(rule_key: str, table: snap.Table, policy: snap.Policy, what: str) -> Hit:
    """A finding on one policy's expressions: <rule>_<schema>_<table>_<policy>."""
    return Hit(policy.path, f"Table `{label(table.schema, table.name)}` has a row level security policy "
                            f"`{policy.name}` that {what}.",
               f"{rule_key}_{table.schema}_{table.name}_{policy.name}",
               {"schema": table.schema, "name": table.name, "type": "table", "policy": policy.name},
               table_anchor(table.schema, table.name, "policies", policy.name))


def table_anchor(schema: str, table: str, *rest: str) -> tuple[str, ...]:
    """schema.yaml declares a table by its key: bare in public, schema.name elsewhere."""
    return ("tables", table_key(schema, table), *rest)


def function_anchor(function: snap.Function) -> tuple[str, ...]:
    """The name's key, and below it the overload's when schema.yaml lists several (lint.config)."""
    return ("functions", f"{function.schema}.{function.name}", f"({function.argument_types})")


def view_anchor(view: snap.View) -> tuple[str, ...]:
    return ("views", f"{view.schema}.{view.name}")


def foreign_key_anchor(fk: snap.Constraint) -> tuple[str, ...]:
    """A one-column foreign key is declared on its column (`references:`), a wider one under `foreign_keys:`."""
    if len(fk.columns) == 1:
        return table_anchor(fk.schema, fk.table, "columns", fk.columns[0])
    return table_anchor(fk.schema, fk.table, "foreign_keys", fk.name)
