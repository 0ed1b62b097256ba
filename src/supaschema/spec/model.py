"""The typed, validated form of schema.yaml.

Column shorthands (`primary_key`, `unique`, `check`, `references`) are already
expanded into named table constraints here, with PostgreSQL's own naming
convention, so that templates and the differ see one shape.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..disk_cache import pickled_through_init

SeedValue = str | Decimal | int | bool | None

# The roles Supabase's API connects as; their privileges are part of what schema.yaml manages.
API_ROLES = ("anon", "authenticated", "service_role")
# What a REVOKE ALL resets before the declared grants: those roles and PUBLIC.
RESET_ROLES = ("public", *API_ROLES)


# A table key names a schema when it starts with a plain schema name and a dot (schemas: are plain names);
# any other name, dots and all, is a table in public ('Odd "T"; DROP TABLE auth.users' stays one name).
_QUALIFIED_TABLE = re.compile(r"([a-z_][a-z0-9_]*)\.(.+)", re.S)


def split_table_key(key: str) -> tuple[str, str]:
    """(schema, table) of a key under `tables:`, `seeds:` or in a migration."""
    match = _QUALIFIED_TABLE.fullmatch(key)
    return (match.group(1), match.group(2)) if match else ("public", key)


def table_key(schema: str, name: str) -> str:
    """How schema.yaml names a table: bare in public, schema.name elsewhere (and for a public name
    that would read as qualified)."""
    return name if schema == "public" and not _QUALIFIED_TABLE.fullmatch(name) else f"{schema}.{name}"


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str
    nullable: bool
    default: str | None = None
    identity: str | None = None  # "always" | "by default"
    generated: str | None = None  # stored generated expression
    collation: str | None = None
    comment: str | None = None
    renamed_from: str | None = None  # the column's previous name: gen and plan RENAME instead of drop and add
    grants: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (role, privileges) on this column alone


@dataclass(frozen=True, slots=True)
class PrimaryKey:
    name: str
    columns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Unique:
    name: str
    columns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    expression: str


@dataclass(frozen=True, slots=True)
class ForeignKey:
    name: str
    columns: tuple[str, ...]
    ref_schema: str
    ref_table: str
    ref_columns: tuple[str, ...]
    on_delete: str  # SQL words, e.g. "CASCADE", "NO ACTION"
    on_update: str


@dataclass(frozen=True, slots=True)
class IndexColumn:
    name: str
    descending: bool = False


@dataclass(frozen=True, slots=True)
class Index:
    name: str
    columns: tuple[IndexColumn, ...]
    unique: bool = False
    method: str = "btree"
    where: str | None = None
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    table_schema: str
    table: str
    command: str  # ALL | SELECT | INSERT | UPDATE | DELETE
    roles: tuple[str, ...]
    permissive: bool = True
    using: str | None = None
    with_check: str | None = None
    line: int = field(default=0, compare=False)  # where schema.yaml declares it, for errors found by PostgreSQL
    comment: str | None = None
    renamed_from: str | None = None  # its previous name on the same table: ALTER POLICY ... RENAME TO


@dataclass(frozen=True, slots=True)
class Table:
    schema: str
    name: str
    columns: tuple[Column, ...]
    primary_key: PrimaryKey | None
    uniques: tuple[Unique, ...] = ()
    checks: tuple[Check, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    indexes: tuple[Index, ...] = ()
    rls_enabled: bool = False
    rls_force: bool = False
    policies: tuple[Policy, ...] = ()
    grants: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (role, privileges)
    comment: str | None = None
    line: int = field(default=0, compare=False)  # where schema.yaml declares it, for errors found by PostgreSQL
    renamed_from: str | None = None  # its previous name in the same schema: ALTER TABLE ... RENAME TO

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    @property
    def key(self) -> str:
        return table_key(self.schema, self.name)


@dataclass(frozen=True, slots=True)
class Function:
    schema: str
    name: str
    arguments: str  # as written in CREATE FUNCTION, e.g. "" or "p_user uuid"
    returns: str
    language: str
    body: str
    security_definer: bool = False
    search_path: str | None = None
    volatility: str = "VOLATILE"
    revoke_execute_from: tuple[str, ...] = ()
    grant_execute_to: tuple[str, ...] = ()
    signature: str = ""  # the arguments without their DEFAULTs, as GRANT and REVOKE name the function
    line: int = field(default=0, compare=False)  # where schema.yaml declares it, for errors found by PostgreSQL
    comment: str | None = None
    renamed_from: str | None = None  # its previous name, same schema and arguments: ALTER FUNCTION ... RENAME TO
    overload: int | None = field(default=None, compare=False)  # its place in a list of overloads of one name
    input_types: tuple[str, ...] = field(default=(), compare=False)  # what tells overloads apart (types.input_types)

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def key_path(self) -> str:
        """Where schema.yaml declares it: functions.schema.name, with [i] for one of a list of overloads."""
        return f"functions.{self.schema}.{self.name}" + (f"[{self.overload}]" if self.overload is not None else "")


@dataclass(frozen=True, slots=True)
class Trigger:
    name: str
    table_schema: str
    table: str
    timing: str  # BEFORE | AFTER | INSTEAD OF
    events: tuple[str, ...]  # INSERT, UPDATE, DELETE, TRUNCATE
    for_each: str  # ROW | STATEMENT
    function_schema: str
    function: str
    line: int = field(default=0, compare=False)  # where schema.yaml declares it, for errors found by PostgreSQL
    comment: str | None = None
    arguments: tuple[str, ...] = ()  # literals passed to the function (TG_ARGV)
    when: str | None = None  # the WHEN condition (a Fragment), reading OLD and NEW
    update_of: tuple[str, ...] = ()  # UPDATE OF columns
    old_table: str | None = None  # REFERENCING OLD TABLE AS ...
    new_table: str | None = None  # REFERENCING NEW TABLE AS ...


@dataclass(frozen=True, slots=True)
class Domain:
    schema: str
    name: str
    type: str
    nullable: bool = True
    default: str | None = None
    checks: tuple[Check, ...] = ()  # expressions on VALUE
    collation: str | None = None
    comment: str | None = None
    grants: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (role, [usage])


@dataclass(frozen=True, slots=True)
class CompositeType:
    schema: str
    name: str
    attributes: tuple[tuple[str, str], ...]  # (name, type), in order
    comment: str | None = None
    grants: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (role, [usage])


@dataclass(frozen=True, slots=True)
class Sequence:
    schema: str
    name: str
    type: str = "bigint"
    start: int | None = None  # None: PostgreSQL's default (min for ascending, max for descending)
    increment: int = 1
    min: int | None = None
    max: int | None = None
    cache: int = 1
    cycle: bool = False
    owned_by: tuple[str, str, str] | None = None  # (schema, table, column)
    comment: str | None = None
    grants: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (role, privileges)


@dataclass(frozen=True, slots=True)
class DefaultPrivileges:
    """ALTER DEFAULT PRIVILEGES IN SCHEMA schema: the declared roles get exactly these on new objects."""

    schema: str
    object_type: str  # tables | sequences | functions | types
    grants: tuple[tuple[str, tuple[str, ...]], ...]  # (role, privileges)
    creator: str | None = None  # FOR ROLE creator; None: the project's owner (the role running the migrations)


@dataclass(frozen=True, slots=True)
class View:
    schema: str
    name: str
    query: str  # one SELECT, re-printed from its tokens (a Fragment)
    security_invoker: bool = True  # Supabase's advice: the caller's RLS applies
    materialized: bool = False
    indexes: tuple[Index, ...] = ()  # materialized views only
    grants: tuple[tuple[str, tuple[str, ...]], ...] = ()
    comment: str | None = None
    reads: tuple[tuple[str, str], ...] = ()  # (schema, table) it selects from, for placement
    line: int = field(default=0, compare=False)  # where schema.yaml declares it, for errors found by PostgreSQL
    renamed_from: str | None = None  # its previous name in the same schema: ALTER [MATERIALIZED] VIEW ... RENAME TO

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True, slots=True)
class Schema:
    name: str
    grants: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (role, usage/create)
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class Extension:
    name: str
    schema: str = "extensions"  # Supabase's schema for them
    version: str | None = None  # installed at this version when created; None: the server's default
    line: int = field(default=0, compare=False)  # where schema.yaml declares it, for errors found by PostgreSQL


@dataclass(frozen=True, slots=True)
class Enum:
    schema: str
    name: str
    values: tuple[str, ...]
    line: int = field(default=0, compare=False)  # where schema.yaml declares it, for errors found by PostgreSQL
    renamed_values: tuple[tuple[str, str], ...] = ()  # (new, old): ALTER TYPE ... RENAME VALUE

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True, slots=True)
class Seed:
    schema: str
    table: str
    key: tuple[str, ...]
    columns: tuple[str, ...]
    rows: tuple[tuple[SeedValue, ...], ...]
    line: int = field(default=0, compare=False)  # where schema.yaml declares it, for errors found by PostgreSQL
    row_lines: tuple[int, ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class Migration:
    version: str
    name: str
    description: str
    tables: tuple[str, ...] = ()  # table keys (model.table_key)
    policies: tuple[tuple[str, str], ...] = ()  # (table key, policy name)
    seeds: tuple[str, ...] = ()  # table keys
    functions: tuple[str, ...] = ()  # "schema.name"
    triggers: tuple[str, ...] = ()
    views: tuple[str, ...] = ()  # "schema.name"
    enums: tuple[str, ...] = ()  # "schema.name"
    schemas: tuple[str, ...] = ()
    default_privileges: tuple[str, ...] = ()  # schema names
    sequences: tuple[str, ...] = ()  # "schema.name"
    domains: tuple[str, ...] = ()  # "schema.name"
    composite_types: tuple[str, ...] = ()  # "schema.name"
    extensions: tuple[str, ...] = ()

    @property
    def filename(self) -> str:
        return f"{self.version}_{self.name}.sql"


@dataclass(frozen=True, slots=True)
class Unmanaged:
    report_undeclared: bool = True
    patterns: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (snapshot kind, globs)


@dataclass(frozen=True, slots=True)
class LintIgnore:
    rule: str  # a rule name; whether it exists is checked by the lint stage
    object: str | None  # None: every finding of the rule
    reason: str
    line: int  # of the entry
    rule_line: int = 0
    path: str = ""  # lint.ignore[i], for messages


@dataclass(frozen=True, slots=True)
class LintSection:
    exposed_schemas: tuple[str, ...] = ("public",)
    ignores: tuple[LintIgnore, ...] = ()


@dataclass(frozen=True, slots=True)
class Spec:
    tables: tuple[Table, ...]
    functions: tuple[Function, ...] = ()
    triggers: tuple[Trigger, ...] = ()
    seeds: tuple[Seed, ...] = ()
    migrations: tuple[Migration, ...] = field(default=())
    unmanaged: Unmanaged = field(default=Unmanaged())
    views: tuple[View, ...] = ()
    enums: tuple[Enum, ...] = ()
    schemas: tuple[Schema, ...] = ()
    source: str = field(default="schema.yaml", compare=False)  # the file it was read from
    owner: str | None = None  # the role that owns the project's objects; SECURITY DEFINER functions run as it
    default_privileges: tuple[DefaultPrivileges, ...] = ()
    roles: tuple[str, ...] = ()  # roles whose privileges are managed besides the API roles and PUBLIC
    sequences: tuple[Sequence, ...] = ()
    domains: tuple[Domain, ...] = ()
    composite_types: tuple[CompositeType, ...] = ()
    lint: LintSection = LintSection()
    # Where each mapping key sits (("tables", "t", "policies", "p") -> line): lint points findings at it.
    key_lines: dict[tuple[str, ...], int] = field(default_factory=dict, compare=False)
    extensions: tuple[Extension, ...] | None = None  # None: no `extensions:` section, undeclared ones are not compared


# Every class above: cached specs load twice as fast.
pickled_through_init(*[c for c in list(globals().values()) if isinstance(c, type) and dataclasses.is_dataclass(c)])
