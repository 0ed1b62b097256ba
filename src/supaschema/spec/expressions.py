"""Checking the SQL fragments users write in schema.yaml, with sqlglot.

PostgreSQL itself normalises the expressions later (the shadow database);
here we only make sure each fragment is one well-formed expression or type,
so a typo or an injected `; DROP TABLE` is caught with a line number instead
of failing halfway through a migration.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import lru_cache


class ValueKind(Enum):
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class ParsedExpression:
    error: str | None
    columns: frozenset[str] = frozenset()  # unqualified column names it reads


# Real schemas repeat the same few expressions ((select auth.uid()) = user_id, amount >= 0)
# across hundreds of tables: parse each text once.
@lru_cache(maxsize=4096)
def parse_expression(text: str) -> ParsedExpression:
    import sqlglot
    from sqlglot import exp

    if not text.strip():
        return ParsedExpression("is empty")
    try:
        tokens = sqlglot.tokenize(text, read="postgres")
    except sqlglot.errors.SqlglotError as exc:
        return ParsedExpression(f"does not parse as a PostgreSQL expression ({str(exc).splitlines()[0]})")
    if any(token.token_type == sqlglot.tokens.TokenType.SEMICOLON for token in tokens):
        return ParsedExpression("must be a single SQL expression (no ';' or extra statements)")
    try:
        # The newline keeps a trailing `-- comment` from swallowing the parenthesis.
        statements = sqlglot.parse(f"SELECT ({text}\n)", read="postgres")
    except sqlglot.errors.SqlglotError as exc:
        first = str(exc).splitlines()[0]
        return ParsedExpression(f"does not parse as a PostgreSQL expression ({first})")
    if len(statements) != 1 or not isinstance(statements[0], exp.Select) or len(statements[0].expressions) != 1:
        return ParsedExpression("must be a single SQL expression (no ';' or extra statements)")
    if statements[0].find(exp.From):
        # A subquery brings its own columns into scope; we cannot tell whose they are.
        return ParsedExpression(None)
    columns = frozenset(
        col.name for col in statements[0].find_all(exp.Column) if not col.table and col.name
    )
    return ParsedExpression(None, columns)


@lru_cache(maxsize=1024)
def type_error(text: str) -> str | None:
    import sqlglot
    from sqlglot import exp

    try:
        exp.DataType.build(text, dialect="postgres")
    except (sqlglot.errors.SqlglotError, ValueError) as exc:
        return f"{text!r} is not a PostgreSQL type ({str(exc).splitlines()[0]})"
    return None


@lru_cache(maxsize=1024)
def value_kind(type_text: str) -> ValueKind:
    from sqlglot import exp

    try:
        data_type = exp.DataType.build(type_text, dialect="postgres")
    except Exception:
        return ValueKind.TEXT
    if data_type.is_type(*exp.DataType.INTEGER_TYPES):
        return ValueKind.INTEGER
    if data_type.is_type(*exp.DataType.NUMERIC_TYPES):
        return ValueKind.NUMBER
    if data_type.is_type(exp.DataType.Type.BOOLEAN):
        return ValueKind.BOOLEAN
    return ValueKind.TEXT


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    error: str | None
    tables: frozenset[tuple[str, str]] = frozenset()  # (schema or "", name) of every table it reads
    columns: tuple[str, ...] = ()  # the names of its output columns ("*" when it selects a star)


@lru_cache(maxsize=1024)
def parse_query(text: str) -> ParsedQuery:
    """A view's query: exactly one SELECT (or WITH/UNION of selects), nothing after it."""
    import sqlglot
    from sqlglot import exp

    if not text.strip():
        return ParsedQuery("is empty")
    single = "must be a single SELECT (no ';' or extra statements)"
    try:
        if any(token.token_type == sqlglot.tokens.TokenType.SEMICOLON for token in sqlglot.tokenize(text, read="postgres")):
            return ParsedQuery(single)
        statements = sqlglot.parse(text, read="postgres")
    except sqlglot.errors.SqlglotError as exc:
        return ParsedQuery(f"does not parse as a PostgreSQL query ({str(exc).splitlines()[0]})")
    if len(statements) != 1:
        return ParsedQuery(single)
    if not isinstance(statements[0], exp.Query):
        return ParsedQuery("must be a SELECT query")
    ctes = {cte.alias for cte in statements[0].find_all(exp.CTE)}
    tables = frozenset((t.db, t.name) for t in statements[0].find_all(exp.Table) if t.name and not (not t.db and t.name in ctes))
    return ParsedQuery(None, tables, tuple(statements[0].named_selects))
