"""A deterministic YAML writer for schema.yaml, shaped like one written by hand.

Mappings in block style, short mappings (a simple column) on one flow-style line,
scalars plain only where YAML reads them back as the same text, else double-quoted
with escapes, and multi-line bodies as literal blocks. Every value round-trips
through supaschema's own loader byte for byte (tests/test_pull.py checks it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

# Text YAML would read as something else (null, a boolean), or that starts like YAML syntax.
_SPECIAL = frozenset("~ null Null NULL yes Yes YES no No NO true True TRUE false False FALSE on On ON off Off OFF y Y n N".split())
_PLAIN_BLOCK = re.compile(r"[A-Za-z0-9_(][A-Za-z0-9_ .()<>=+*/,;:'\-\[\]{}\"|]*")
_PLAIN_FLOW = re.compile(r"[A-Za-z0-9_(][A-Za-z0-9_ .()<>=+*/;'\-\"]*")
# PyYAML reads only these characters unescaped (its "printable" set), and breaks lines on \x85, \u2028, \u2029.
_UNPRINTABLE = re.compile("[^\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029\ufeff]")
FLOW_WIDTH = 110
# YAML 1.2's core schema reads these as numbers where PyYAML (YAML 1.1) reads text: other tools would not.
_YAML_12_NUMBER = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")
_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")
_RESOLVER = yaml.resolver.Resolver()


@dataclass(frozen=True, slots=True)
class Flow:
    """A mapping or list to write on one line, when it fits."""

    value: dict | list


@dataclass(frozen=True, slots=True)
class Quoted:
    """Text to quote even where plain would do (a version looks like a number)."""

    text: str


@dataclass(frozen=True, slots=True)
class Number:
    """A number column's value: plain (`0.0025`, as written by hand) when it is a plain decimal."""

    text: str


@dataclass(frozen=True, slots=True)
class Comment:
    text: str


def scalar(value: object, flow: bool = False) -> str:
    if isinstance(value, Quoted):
        return quoted(value.text)
    if isinstance(value, Number):
        return value.text if _DECIMAL.fullmatch(value.text) else scalar(value.text, flow)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    pattern = _PLAIN_FLOW if flow else _PLAIN_BLOCK
    if (pattern.fullmatch(text) and text not in _SPECIAL and not text.endswith(" ")
            and ": " not in text and " #" not in text and not text.endswith(":")
            and (not text[0].isdigit() or reads_as_text(text))):  # the plain patterns start no other number, date, merge key
        return text
    return quoted(text)


def reads_as_text(plain: str) -> bool:
    """Any YAML reader takes this plain scalar as the same string: not 0x10, 012, 1_000, 12:30, 2001-12-14, 1e3."""
    return (_RESOLVER.resolve(yaml.ScalarNode, plain, (True, False)) == "tag:yaml.org,2002:str"
            and not _YAML_12_NUMBER.fullmatch(plain))


def quoted(text: str) -> str:
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")
    return '"' + _UNPRINTABLE.sub(lambda m: _escape(m.group(0)), out) + '"'


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _block_literal(text: str, indent: str) -> str | None:
    """`|` block for a multi-line body, when YAML keeps it byte for byte."""
    if "\n" not in text.rstrip("\n") or _UNPRINTABLE.search(text.replace("\n", "")) or "\t" in text:
        return None
    if any(line.endswith(" ") for line in text.split("\n")):
        return None  # trailing spaces survive a literal block, but editors strip them: quote instead
    stripped = text.rstrip("\n")
    chomp = "-" if not text.endswith("\n") else ("" if len(text) - len(stripped) == 1 else "+")
    # YAML takes the indentation from the first line that has text: if that one starts with a
    # space, say how deep the block is, or its leading spaces would be lost.
    first = next(line for line in stripped.split("\n") if line)
    header = "|" + ("2" if first.startswith(" ") else "") + chomp
    if not stripped.strip():
        return None
    body = "\n".join((indent + "  " + line) if line else "" for line in (text[:-1] if chomp == "+" else stripped).split("\n"))
    return header + "\n" + body


def _flow(value: object) -> str:
    if isinstance(value, Flow):
        value = value.value
    if isinstance(value, dict):
        return "{" + ", ".join(f"{scalar(k, True)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return scalar(value, True)


def dump(document: dict) -> str:
    lines: list[str] = []
    _mapping(document, "", lines)
    return "\n".join(lines) + "\n"


def _mapping(mapping: dict, indent: str, lines: list[str]) -> None:
    for key, value in mapping.items():
        if isinstance(value, Comment):
            lines.append(f"{indent}# {value.text}")
            continue
        _entry(f"{indent}{scalar(key)}:", value, indent, lines)


def _entry(head: str, value: object, indent: str, lines: list[str]) -> None:
    if isinstance(value, Flow):
        text = _flow(value.value)
        if len(head) + 1 + len(text) <= FLOW_WIDTH:
            lines.append(f"{head} {text}")
            return
        # Too long for one line: one line per entry instead, each still on one line where it fits.
        value = ({k: Flow(v) if isinstance(v, (dict, list)) and v else v for k, v in value.value.items()}
                 if isinstance(value.value, dict) else value.value)
    if isinstance(value, dict):
        if not value:
            lines.append(f"{head} {{}}")
            return
        lines.append(head)
        _mapping(value, indent + "  ", lines)
    elif isinstance(value, (list, tuple)):
        if not value:
            lines.append(f"{head} []")
            return
        lines.append(head)
        for item in value:
            _item(item, indent + "  ", lines)
    elif isinstance(value, str) and (block := _block_literal(value, indent)) is not None:
        lines.append(f"{head} {block}")
    else:
        lines.append(f"{head} {scalar(value)}")


def _item(item: object, indent: str, lines: list[str]) -> None:
    if isinstance(item, Flow):
        lines.append(f"{indent}- {_flow(item.value)}")
    elif isinstance(item, dict):
        first = True
        for key, value in item.items():
            _entry(f"{indent}{'- ' if first else '  '}{scalar(key)}:", value, indent + "  ", lines)
            first = False
    elif isinstance(item, (list, tuple)):
        lines.append(f"{indent}- {_flow(item)}")
    else:
        lines.append(f"{indent}- {scalar(item)}")
