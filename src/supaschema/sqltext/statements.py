"""Splitting a migration file into statements, the way PostgreSQL's lexer sees them.

A ';' ends a statement only outside quotes ('…', E'…', "…"), dollar quotes
($tag$…$tag$) and comments (-- and nested /* */). SQL-standard function
bodies (BEGIN ATOMIC … END) are not split correctly; neither our templates nor
pg_get_functiondef for plpgsql produce them.
"""

from __future__ import annotations

import re

_DOLLAR_TAG = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$")


def split_statements(sql: str) -> list[str]:
    """Statements without their terminating ';', trimmed; comment-only pieces are dropped."""
    statements: list[str] = []
    start = i = 0
    n = len(sql)
    has_code = False
    while i < n:
        ch = sql[i]
        if ch == "-" and sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if ch == "/" and sql.startswith("/*", i):
            i = _skip_block_comment(sql, i)
            continue
        if ch == "'":
            escaped = i > 0 and sql[i - 1] in "eE" and (i < 2 or not (sql[i - 2].isalnum() or sql[i - 2] == "_"))
            i = _skip_quoted(sql, i, "'", backslash=escaped)
            has_code = True
            continue
        if ch == '"':
            i = _skip_quoted(sql, i, '"', backslash=False)
            has_code = True
            continue
        if ch == "$" and (i == 0 or not (sql[i - 1].isalnum() or sql[i - 1] == "_")):
            match = _DOLLAR_TAG.match(sql, i)
            if match:
                close = sql.find(match.group(0), match.end())
                i = n if close < 0 else close + len(match.group(0))
                has_code = True
                continue
        if ch == ";":
            if has_code:
                statements.append(sql[start:i].strip())
            start, has_code = i + 1, False
        elif not ch.isspace():
            has_code = True
        i += 1
    if has_code:
        statements.append(sql[start:].strip())
    return statements


def _skip_quoted(sql: str, i: int, quote: str, backslash: bool) -> int:
    i += 1
    while i < len(sql):
        if backslash and sql[i] == "\\":
            i += 2
            continue
        if sql[i] == quote:
            if sql.startswith(quote * 2, i):
                i += 2
                continue
            return i + 1
        i += 1
    return i


def _skip_block_comment(sql: str, i: int) -> int:
    depth = 0
    while i < len(sql):
        if sql.startswith("/*", i):
            depth += 1
            i += 2
        elif sql.startswith("*/", i):
            depth -= 1
            i += 2
            if depth == 0:
                return i
        else:
            i += 1
    return i
