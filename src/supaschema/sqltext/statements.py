"""Splitting a migration file into statements, the way PostgreSQL's lexer sees them.

A ';' ends a statement only outside quotes ('…', E'…', "…"), dollar quotes
($tag$…$tag$) and comments (-- to the end of the line, nested /* */). SQL-standard
function bodies (BEGIN ATOMIC … END) are not split correctly; neither our templates
nor pg_get_functiondef for plpgsql produce them. `quoted_spans` gives the same
lexer's view of where quoted text lies, so layout can be tidied around it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_DOLLAR_TAG = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$")
_SPECIAL = re.compile(r"--|/\*|['\";$]")
_QUOTE_OR_COMMENT = re.compile(r"--|/\*|['\"$]")  # for quoted_spans: plain text runs on across ';'
# One character class, not the alternation above: the regex engine scans a class ~5x faster.
_MAY_QUOTE_OR_COMMENT = re.compile(r"[-/'\"$]")
_PLAIN_LITERAL = re.compile(r"'[^']*+(?:''[^']*+)*+'")  # possessive: an unterminated literal does not match a shorter one


def _pieces(sql: str, special: re.Pattern = _SPECIAL) -> Iterator[tuple[str, int, int]]:
    """(kind, start, end) for every comment, quoted span and ';'; other characters are not reported.
    With `special` not matching ';', a ';' inside plain text is not reported either."""
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        start = i
        if ch == "-" and sql.startswith("--", i):
            # PostgreSQL ends a line comment at a newline or a carriage return.
            ends = [e for e in (sql.find("\n", i), sql.find("\r", i)) if e >= 0]
            i = min(ends) + 1 if ends else n
            yield "comment", start, i
        elif ch == "/" and sql.startswith("/*", i):
            i = _skip_block_comment(sql, i)
            yield "comment", start, i
        elif ch == "'":
            escaped = i > 0 and sql[i - 1] in "eE" and (i < 2 or not (sql[i - 2].isalnum() or sql[i - 2] == "_"))
            i = _skip_quoted(sql, i, "'", backslash=escaped)
            yield "quoted", start, i
        elif ch == '"':
            i = _skip_quoted(sql, i, '"', backslash=False)
            yield "quoted", start, i
        elif ch == "$" and (i == 0 or not (sql[i - 1].isalnum() or sql[i - 1] == "_")) and (match := _DOLLAR_TAG.match(sql, i)):
            close = sql.find(match.group(0), match.end())
            i = n if close < 0 else close + len(match.group(0))
            yield "quoted", start, i
        elif ch == ";":
            i += 1
            yield ";", start, i
        else:
            # Plain text up to the next character that may start something: one piece, not one per character.
            match = special.search(sql, i + 1)
            i = match.start() if match else n
            if sql[start:i].strip():
                yield "code", start, i


def split_statements(sql: str) -> list[str]:
    """Statements without their terminating ';', trimmed; comment-only pieces are dropped."""
    statements: list[str] = []
    start, has_code = 0, False
    for kind, begin, end in _pieces(sql):
        if kind == ";":
            if has_code:
                statements.append(sql[start:begin].strip())
            start, has_code = end, False
        elif kind != "comment":
            has_code = True
    if has_code:
        statements.append(sql[start:].strip())
    return statements


def quoted_spans(sql: str) -> list[tuple[int, int]]:
    """Where string literals, quoted names and dollar-quoted bodies lie: text no tidying may touch.

    The same lexer as `_pieces`, unrolled: a seed file holds tens of thousands of literals, and a plain
    one ('…' with doubled quotes, not after E) is skipped by one regular expression match."""
    spans: list[tuple[int, int]] = []
    search, plain, n, i = _MAY_QUOTE_OR_COMMENT.search, _PLAIN_LITERAL.match, len(sql), 0
    while match := search(sql, i):
        start = match.start()
        ch = sql[start]
        if ch in "-/" and not sql.startswith(("--", "/*"), start):
            i = start + 1
            continue
        if ch == "-":
            ends = [e for e in (sql.find("\n", start), sql.find("\r", start)) if e >= 0]
            i = min(ends) + 1 if ends else n
            continue
        if ch == "/":
            i = _skip_block_comment(sql, start)
            continue
        if ch == "$":
            if start and (sql[start - 1].isalnum() or sql[start - 1] == "_") or not (tag := _DOLLAR_TAG.match(sql, start)):
                i = start + 1
                continue
            close = sql.find(tag.group(0), tag.end())
            i = n if close < 0 else close + len(tag.group(0))
        elif ch == '"':
            i = _skip_quoted(sql, start, '"', backslash=False)
        elif start and sql[start - 1] in "eE" and (start < 2 or not (sql[start - 2].isalnum() or sql[start - 2] == "_")):
            i = _skip_quoted(sql, start, "'", backslash=True)
        else:
            literal = plain(sql, start)
            i = literal.end() if literal else _skip_quoted(sql, start, "'", backslash=False)
        spans.append((start, i))
    return spans


def _skip_quoted(sql: str, i: int, quote: str, backslash: bool) -> int:
    # str.find jumps to the next quote (or backslash) in C: seed files hold tens of thousands of literals.
    n = len(sql)
    i += 1
    while i < n:
        close = sql.find(quote, i)
        if close < 0:
            close = n
        if backslash:
            escape = sql.find("\\", i, close)
            if escape >= 0:
                i = escape + 2
                continue
        if close == n:
            return n
        if sql.startswith(quote * 2, close):
            i = close + 2
            continue
        return close + 1
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
