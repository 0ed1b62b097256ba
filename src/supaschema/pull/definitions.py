"""Reading back the definitions PostgreSQL prints (pg_get_constraintdef, pg_get_indexdef, ...).

Their shape is fixed by PostgreSQL's deparser, so a small scanner that knows quotes,
identifiers and parentheses reads them exactly; anything it does not recognise is
reported as a construct schema.yaml cannot express, never guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BARE = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")


class Unsupported(Exception):
    """A definition uses a construct schema.yaml has no words for."""


def closing_paren(text: str, start: int) -> int:
    """Index of the ')' matching the '(' at `start`, skipping quoted text."""
    depth, i = 0, start
    while i < len(text):
        ch = text[i]
        if ch in "'\"":
            end = text.find(ch, i + 1)
            while end != -1 and text.startswith(ch * 2, end):
                end = text.find(ch, end + 2)
            if end == -1:
                break
            i = end + 1
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise Unsupported(f"unbalanced parentheses in {text!r}")


def split_top_level(text: str, sep: str = ",") -> list[str]:
    """Split on `sep` outside parentheses and quotes."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        ch = text[i]
        if ch in "'\"":
            end = text.find(ch, i + 1)
            while end != -1 and text.startswith(ch * 2, end):
                end = text.find(ch, end + 2)
            i = len(text) if end == -1 else end + 1
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
        i += 1
    parts.append(text[start:].strip())
    return [p for p in parts if p]


def read_identifier(text: str, i: int = 0) -> tuple[str, int]:
    """One identifier at `i` (bare or double-quoted) and the index after it."""
    if text.startswith('"', i):
        j = i + 1
        out = []
        while True:
            end = text.find('"', j)
            if end == -1:
                raise Unsupported(f"unterminated identifier in {text!r}")
            out.append(text[j:end])
            if text.startswith('""', end):
                out.append('"')
                j = end + 2
                continue
            return "".join(out), end + 1
    match = _BARE.match(text, i)
    if not match:
        raise Unsupported(f"expected a name at {text[i:i + 30]!r}")
    return match.group(0), match.end()


def read_qualified(text: str, i: int = 0) -> tuple[tuple[str | None, str], int]:
    first, i = read_identifier(text, i)
    if text.startswith(".", i):
        second, i = read_identifier(text, i + 1)
        return (first, second), i
    return (None, first), i


def transition_tables(referencing: str) -> dict[str, str]:
    """"OLD TABLE AS a NEW TABLE AS b" (as the catalog reads a trigger's REFERENCING) -> schema.yaml's keys."""
    result, i = {}, 0
    for side in ("OLD", "NEW"):
        prefix = f"{side} TABLE AS "
        if referencing.startswith(prefix, i):
            result[f"{side.lower()}_table"], i = read_identifier(referencing, i + len(prefix))
            i += 1  # the space before NEW
    return result


def identifier_list(text: str) -> list[str]:
    """`a, "B c", d` -> names; anything else (expressions, options) is unsupported."""
    names = []
    for part in split_top_level(text):
        name, end = read_identifier(part)
        if part[end:].strip():
            raise Unsupported(f"{part!r} is not a plain column")
        names.append(name)
    return names


def strip_parens(text: str) -> str:
    """`((a >= 0))` -> `a >= 0`: only parentheses that wrap the whole text."""
    text = text.strip()
    while text.startswith("(") and closing_paren(text, 0) == len(text) - 1:
        text = text[1:-1].strip()
    return text


@dataclass(frozen=True, slots=True)
class ForeignKeyDef:
    columns: list[str]
    ref_schema: str
    ref_table: str
    ref_columns: list[str]
    on_update: str
    on_delete: str


_FK_ACTIONS = ("NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT")


def foreign_key(definition: str) -> ForeignKeyDef:
    """`FOREIGN KEY (a) REFERENCES s.t(b) ON UPDATE x ON DELETE y`."""
    if not definition.startswith("FOREIGN KEY ("):
        raise Unsupported(definition)
    close = closing_paren(definition, len("FOREIGN KEY "))
    columns = identifier_list(definition[len("FOREIGN KEY ("):close])
    rest = definition[close + 1:]
    if not rest.startswith(" REFERENCES "):
        raise Unsupported(definition)
    (schema, table), i = read_qualified(rest, len(" REFERENCES "))
    if not rest.startswith("(", i):
        raise Unsupported(definition)
    close = closing_paren(rest, i)
    ref_columns = identifier_list(rest[i + 1:close])
    tail = rest[close + 1:].strip()
    actions = {"UPDATE": "NO ACTION", "DELETE": "NO ACTION"}
    while tail:
        match = re.match(r"ON (UPDATE|DELETE) (" + "|".join(_FK_ACTIONS) + r")(?=$| )", tail)
        if not match:
            raise Unsupported(f"foreign key option {tail!r}")
        actions[match.group(1)] = match.group(2)
        tail = tail[match.end():].strip()
    return ForeignKeyDef(columns, schema or "public", table, ref_columns, actions["UPDATE"], actions["DELETE"])


def unique_columns(definition: str) -> list[str]:
    match = re.fullmatch(r"(?:UNIQUE|PRIMARY KEY) \((.*)\)", definition)
    if not match:
        raise Unsupported(definition)
    return identifier_list(match.group(1))


def check_expression(definition: str) -> str:
    if not definition.startswith("CHECK (") or definition.endswith("NO INHERIT"):
        raise Unsupported(definition)
    close = closing_paren(definition, len("CHECK "))
    if close != len(definition) - 1:
        raise Unsupported(definition)
    return strip_parens(definition[len("CHECK "):])


@dataclass(frozen=True, slots=True)
class IndexDef:
    unique: bool
    method: str
    columns: list[tuple[str, bool]]  # (column, descending)
    where: str | None


def index(definition: str) -> IndexDef:
    """`CREATE [UNIQUE] INDEX name ON s.t USING m (a, b DESC) [WHERE (p)]`."""
    match = re.match(r"CREATE (UNIQUE )?INDEX ", definition)
    if not match:
        raise Unsupported(definition)
    _, i = read_identifier(definition, match.end())
    if not definition.startswith(" ON ", i):
        raise Unsupported(definition)
    i += len(" ON ")
    if definition.startswith("ONLY ", i):
        raise Unsupported("an index ON ONLY a partitioned table")
    _, i = read_qualified(definition, i)
    using = re.match(r" USING (\w+) \(", definition[i:])
    if not using:
        raise Unsupported(definition)
    start = i + using.end() - 1
    close = closing_paren(definition, start)
    columns = []
    for item in split_top_level(definition[start + 1:close]):
        name, end = read_identifier(item)
        order = item[end:].strip()
        if order not in ("", "DESC"):
            raise Unsupported(f"index column {item!r} (expressions, operator classes, NULLS FIRST/LAST)")
        columns.append((name, order == "DESC"))
    tail = definition[close + 1:].strip()
    where = None
    if tail.startswith("WHERE "):
        where = strip_parens(tail[len("WHERE "):])
    elif tail:
        raise Unsupported(f"index option {tail!r}")
    return IndexDef(bool(match.group(1)), using.group(1), columns, where)
