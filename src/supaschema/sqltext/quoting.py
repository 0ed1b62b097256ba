"""The only way a user's names and values become SQL text.

Identifiers are left bare only when PostgreSQL would read them back unchanged;
literals follow PostgreSQL's own quote_literal; bodies get a dollar-quote tag
that does not occur in them.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache, lru_cache
from importlib import resources

_BARE_IDENT = re.compile(r"[a-z_][a-z0-9_$]*")


@cache
def reserved_keywords() -> frozenset[str]:
    text = resources.files("supaschema.sqltext").joinpath("reserved_keywords.txt").read_text("utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


@lru_cache(maxsize=16384)  # a big schema quotes the same few thousand names ~50,000 times
def ident(name: str) -> str:
    # fullmatch, not match with "$": "$" also matches before a trailing newline.
    if _BARE_IDENT.fullmatch(name) and name not in reserved_keywords():
        return name
    return '"' + name.replace('"', '""') + '"'


def qualified(schema: str, name: str) -> str:
    return f"{ident(schema)}.{ident(name)}"


def literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return number(value)
    text = str(value)
    if "\0" in text:
        raise ValueError("PostgreSQL text cannot hold a NUL character")
    quoted = "'" + text.replace("'", "''") + "'"
    # E'' keeps backslashes literal whatever standard_conforming_strings says.
    if "\\" in text:
        return "E" + quoted.replace("\\", "\\\\")
    return quoted


def number(value: int | Decimal) -> str:
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"{value} is not a finite number")
    text = str(value) if isinstance(value, int) else format(value, "f")
    return f"({text})" if text.startswith("-") else text


def dollar_quoted(body: str) -> str:
    tag = "$body$"
    counter = 0
    # The lexer ends the string at the first tag it meets after the opening one,
    # so the tag must not appear in the body, nor straddle its end.
    while ("\n" + body + tag).find(tag) != len(body) + 1:
        counter += 1
        tag = f"$body{counter}$"
    # Nothing added between the tags: PostgreSQL stores exactly what stands there, so the body
    # in the database is the body in schema.yaml, byte for byte (and `pull` reads back the same).
    return f"{tag}{body}{tag}"
