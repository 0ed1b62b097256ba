"""The SQL expressions users write in schema.yaml: parsed with sqlglot, re-printed, and the re-print verified.

An expression reaches SQL only as our re-print: every token sqlglot's lexer
produced is printed again from what it holds (strings through `literal`,
quoted names through `ident`, words, numbers and operators only when they have
the plain shape of one), comments are dropped, and whitespace becomes one
space. The user's spelling survives (`now()` stays `now()`, `'30 days'` keeps
its case), which sqlglot's own generator would not guarantee: it rewrites
`now()` as CURRENT_TIMESTAMP, `x !~ y` as NOT x ~ y and `date_trunc('day', ...)`
as `DATE_TRUNC('DAY', ...)`, a transpiler's idea of equivalence that no shadow
database can check. The re-print must parse to exactly the tree the original
parsed to; anything else is refused with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from ..errors import clipped, excerpt
from ..sqltext.fragments import Fragment

# PostgreSQL's whitespace, and its comments (-- to the end of the line, /* */ without nesting here).
_COMMENT = re.compile(r"--[^\n\r]*|/\*(?:(?!/\*|\*/).)*\*/", re.S)
_GAP = re.compile(r"(?:[ \t\n\r\f\v]+|--[^\n\r]*|/\*(?:(?!/\*|\*/).)*\*/)*", re.S)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*(?:[ \t\n\r\f\v]+[A-Za-z_][A-Za-z0-9_$]*)*")
_NUMBER = re.compile(r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_OPERATOR = re.compile(r"(?:[-+*/<>=~!@#%^&|`?]|::?|[(),\[\].])+")


class ValueKind(Enum):
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class ParsedExpression:
    error: str | None
    columns: frozenset[str] = frozenset()  # unqualified column names it reads, outside its subqueries
    sql: Fragment | None = None  # the re-print that goes into SQL
    constructs: frozenset[str] = frozenset()  # subquery, aggregate, window... (expression_scope)
    row_columns: frozenset[tuple[str, str]] = frozenset()  # (qualifier, column) it reads, e.g. ("new", "balance")


class Unrepresentable(ValueError):
    pass


# Real schemas repeat the same few expressions ((select auth.uid()) = user_id, amount >= 0)
# across hundreds of tables: parse each text once.
@lru_cache(maxsize=4096)
def parse_expression(text: str) -> ParsedExpression:
    import sqlglot

    if not text.strip():
        return ParsedExpression("is empty")
    try:
        tokens = _tokens(text)
    except ValueError as exc:
        return ParsedExpression(str(exc))
    if any(token.token_type == sqlglot.tokens.TokenType.SEMICOLON for token in tokens):
        return ParsedExpression("must be a single SQL expression (no ';' or extra statements)")
    tree = _parse(text)
    if isinstance(tree, str):
        return ParsedExpression(tree)
    try:
        printed = reprint(text, tokens)
    except Unrepresentable as exc:
        return ParsedExpression(f"cannot be represented exactly: {exc}")
    if _parse(printed) != tree:
        return ParsedExpression("cannot be represented exactly: its re-print reads differently")
    from .expression_scope import constructs, outer_columns, row_columns

    root = tree.expressions[0]
    return ParsedExpression(None, outer_columns(root), Fragment(printed), constructs(root), row_columns(root))


def _tokens(text: str) -> list:
    import sqlglot

    try:
        return sqlglot.tokenize(text, read="postgres")
    except sqlglot.errors.SqlglotError as exc:
        raise ValueError(f"does not parse as a PostgreSQL expression ({clipped(str(exc).splitlines()[0], 160)})") from None


def _parse(text: str):
    """The parse tree of one expression, or why there is none."""
    import sqlglot
    from sqlglot import exp

    try:
        # The newline keeps a trailing `-- comment` from swallowing the parenthesis.
        statements = sqlglot.parse(f"SELECT ({text}\n)", read="postgres")
    except sqlglot.errors.SqlglotError as exc:
        return f"does not parse as a PostgreSQL expression ({clipped(str(exc).splitlines()[0], 160)})"
    if len(statements) != 1 or not isinstance(statements[0], exp.Select) or len(statements[0].expressions) != 1:
        return "must be a single SQL expression (no ';' or extra statements)"
    return _without_comments(statements[0])


def _without_comments(tree):
    for node in tree.walk():
        node.comments = None
    return tree


def reprint(text: str, tokens: list) -> str:
    """The expression printed again from its tokens; raises Unrepresentable."""
    from sqlglot.tokens import TokenType as T

    out: list[str] = []
    pos = depth = 0
    for token in tokens:
        gap = text[pos:token.start]
        if _GAP.fullmatch(gap) is None:
            raise Unrepresentable(f"{gap[:20]!r} is not SQL (only spaces, tabs, newlines and comments may separate tokens)")
        depth += token.token_type in (T.L_PAREN, T.L_BRACKET)
        depth -= token.token_type in (T.R_PAREN, T.R_BRACKET)
        if depth < 0:
            raise Unrepresentable("a closing parenthesis has no opening one")
        if out and gap:
            out.append(_layout(gap))
        source = text[token.start:token.end + 1]
        out.append(_token_sql(token, source, T))
        pos = token.end + 1
    if _GAP.fullmatch(text[pos:]) is None:
        raise Unrepresentable(f"{text[pos:][:20]!r} after the expression is not SQL")
    return "".join(out)


def _layout(gap: str) -> str:
    """Whitespace and comments between two tokens -> one space, or the line breaks and the next
    line's indentation, so a multi-line query keeps its shape; comments are dropped."""
    lines = _COMMENT.sub(" ", gap).split("\n")
    if len(lines) == 1:
        return " "
    indent = lines[-1].replace("\r", " ").replace("\f", " ").replace("\v", " ")
    return "\n" * (len(lines) - 1) + indent


def _token_sql(token, source: str, T) -> str:
    kind = token.token_type
    # Quoted the way the user quoted them, so they mean what they meant (a backslash in '...'
    # is read by PostgreSQL's standard_conforming_strings either way).
    if kind == T.STRING:
        return "'" + token.text.replace("'", "''") + "'"
    if kind == T.IDENTIFIER:
        return '"' + token.text.replace('"', '""') + '"'
    if kind in (T.BIT_STRING, T.HEX_STRING) and re.fullmatch(r"[0-9A-Fa-f]*", token.text):
        return f"{source[0].upper()}'{token.text}'"
    if kind == T.NUMBER and _NUMBER.fullmatch(source):
        return source
    if kind in (T.BYTE_STRING, T.UNICODE_STRING, T.NATIONAL_STRING, T.RAW_STRING, T.HEREDOC_STRING):
        raise Unrepresentable(f"{source[:20]!r}: write the string as a plain '...' literal (use chr(10) for a newline)")
    if kind == T.PARAMETER:
        raise Unrepresentable("parameters ($1) have no value here")
    if _WORD.fullmatch(source):
        return " ".join(source.split())
    if _OPERATOR.fullmatch(source) and "--" not in source and "/*" not in source:
        return source
    raise Unrepresentable(f"{source[:20]!r} is not a word, number, string or operator")


@lru_cache(maxsize=1024)
def arguments_sql(text: str, with_defaults: bool = True) -> Fragment:
    """A function's argument list, each `[mode] [name] type [DEFAULT expr]` re-printed; raises ValueError.

    Without defaults it is the signature GRANT, REVOKE and DROP name the function by (they refuse DEFAULT).
    """
    from sqlglot.tokens import TokenType as T

    if not text.strip():
        return Fragment("")
    tokens = _tokens(text)
    pieces, depth, start, default_at = [], 0, 0, None
    for token in [*tokens, None]:
        if token is None or (depth == 0 and token.token_type == T.COMMA):
            end = len(text) if token is None else token.start
            pieces.append((text[start:end], None if default_at is None else (default_at[0] - start, default_at[1] - start)))
            start, default_at = (token.end + 1 if token else end), None
            continue
        depth += token.token_type in (T.L_PAREN, T.L_BRACKET)
        depth -= token.token_type in (T.R_PAREN, T.R_BRACKET)
        if depth == 0 and default_at is None and token.token_type in (T.DEFAULT, T.EQ):
            default_at = (token.start, token.end + 1)
    return Fragment(", ".join(_argument_sql(piece, default if with_defaults else None, default) for piece, default in pieces))


def _argument_sql(piece: str, default: tuple[int, int] | None, default_at: tuple[int, int] | None) -> str:
    from .types import argument_head_sql, TypeSyntaxError

    head = piece if default_at is None else piece[:default_at[0]]
    try:
        printed = argument_head_sql(head)
    except TypeSyntaxError as exc:
        raise ValueError(f"{excerpt(head.strip())} is not `[mode] [name] type`: {exc}") from None
    if default is not None:
        parsed = parse_expression(piece[default[1]:])
        if parsed.error:
            raise ValueError(f"the default of {excerpt(head.strip())} {parsed.error}")
        printed += f" DEFAULT {parsed.sql}"
    return printed


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
    sql: Fragment | None = None  # the re-print that goes into SQL


@lru_cache(maxsize=1024)
def parse_query(text: str) -> ParsedQuery:
    """A view's query: exactly one SELECT (or WITH/UNION of selects), nothing after it."""
    import sqlglot
    from sqlglot import exp

    if not text.strip():
        return ParsedQuery("is empty")
    single = "must be a single SELECT (no ';' or extra statements)"
    try:
        tokens = sqlglot.tokenize(text, read="postgres")
        if any(token.token_type == sqlglot.tokens.TokenType.SEMICOLON for token in tokens):
            return ParsedQuery(single)
        statements = sqlglot.parse(text, read="postgres")
    except sqlglot.errors.SqlglotError as exc:
        return ParsedQuery(f"does not parse as a PostgreSQL query ({clipped(str(exc).splitlines()[0], 160)})")
    if len(statements) != 1:
        return ParsedQuery(single)
    if not isinstance(statements[0], exp.Query):
        return ParsedQuery("must be a SELECT query")
    try:
        printed = reprint(text, tokens)
    except Unrepresentable as exc:
        return ParsedQuery(f"cannot be represented exactly: {exc}")
    if _without_comments(sqlglot.parse_one(printed, read="postgres")) != _without_comments(statements[0]):
        return ParsedQuery("cannot be represented exactly: its re-print reads differently")
    ctes = {cte.alias for cte in statements[0].find_all(exp.CTE)}
    tables = frozenset((t.db, t.name) for t in statements[0].find_all(exp.Table) if t.name and not (not t.db and t.name in ctes))
    return ParsedQuery(None, tables, tuple(statements[0].named_selects), Fragment(printed))
