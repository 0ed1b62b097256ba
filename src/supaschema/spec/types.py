"""Column types, function results and argument lists: a small strict grammar, parsed into a tree and re-printed.

Nothing of what the user wrote is pasted into SQL: the text is lexed into words,
quoted names, integers and a few punctuation marks (anything else is refused),
parsed into `TypeName`/`Argument` trees, and printed from those. Bare words are
lowercased (PostgreSQL folds them anyway), user-defined and schema-qualified
names go through identifier quoting, so `numeric(12,8)`, `timestamptz`,
`extensions.citext`, `"MyType"[]` and `setof public.t` print as canonical SQL,
and `text); DROP TABLE x; --` does not parse. sqlglot is not used: its DataType
round trip is lossy (`bit varying(3)` becomes `BIT`) and it rejects `citext`,
`tsvector` and user types.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..sqltext.fragments import Fragment
from ..sqltext.quoting import ident

_TOKEN = re.compile(r'[ \t\n\r\f\v]+|(?P<word>[A-Za-z_][A-Za-z0-9_$]*)|(?P<quoted>"(?:[^"]|"")+")|(?P<int>-?[0-9]+)|(?P<punct>[(),\[\].])')

# SQL-standard type names that the grammar spells as keywords (they may stand bare although reserved as column names).
_KEYWORD_TYPES = {"bigint", "bit", "boolean", "char", "character", "dec", "decimal", "float", "int", "integer",
                  "interval", "nchar", "numeric", "real", "smallint", "time", "timestamp", "varchar"}
_PHRASES = [("national", "character", "varying"), ("double", "precision"), ("character", "varying"),
            ("char", "varying"), ("bit", "varying"), ("national", "character"), ("nchar", "varying")]
_ZONED = {"time", "timestamp"}
MODES = ("in", "out", "inout", "variadic")


class TypeSyntaxError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # word | quoted | int | punct
    text: str  # words lowercased, quoted names unquoted


@dataclass(frozen=True, slots=True)
class TypeName:
    schema: str | None
    name: str
    keyword: bool  # a built-in spelled with keywords (printed bare), else a name (printed through ident)
    modifiers: tuple[int, ...] = ()
    time_zone: str | None = None  # "with" | "without"
    arrays: tuple[int | None, ...] = ()

    def sql(self) -> str:
        text = self.name if self.keyword else ident(self.name)
        if self.schema is not None:
            text = f"{ident(self.schema)}.{text}"
        if self.modifiers:
            text += "(" + ",".join(str(m) for m in self.modifiers) + ")"
        if self.time_zone:
            text += f" {self.time_zone} time zone"
        return text + "".join(f"[{'' if n is None else n}]" for n in self.arrays)


def lex(text: str) -> list[Token]:
    tokens, pos = [], 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match:
            raise TypeSyntaxError(f"unexpected {text[pos]!r} at character {pos + 1}")
        pos = match.end()
        if match.group("word"):
            tokens.append(Token("word", match.group("word").lower()))
        elif match.group("quoted"):
            tokens.append(Token("quoted", match.group("quoted")[1:-1].replace('""', '"')))
        elif match.lastgroup:
            tokens.append(Token(match.lastgroup, match.group(match.lastgroup)))
    return tokens


class _Parser:
    def __init__(self, tokens: list[Token]):
        self.tokens, self.pos = tokens, 0

    def peek(self, offset: int = 0) -> Token | None:
        i = self.pos + offset
        return self.tokens[i] if i < len(self.tokens) else None

    def at(self, kind: str, text: str | None = None, offset: int = 0) -> bool:
        token = self.peek(offset)
        return token is not None and token.kind == kind and (text is None or token.text == text)

    def take(self, kind: str, text: str | None = None) -> Token:
        token = self.peek()
        if not self.at(kind, text):
            found = "the end" if token is None else repr(token.text)
            raise TypeSyntaxError(f"expected {text or ('a ' + kind)} but found {found}")
        self.pos += 1
        return token

    def name(self) -> Token:
        if self.at("word") or self.at("quoted"):
            return self.take(self.peek().kind)
        self.take("word")  # raises with what was found
        raise AssertionError

    def type_name(self) -> TypeName:
        first = self.name()
        if self.at("punct", "."):
            self.pos += 1
            base = TypeName(first.text, self.name().text, keyword=False)
        elif first.kind == "word":
            base = self._bare(first.text)
        else:
            base = TypeName(None, first.text, keyword=False)
        modifiers = self._modifiers()
        time_zone = None
        if base.keyword and base.name in _ZONED and self.at("word") and self.peek().text in ("with", "without"):
            time_zone = self.take("word").text
            self.take("word", "time")
            self.take("word", "zone")
        arrays = []
        while self.at("punct", "["):
            self.pos += 1
            arrays.append(int(self.take("int").text) if self.at("int") else None)
            self.take("punct", "]")
        return TypeName(base.schema, base.name, base.keyword, modifiers, time_zone, tuple(arrays))

    def _bare(self, word: str) -> TypeName:
        for phrase in _PHRASES:
            if all(self.at("word", w, i - 1) for i, w in enumerate(phrase)) and phrase[0] == word:
                self.pos += len(phrase) - 1
                return TypeName(None, " ".join(phrase), keyword=True)
        return TypeName(None, word, keyword=word in _KEYWORD_TYPES)

    def _modifiers(self) -> tuple[int, ...]:
        if not self.at("punct", "("):
            return ()
        self.pos += 1
        values = [int(self.take("int").text)]
        while self.at("punct", ","):
            self.pos += 1
            values.append(int(self.take("int").text))
        self.take("punct", ")")
        return tuple(values)

    def end(self) -> None:
        if self.peek() is not None:
            raise TypeSyntaxError(f"unexpected {self.peek().text!r} after the type")


def parse_type(text: str) -> TypeName:
    parser = _Parser(lex(text))
    result = parser.type_name()
    parser.end()
    return result


# Schemas repeat a handful of types over thousands of columns: parse each spelling once.
@lru_cache(maxsize=4096)
def type_sql(text: str) -> Fragment:
    """A column type, re-printed; raises TypeSyntaxError."""
    return Fragment(parse_type(text).sql())


def returns_sql(text: str) -> Fragment:
    """A function's RETURNS clause: a type, `setof <type>`, or `table (<name> <type>, ...)`."""
    parser = _Parser(lex(text))
    if parser.at("word", "setof"):
        parser.pos += 1
        printed = "setof " + parser.type_name().sql()
    elif parser.at("word", "table") and parser.at("punct", "(", 1):
        parser.pos += 2
        columns = []
        while True:
            columns.append(f"{ident(parser.name().text)} {parser.type_name().sql()}")
            if not parser.at("punct", ","):
                break
            parser.pos += 1
        parser.take("punct", ")")
        printed = "TABLE (" + ", ".join(columns) + ")"
    else:
        printed = parser.type_name().sql()
    parser.end()
    return Fragment(printed)


def argument_head_sql(text: str) -> str:
    """`[mode] [name] type` of one argument, re-printed; a lone type wins when the words allow both readings."""
    tokens = lex(text)
    mode = ""
    if tokens and tokens[0].kind == "word" and tokens[0].text in MODES and len(tokens) > 1:
        mode, tokens = tokens[0].text + " ", tokens[1:]
    try:
        return mode + _whole_type(tokens).sql()
    except TypeSyntaxError:
        pass
    if not tokens or tokens[0].kind not in ("word", "quoted"):
        raise TypeSyntaxError("expected an argument name or type")
    return f"{mode}{ident(tokens[0].text)} {_whole_type(tokens[1:]).sql()}"


def _whole_type(tokens: list[Token]) -> TypeName:
    parser = _Parser(tokens)
    result = parser.type_name()
    parser.end()
    return result


# How PostgreSQL names the same input type in other words; function arguments ignore modifiers too.
_TYPE_ALIASES = {"int": "integer", "int4": "integer", "int8": "bigint", "int2": "smallint", "bool": "boolean",
                 "float8": "double precision", "float": "double precision", "float4": "real", "decimal": "numeric",
                 "dec": "numeric", "varchar": "character varying", "char varying": "character varying",
                 "char": "character", "bpchar": "character", "timestamptz": "timestamp with time zone",
                 "timetz": "time with time zone"}


def input_types(signature: str) -> tuple[str, ...]:
    """The input argument types of a printed signature (`p_user uuid, out total numeric`), each in one
    spelling of its type, close to how PostgreSQL prints them: what tells two overloads apart (PostgreSQL
    ignores names, OUT arguments and modifiers there). Best effort beyond the aliases above (a type
    named through a search_path, a domain): PostgreSQL resolves the rest."""
    pieces: list[list[Token]] = [[]]
    depth = 0
    for token in lex(signature):
        if token.kind == "punct" and token.text == "," and depth == 0:
            pieces.append([])
            continue
        depth += (token.kind, token.text) == ("punct", "(")
        depth -= (token.kind, token.text) == ("punct", ")")
        pieces[-1].append(token)
    result = []
    for tokens in pieces if signature.strip() else []:
        if tokens and tokens[0].kind == "word" and tokens[0].text in MODES and len(tokens) > 1:
            if tokens[0].text == "out":
                continue
            tokens = tokens[1:]
        try:
            type_name = _whole_type(tokens)
        except TypeSyntaxError:
            type_name = _whole_type(tokens[1:])
        result.append(_type_identity(type_name))
    return tuple(result)


def _type_identity(t: TypeName) -> str:
    name = _TYPE_ALIASES.get(t.name, t.name) if t.schema in (None, "pg_catalog") else t.name
    if name in _ZONED:  # as PostgreSQL prints them (format_type): the zone always said
        name += " with time zone" if t.time_zone == "with" else " without time zone"
    schema = None if t.schema in ("public", "pg_catalog") else t.schema
    return (f"{schema}.{name}" if schema else name) + "[]" * len(t.arrays)
