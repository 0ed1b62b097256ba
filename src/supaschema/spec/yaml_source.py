"""Reading YAML as nodes that remember their line, collecting every problem.

PyYAML's `safe_load` forgets where a value came from, keeps the last of two
duplicate keys silently and turns 0.0000375 into a float. We compose nodes
instead and read scalars as the text the user typed.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TypeVar

import yaml

from ..errors import Problem, UserError, clipped, excerpt

T = TypeVar("T")

BOOL_TAG = "tag:yaml.org,2002:bool"
NULL_TAG = "tag:yaml.org,2002:null"
STR_TAG = "tag:yaml.org,2002:str"


# YAML 1.1's plain-scalar spellings of null and of booleans, as PyYAML's SafeLoader resolves them.
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_BOOLS = frozenset("yes Yes YES no No NO true True TRUE false False FALSE on On ON off Off OFF".split())
_PLAIN_TAGS = {**dict.fromkeys(_NULLS, NULL_TAG), **dict.fromkeys(_BOOLS, BOOL_TAG)}


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's composer is ~20x faster, same marks
    """Tells only null and booleans apart from text.

    The readers type every other value themselves (a price stays the text the user typed), so
    PyYAML's regular expressions per scalar for ints, floats and timestamps are wasted: they were
    a third of reading a big schema.yaml.
    """

    def resolve(self, kind, value, implicit, _scalar=yaml.ScalarNode, _plain=_PLAIN_TAGS.get):
        # Called for every scalar of the file (165k for 1,000 tables): one dict lookup, no more.
        if kind is _scalar:
            return _plain(value, STR_TAG) if implicit[0] else STR_TAG
        return super().resolve(kind, value, implicit)


def compose(text: str, filename: str) -> yaml.Node | None:
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        # The context mark is where the broken construct starts (an unclosed '['),
        # which is where the user has to look; the problem mark is where YAML gave up.
        mark = exc.context_mark or exc.problem_mark
        line = mark.line + 1 if mark else 1
        what = " ".join(filter(None, [exc.context, exc.problem]))
        if exc.context_mark and exc.problem_mark and exc.problem_mark.line != exc.context_mark.line:
            what += f" (noticed at line {exc.problem_mark.line + 1})"
        raise UserError(
            Problem(f"{filename}:{line}", f"YAML syntax error: {what}",
                    "check indentation and quoting on this line (quote values that hold ':' or '#')")
        ) from None
    except yaml.YAMLError as exc:
        raise UserError(Problem(filename, f"YAML error: {exc}", "fix the YAML syntax")) from None
    # A tag is written with "!", a NUL only as an escape ("\0", "\x00"), a merge key as "<<": a file without any needs no walk.
    if root is not None and ("!" in text or "\\" in text or "<<" in text) and (problems := _node_problems(root, filename)):
        raise UserError(problems)
    return root


# The YAML core schema. Anything else (!!python/object, !!binary, !custom) is refused, never ignored.
CORE_TAGS = frozenset({STR_TAG, BOOL_TAG, NULL_TAG, *(f"tag:yaml.org,2002:{name}" for name in ("int", "float", "seq", "map"))})


def _node_problems(root: yaml.Node, filename: str) -> list[Problem]:
    # _Loader resolves untagged scalars to null, bool or str only: any other tag was written by the user.
    # A NUL is refused here, once for every field: no PostgreSQL text (name, value, body, comment) can hold one.
    problems, seen, stack = [], set(), [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:  # aliases share nodes, and may even loop
            continue
        seen.add(id(node))
        if node.tag not in CORE_TAGS:
            problems.append(Problem(f"{filename}:{node.start_mark.line + 1}", f"the YAML tag {excerpt(_shorthand(node.tag))} is not allowed",
                                    "remove the tag: schema.yaml takes plain values (strings, numbers, true/false, null, lists, mappings)"))
        if isinstance(node, yaml.ScalarNode) and "\0" in node.value:
            problems.append(Problem(f"{filename}:{node.start_mark.line + 1}", f"{excerpt(node.value)} holds a NUL character (\\0), which PostgreSQL text cannot hold",
                                    "remove the \\0 (or \\x00) escape"))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(item for pair in node.value for item in pair)
            problems += [Problem(f"{filename}:{key.start_mark.line + 1}", "YAML merge keys (<<: *anchor) are not supported: the merged keys would be read as one entry named '<<'",
                                 "write the keys out (an alias of a whole value, key: *anchor, is fine)")
                         for key, _ in node.value if isinstance(key, yaml.ScalarNode) and key.value == "<<" and not key.style]
    return sorted(problems, key=_line_of)


def _shorthand(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


def is_null(node: yaml.Node) -> bool:
    # A quoted "null" is a string (tagged str); libyaml marks plain style '' where PyYAML says None.
    return isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG


def describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == NULL_TAG:
        return "nothing (null)"
    return f"{excerpt(node.value)}"


@dataclass
class Source:
    """One YAML file being read; every `problem` is kept, none raises."""

    filename: str
    problems: list[Problem] = field(default_factory=list)

    def where(self, node: yaml.Node) -> str:
        return f"{self.filename}:{node.start_mark.line + 1}"

    def problem(self, node: yaml.Node, path: str, what: str, fix: str = "") -> None:
        path = ".".join(clipped(part) for part in path.split("."))  # paths hold the user's names
        self.problems.append(Problem(self.where(node), f"{path}: {what}" if path else what, fix))

    def raise_if_any(self) -> None:
        if self.problems:
            raise UserError(sorted(self.problems, key=_line_of))

    # --- shapes -----------------------------------------------------------

    def items(self, node: yaml.Node, path: str) -> Iterator[tuple[str, yaml.Node, yaml.Node]]:
        """Key, key node and value node of a mapping; duplicate keys are reported once each."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, path, f"expected a mapping, found {describe(node)}")
            return
        seen: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node, path, "keys must be plain names")
                continue
            key = key_node.value
            if key in seen:
                self.problem(key_node, path, f"duplicate name {excerpt(key)} (first defined at line {seen[key].start_mark.line + 1})",
                             "remove or rename one of them")
                continue
            seen[key] = key_node
            yield key, key_node, value_node

    def fields(self, node: yaml.Node, path: str, allowed: set[str], required: set[str] = frozenset()) -> dict[str, yaml.Node]:
        """A mapping with a fixed set of keys: unknown keys get a suggestion."""
        found: dict[str, yaml.Node] = {}
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, path, f"expected a mapping, found {describe(node)}")
            return found
        for key, key_node, value_node in self.items(node, path):
            if key not in allowed:
                close = difflib.get_close_matches(key, sorted(allowed), n=1)
                fix = f"did you mean {excerpt(close[0])}?" if close else "valid keys: " + ", ".join(sorted(allowed))
                self.problem(key_node, path, f"unknown key {excerpt(key)}", fix)
                continue
            found[key] = value_node
        for key in sorted(required - found.keys()):
            self.problem(node, path, f"missing required key {excerpt(key)}", f"add `{key}:`")
        return found

    def sequence(self, node: yaml.Node, path: str) -> list[yaml.Node]:
        if isinstance(node, yaml.SequenceNode):
            return list(node.value)
        self.problem(node, path, f"expected a list, found {describe(node)}", "write it as [a, b] or as `- item` lines")
        return []

    def text(self, node: yaml.Node, path: str, *, allow_null: bool = False) -> str | None:
        """A scalar as typed: `0.0025` stays "0.0025", `now()` stays "now()"."""
        if isinstance(node, yaml.ScalarNode):
            if is_null(node):
                if allow_null:
                    return None
                self.problem(node, path, "expected a value, found nothing", "write a value or remove the key")
                return None
            return node.value
        self.problem(node, path, f"expected a single value, found {describe(node)}")
        return None

    def boolean(self, node: yaml.Node, path: str) -> bool | None:
        if isinstance(node, yaml.ScalarNode) and node.tag == BOOL_TAG:
            return node.value.lower() in ("true", "yes", "on")
        self.problem(node, path, f"expected true or false, found {describe(node)}")
        return None

    def texts(self, node: yaml.Node, path: str) -> list[str]:
        """A list of values; a single value counts as a list of one."""
        if isinstance(node, yaml.ScalarNode):
            value = self.text(node, path)
            return [value] if value is not None else []
        result = []
        for i, item in enumerate(self.sequence(node, path)):
            value = self.text(item, f"{path}[{i}]")
            if value is not None:
                result.append(value)
        return result

    def choice(self, node: yaml.Node, path: str, options: dict[str, T]) -> T | None:
        value = self.text(node, path)
        if value is None:
            return None
        key = " ".join(value.lower().split())
        if key in options:
            return options[key]
        self.problem(node, path, f"{excerpt(value)} is not one of: {', '.join(options)}")
        return None


def _line_of(problem: Problem) -> tuple[int, str]:
    _, _, line = problem.where.rpartition(":")
    return (int(line) if line.isdigit() else 0, problem.what)


def closest(name: str, candidates: list[str]) -> str:
    match = difflib.get_close_matches(name, candidates, n=1)
    return f"did you mean {excerpt(match[0])}?" if match else ("known: " + ", ".join(candidates) if candidates else "")



def where_declared(text: str, filename: str, keys: list[str]) -> str:
    """`file:line` of the deepest of these nested mapping keys found (tables > NAME > columns > NAME),
    for a problem found after reading, about something schema.yaml declares."""
    node = compose(text, filename)
    line = None
    for key in keys:
        if not isinstance(node, yaml.MappingNode):
            break
        found = next(((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)
        if found is None:
            break
        line, node = found[0].start_mark.line + 1, found[1]
    return f"{filename}:{line}" if line else filename
