"""What the existing rows must satisfy for a statement to succeed, read from its SQL text.

push applies arbitrary migration files, so the statements are recognised in SQL,
parsed by sqlglot into small typed preconditions; each one knows the read-only
query that counts the rows violating it, and how to say so. What is not
understood is not guessed at: it yields no precondition (and the statement is
applied as before).

Every name reaches the check queries quoted; every expression is re-printed from
its parse tree.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..sqltext.quoting import ident, literal

DEFAULT_SCHEMA = "public"


@dataclass(frozen=True, slots=True)
class TableName:
    schema: str
    name: str

    @property
    def sql(self) -> str:
        return f"{ident(self.schema)}.{ident(self.name)}"

    @property
    def label(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True, slots=True)
class Located:
    """Where a statement comes from: the file (or plan) and its statement number."""

    origin: str
    number: int

    def __str__(self) -> str:
        return f"{self.origin}: statement {self.number}"


def _all_not_null(columns: tuple[str, ...], alias: str = "") -> str:
    prefix = f"{alias}." if alias else ""
    return " AND ".join(f"{prefix}{ident(c)} IS NOT NULL" for c in columns)


def _rows(n: int | None, singular: str, plural: str) -> str:
    """'1 row ... has', '3 rows ... have'; None: the count is unknown."""
    if n is None:
        return f"some rows {plural}"
    return f"1 row {singular}" if n == 1 else f"{n} rows {plural}"


@dataclass(frozen=True, slots=True)
class NewNotNullColumn:
    """ADD COLUMN ... NOT NULL with no default: every existing row would hold NULL."""

    at: Located
    table: TableName
    column: str

    def query(self) -> str:
        # Only while the column is absent: ADD COLUMN IF NOT EXISTS replayed on a table that has it is a no-op.
        return (f"SELECT count(*) FROM {self.table.sql} WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_attribute "
                f"WHERE attrelid = {literal(self.table.sql)}::pg_catalog.regclass AND attname = {literal(self.column)} "
                "AND attnum > 0 AND NOT attisdropped)")

    def failure(self, count: int) -> str:
        return (f"would fail: {_rows(count, 'of ' + self.table.label + ' exists', 'of ' + self.table.label + ' exist')}, "
                f"and the new column {self.column} is NOT NULL with no default")

    fix = ("give the column a DEFAULT, or add it nullable, backfill it, and make it NOT NULL in a later migration")


@dataclass(frozen=True, slots=True)
class NoNulls:
    """SET NOT NULL (or a new primary key) on a column holding NULLs."""

    at: Located
    table: TableName
    column: str

    def query(self) -> str:
        return f"SELECT count(*) FROM {self.table.sql} WHERE {ident(self.column)} IS NULL"

    def failure(self, count: int) -> str:
        return f"would fail: {_rows(count, 'of ' + self.table.label + ' has', 'of ' + self.table.label + ' have')} NULL {self.column}"

    fix = "fill those rows first (an UPDATE in an earlier migration), or keep the column nullable"


@dataclass(frozen=True, slots=True)
class Unique:
    """A new UNIQUE or PRIMARY KEY constraint, or a unique index, over duplicated values."""

    at: Located
    table: TableName
    keys: tuple[str, ...]  # SQL: quoted columns, or expressions re-printed from their parse tree
    label: str
    predicate: str | None = None  # a partial index's WHERE, re-printed
    nulls_distinct: bool = True

    def query(self) -> str:
        conditions = [] if not self.nulls_distinct else [f"({key}) IS NOT NULL" for key in self.keys]
        if self.predicate:
            conditions.append(f"({self.predicate})")
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        keys = ", ".join(f"({key})" for key in self.keys)
        return (f"SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM {self.table.sql}{where} "
                f"GROUP BY {keys} HAVING count(*) > 1) AS duplicated")

    def failure(self, count: int) -> str:
        of = f"of {self.table.label}"
        return f"would fail: {_rows(count, of + ' shares', of + ' share')} a value of ({self.label}) with another row"

    fix = "remove or change the duplicates first (in an earlier migration), or do not make these values unique"


@dataclass(frozen=True, slots=True)
class Check:
    """A new CHECK constraint (not NOT VALID): existing rows must satisfy it."""

    at: Located
    table: TableName
    expression: str  # re-printed from its parse tree

    def query(self) -> str:
        return f"SELECT count(*) FROM {self.table.sql} WHERE NOT ({self.expression})"

    def failure(self, count: int) -> str:
        of = f"of {self.table.label}"
        return f"would fail: {_rows(count, of + ' violates', of + ' violate')} CHECK ({self.expression})"

    fix = "fix or delete those rows first (in an earlier migration), or add the constraint NOT VALID"


@dataclass(frozen=True, slots=True)
class ForeignKey:
    """A new FOREIGN KEY (not NOT VALID): every non-NULL key must exist in the referenced table."""

    at: Located
    table: TableName
    columns: tuple[str, ...]
    referenced: TableName
    referenced_columns: tuple[str, ...] | None  # None: the referenced table's primary key

    def query(self, referenced_columns: tuple[str, ...]) -> str:
        match = " AND ".join(f"parent.{ident(p)} = child.{ident(c)}" for c, p in zip(self.columns, referenced_columns))
        return (f"SELECT count(*) FROM {self.table.sql} AS child WHERE {_all_not_null(self.columns, 'child')} "
                f"AND NOT EXISTS (SELECT 1 FROM {self.referenced.sql} AS parent WHERE {match})")

    def failure(self, count: int) -> str:
        of = f"of {self.table.label}"
        return (f"would fail: {_rows(count, of + ' has', of + ' have')} a ({', '.join(self.columns)}) "
                f"with no match in {self.referenced.label}")

    fix = "delete or fix the rows without a match first (in an earlier migration), or add the constraint NOT VALID"


@dataclass(frozen=True, slots=True)
class Cast:
    """ALTER COLUMN ... TYPE: every existing value must convert (through USING, when given)."""

    at: Located
    table: TableName
    column: str
    type: str  # re-printed from its parse tree
    using: str | None = None

    def query(self) -> str:
        value = self.using if self.using is not None else ident(self.column)
        # count(expr) evaluates the cast on every row; the first value that does not convert raises.
        return f"SELECT count(CAST(({value}) AS {self.type})) FROM {self.table.sql}"

    def counting_query(self) -> str | None:
        """PostgreSQL 16+: how many values fail (text input of the new type; only without USING)."""
        if self.using is not None and self.using != f"CAST({ident(self.column)} AS {self.type})":
            return None
        return (f"SELECT count(*) FROM {self.table.sql} WHERE {ident(self.column)} IS NOT NULL "
                f"AND NOT pg_catalog.pg_input_is_valid({ident(self.column)}::text, {literal(self.type)})")

    def failure(self, count: int | None, message: str) -> str:
        of = f"of {self.table.label}"
        rows = _rows(count or None, of + " holds", of + " hold")
        return f"would fail: {rows} a value of {self.column} that does not convert to {self.type} ({message})"

    fix = "fix those values first, or give the type change a USING expression that converts them"


Precondition = NewNotNullColumn | NoNulls | Unique | Check | ForeignKey | Cast
