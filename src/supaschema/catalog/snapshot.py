"""The catalog snapshot: what a database holds, as plain sorted data.

Both sides of every comparison are snapshots made by the same introspection,
so their text forms (types, expressions, definitions) come from PostgreSQL's
own deparsers and compare as plain strings. Each kind declares its key fields
and which of its fields are compared; equality is generated, never hand-written.
"""

from __future__ import annotations

import dataclasses
import operator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ..disk_cache import pickled_through_init
from ..sqltext.quoting import ident


def _schema_object_path(obj: Any) -> str:
    return f"{ident(obj.schema)}.{ident(obj.name)}"


def _table_child_path(obj: Any) -> str:
    return f"{ident(obj.schema)}.{ident(obj.table)}.{ident(obj.name)}"


@dataclass(frozen=True, slots=True)
class Table:
    KIND: ClassVar[str] = "table"
    KEY: ClassVar[tuple[str, ...]] = ("schema", "name")
    schema: str
    name: str
    rls_enabled: bool
    rls_force: bool
    comment: str | None

    path = property(_schema_object_path)


@dataclass(frozen=True, slots=True)
class Column:
    KIND: ClassVar[str] = "column"
    KEY: ClassVar[tuple[str, ...]] = ("schema", "table", "name")
    schema: str
    table: str
    name: str
    type: str
    not_null: bool
    default: str | None
    identity: str | None
    generated: str | None
    collation: str | None
    comment: str | None

    path = property(_table_child_path)


@dataclass(frozen=True, slots=True)
class Constraint:
    KIND: ClassVar[str] = "constraint"
    KEY: ClassVar[tuple[str, ...]] = ("schema", "table", "name")
    schema: str
    table: str
    name: str
    type: str  # primary key | unique | foreign key | check | exclusion
    definition: str
    validated: bool
    # Read by lint only; `definition` already says all of it for the comparison.
    columns: tuple[str, ...] = field(default=(), compare=False)
    index_definition: str | None = field(default=None, compare=False)
    referenced_key: str | None = field(default=None, compare=False)  # foreign key: primary key | unique
    referenced_table: str | None = field(default=None, compare=False)  # foreign key: schema.name

    path = property(_table_child_path)


@dataclass(frozen=True, slots=True)
class Index:
    KIND: ClassVar[str] = "index"
    KEY: ClassVar[tuple[str, ...]] = ("schema", "table", "name")
    schema: str
    table: str
    name: str
    definition: str
    comment: str | None = None
    # Read by lint only: key columns in order, '' for an expression (the definition says it all).
    key_columns: tuple[str, ...] = field(default=(), compare=False)

    path = property(_table_child_path)


@dataclass(frozen=True, slots=True)
class Policy:
    KIND: ClassVar[str] = "policy"
    KEY: ClassVar[tuple[str, ...]] = ("schema", "table", "name")
    schema: str
    table: str
    name: str
    command: str
    permissive: bool
    roles: tuple[str, ...]
    using: str | None
    with_check: str | None
    comment: str | None = None

    path = property(_table_child_path)


@dataclass(frozen=True, slots=True)
class Function:
    KIND: ClassVar[str] = "function"
    # Known by name and input types, as PostgreSQL knows it: a renamed parameter or a new
    # default is a change of the same function, not one missing and one extra.
    KEY: ClassVar[tuple[str, ...]] = ("schema", "name", "argument_types")
    schema: str
    name: str
    argument_types: str  # e.g. "uuid, numeric"
    arguments: str  # names, modes and defaults, e.g. "p_user uuid, rate numeric DEFAULT 0.08"
    result: str | None  # None for a procedure
    language: str
    security_definer: bool
    volatility: str
    strict: bool
    leakproof: bool
    parallel: str
    cost: str
    rows: str
    config: tuple[str, ...]  # e.g. ('search_path=""',)
    body: str
    comment: str | None = None
    # Compared only for SECURITY DEFINER functions, against the project's owner (drift.compare).
    owner: str = field(default="", compare=False)
    # For the planner: CREATE OR REPLACE cannot rename a parameter or drop a default.
    signature: str = field(default="", compare=False)
    default_count: int = field(default=0, compare=False)
    # The whole CREATE OR REPLACE statement, for the planner; every part of it is compared above.
    definition: str = field(default="", compare=False)

    @property
    def path(self) -> str:
        return f"{ident(self.schema)}.{ident(self.name)}({self.argument_types})"


@dataclass(frozen=True, slots=True)
class Sequence:
    """A standalone sequence, or one OWNED BY a column it does not feed (serial and identity
    sequences are part of their column)."""

    KIND: ClassVar[str] = "sequence"
    KEY: ClassVar[tuple[str, ...]] = ("schema", "name")
    schema: str
    name: str
    type: str
    start: str
    increment: str
    min: str
    max: str
    cache: str
    cycle: bool
    owned_by: str | None  # schema.table.column
    comment: str | None

    path = property(_schema_object_path)


@dataclass(frozen=True, slots=True)
class Domain:
    KIND: ClassVar[str] = "domain"
    KEY: ClassVar[tuple[str, ...]] = ("schema", "name")
    schema: str
    name: str
    type: str
    not_null: bool
    default: str | None
    collation: str | None
    checks: tuple[str, ...]  # "quoted_name CHECK (...)", sorted by name
    comment: str | None

    path = property(_schema_object_path)


@dataclass(frozen=True, slots=True)
class CompositeType:
    KIND: ClassVar[str] = "composite_type"
    KEY: ClassVar[tuple[str, ...]] = ("schema", "name")
    schema: str
    name: str
    attributes: tuple[str, ...]  # "name type [COLLATE c]", in order
    comment: str | None

    path = property(_schema_object_path)


@dataclass(frozen=True, slots=True)
class Extension:
    KIND: ClassVar[str] = "extension"
    KEY: ClassVar[tuple[str, ...]] = ("name",)  # one per database
    name: str
    schema: str
    # The installed version is not compared: the shadow server and the live one ship different ones.
    version: str = field(default="", compare=False)
    relocatable: bool = field(default=False, compare=False)  # ALTER EXTENSION SET SCHEMA works
    managed: bool = field(default=True, compare=False)  # False: read for lint, never compared (drift/compare)

    @property
    def path(self) -> str:
        return ident(self.name)


@dataclass(frozen=True, slots=True)
class Trigger:
    KIND: ClassVar[str] = "trigger"
    KEY: ClassVar[tuple[str, ...]] = ("schema", "table", "name")
    schema: str
    table: str
    name: str
    timing: str
    events: tuple[str, ...]
    level: str
    function: str  # schema-qualified name
    enabled: str  # origin | disabled | replica | always
    # Each part of the definition is its own field, so one change never hides behind another.
    when: str | None  # the WHEN condition, as pg_get_triggerdef prints it
    arguments: tuple[str, ...]  # the literal arguments passed to the function
    update_of: tuple[str, ...]  # UPDATE OF columns, in declared order
    referencing: str | None  # e.g. "OLD TABLE AS old_rows NEW TABLE AS new_rows"
    comment: str | None = None
    # The whole CREATE TRIGGER statement, for the planner; every part of it is compared above.
    definition: str = field(default="", compare=False)

    path = property(_table_child_path)


@dataclass(frozen=True, slots=True)
class View:
    KIND: ClassVar[str] = "view"
    KEY: ClassVar[tuple[str, ...]] = ("schema", "name")
    schema: str
    name: str
    materialized: bool
    definition: str  # pg_get_viewdef
    security_invoker: bool
    options: tuple[str, ...]  # other reloptions, e.g. security_barrier=true
    comment: str | None
    # What it selects from ("schema.name"), for the planner: a retyped column needs its views rebuilt.
    reads: tuple[str, ...] = field(default=(), compare=False)
    # Read by lint only: which of those have row-level security off (auth_users_exposed).
    reads_without_rls: tuple[str, ...] = field(default=(), compare=False)

    @property
    def path(self) -> str:
        return f"{ident(self.schema)}.{ident(self.name)}"


@dataclass(frozen=True, slots=True)
class Schema:
    KIND: ClassVar[str] = "schema"
    KEY: ClassVar[tuple[str, ...]] = ("name",)
    name: str
    comment: str | None

    @property
    def path(self) -> str:
        return ident(self.name)


@dataclass(frozen=True, slots=True)
class Enum:
    KIND: ClassVar[str] = "enum"
    KEY: ClassVar[tuple[str, ...]] = ("schema", "name")
    schema: str
    name: str
    values: tuple[str, ...]  # in sort order
    # Columns of this type ("schema.table.column"), for the planner: removing a value rebuilds them.
    used_by: tuple[str, ...] = field(default=(), compare=False)

    @property
    def path(self) -> str:
        return f"{ident(self.schema)}.{ident(self.name)}"


@dataclass(frozen=True, slots=True)
class GrantItem:
    """One privilege of one grantee on one object: the unit drift items and plans speak of."""

    object_kind: str
    object: str
    grantee: str
    privilege: str
    grantable: bool
    on: str = ""  # for a column grant: the table it is granted on (SQL names the column apart)
    column: str | None = None

    @property
    def label(self) -> str:
        return f"{self.privilege} to {self.grantee}"


@dataclass(frozen=True, slots=True)
class Grant:
    """All privileges of one grantee on one table or function (one row, not one per privilege)."""

    KIND: ClassVar[str] = "grant"
    KEY: ClassVar[tuple[str, ...]] = ("object_kind", "object", "grantee")
    object_kind: str  # table (also views) | function | column | sequence | type
    object: str  # path of the table, view, function, column, sequence or type
    grantee: str
    privileges: tuple[str, ...]  # sorted
    grantable: tuple[str, ...]  # the privileges held WITH GRANT OPTION
    on: str = field(default="", compare=False)  # a column grant's table
    column: str | None = field(default=None, compare=False)

    @property
    def path(self) -> str:
        return self.object

    def items(self) -> dict[str, GrantItem]:
        return {p: GrantItem(self.object_kind, self.object, self.grantee, p, p in self.grantable, self.on, self.column)
                for p in self.privileges}


@dataclass(frozen=True, slots=True)
class DefaultPrivilege:
    """What new objects of one type in one schema, made by the project's owner or another creator
    role, will grant one role."""

    KIND: ClassVar[str] = "default_privilege"
    KEY: ClassVar[tuple[str, ...]] = ("creator", "schema", "object_type", "grantee")
    schema: str
    object_type: str  # tables | sequences | functions | types
    grantee: str
    privileges: tuple[str, ...]  # sorted
    grantable: tuple[str, ...]
    # For the planner: the part that comes from the owner's global (or built-in) defaults,
    # which only an ALTER DEFAULT PRIVILEGES without IN SCHEMA can revoke.
    global_privileges: tuple[str, ...] = field(default=(), compare=False)
    creator: str = ""  # FOR ROLE creator; "": the project's owner, whatever its name on each side

    @property
    def path(self) -> str:
        made_by = f" made by {ident(self.creator)}" if self.creator else ""
        return f"new {self.object_type}{made_by} in {ident(self.schema)} to {self.grantee}"


@dataclass(frozen=True, slots=True)
class SeedRow:
    KIND: ClassVar[str] = "seed_row"
    KEY: ClassVar[tuple[str, ...]] = ("schema", "table", "key")
    schema: str
    table: str
    key: tuple[str, ...]  # conflict-key values, as text
    values: tuple[tuple[str, Any], ...]  # (column, canonical value), sorted by column

    @property
    def path(self) -> str:
        return f"{ident(self.schema)}.{ident(self.table)}[{', '.join(self.key)}]"


@dataclass(frozen=True, slots=True, order=True)
class NotCompared:
    """An object of a kind supaschema does not model yet: listed by diff, never compared."""

    kind: str  # view, materialized view, sequence, enum, domain, composite type, ...
    path: str


KINDS: tuple[type, ...] = (Schema, Extension, Table, Column, Constraint, Index, Policy, Function, Trigger, View, Enum, Sequence, Domain,
                          CompositeType, Grant, DefaultPrivilege, SeedRow)
pickled_through_init(*KINDS, NotCompared)  # cached states load twice as fast


_KEY_GETTERS: dict[type, Any] = {}


def key_of(obj: Any) -> tuple:
    kind = type(obj)
    getter = _KEY_GETTERS.get(kind)
    if getter is None:
        getter = _KEY_GETTERS[kind] = operator.attrgetter(*kind.KEY)
    return getter(obj)


def compared_fields(kind: type) -> list[str]:
    return [f.name for f in dataclasses.fields(kind) if f.name not in kind.KEY and f.compare]


@dataclass(frozen=True, slots=True)
class Snapshot:
    server_version: int
    objects: dict[str, dict[tuple, Any]] = field(default_factory=dict)  # kind name -> key -> object
    queries: int = 0  # catalog queries issued to make it
    not_compared: tuple[NotCompared, ...] = ()  # sorted
    owner: str = ""  # the project's owner role (catalog/queries/project_owner.sql)

    def of(self, kind: type) -> dict[tuple, Any]:
        return self.objects.get(kind.KIND, {})

    def to_dict(self) -> dict:
        return {
            "server_version": self.server_version,
            "owner": self.owner,
            **{kind.KIND: [dataclasses.asdict(o) for _, o in sorted(self.of(kind).items())] for kind in KINDS},
            "not_compared": [dataclasses.asdict(o) for o in self.not_compared],
        }


def build_snapshot(server_version: int, objects: list[Any], queries: int,
                   not_compared: tuple[NotCompared, ...] = (), owner: str = "") -> Snapshot:
    grouped: dict[str, dict[tuple, Any]] = {kind.KIND: {} for kind in KINDS}
    for obj in objects:
        grouped[obj.KIND][key_of(obj)] = obj
    return Snapshot(server_version, grouped, queries, tuple(sorted(not_compared)), owner)
