"""Functions: signature, body, security settings and EXECUTE grants. A name maps to one function, or to a
list of overloads, each with its own arguments (PostgreSQL knows a function by its name and argument types)."""

from __future__ import annotations

import re

import yaml

from ..errors import excerpt
from . import model as s
from .expressions import arguments_sql
from ..sqltext.fragments import Fragment
from .types import input_types, returns_sql
from .reading import Reader, mapping_keys, split_qualified

FUNCTION_KEYS = {"arguments", "returns", "language", "body", "security_definer", "search_path", "volatility", "revoke_execute_from", "grant_execute_to", "comment",
                 "renamed_from"}
FUNCTION_REQUIRED = {"returns", "language", "body"}
VOLATILITIES = {"volatile": "VOLATILE", "stable": "STABLE", "immutable": "IMMUTABLE"}


def read_functions(r: Reader, node: yaml.Node) -> list[s.Function]:
    result = []
    declared = {split_qualified(key) for key in mapping_keys(node)}
    for key, key_node, value in r.src.items(node, "functions"):
        path = f"functions.{key}"
        schema, name = split_qualified(key)
        r.schema_known(key_node, path, schema)
        if not r.name(key_node, "functions", schema) or not r.name(key_node, "functions", name):
            continue
        still_declared = {n for sc, n in declared if sc == schema}
        if not isinstance(value, yaml.SequenceNode):
            result += _function(r, value, path, schema, name, key_node.start_mark.line + 1, None, still_declared)
            continue
        if not value.value:
            r.src.problem(value, path, "an empty list declares no function",
                          "give each overload as a mapping with its own `arguments:`, or remove the name")
        for i, item in enumerate(value.value):
            result += _function(r, item, f"{path}[{i}]", schema, name, item.start_mark.line + 1, i, still_declared)
    _check_overloads(r, node, result)
    return result


def _function(r: Reader, value: yaml.Node, path: str, schema: str, name: str, line: int, overload: int | None,
              still_declared: set[str]) -> list[s.Function]:
    f = r.src.fields(value, path, FUNCTION_KEYS, FUNCTION_REQUIRED)
    if not FUNCTION_REQUIRED <= f.keys():
        return []
    returns = r.reprinted(f["returns"], f"{path}.returns", returns_sql, "is not a PostgreSQL type",
                          "e.g. trigger, void, uuid, setof public.t, table (id uuid, total numeric)")
    language = r.src.text(f["language"], f"{path}.language")
    body = r.src.text(f["body"], f"{path}.body")
    arguments = r.reprinted(f["arguments"], f"{path}.arguments", arguments_sql, "are not CREATE FUNCTION arguments",
                            "e.g. `p_user uuid, p_limit integer DEFAULT 10`") if "arguments" in f else Fragment("")
    definer = bool(r.src.boolean(f["security_definer"], f"{path}.security_definer")) if "security_definer" in f else False
    search_path = r.src.text(f["search_path"], f"{path}.search_path", allow_null=True) if "search_path" in f else None
    volatility = r.src.choice(f["volatility"], f"{path}.volatility", VOLATILITIES) if "volatility" in f else "VOLATILE"
    revoke = _roles(r, f.get("revoke_execute_from"), f"{path}.revoke_execute_from")
    grant = _roles(r, f.get("grant_execute_to"), f"{path}.grant_execute_to")
    if language is not None and not re.fullmatch(r"[a-z][a-z0-9_]*", language):
        r.src.problem(f["language"], f"{path}.language", f"{excerpt(language)} is not a language name", "e.g. plpgsql or sql")
        language = None
    if definer and search_path is None:
        r.src.problem(value, path, "a SECURITY DEFINER function must pin its search_path",
                      "add `search_path: \"\"` and schema-qualify every name in the body")
    if None in (returns, language, body, volatility, arguments):
        return []
    signature = arguments_sql(f["arguments"].value, with_defaults=False) if arguments else Fragment("")
    return [s.Function(schema, name, arguments, returns, language, body, definer, search_path,
                       volatility, tuple(revoke), tuple(grant), signature,
                       comment=r.comment(f, path), line=line,
                       renamed_from=r.renamed_from(f, path, still_declared, f"a function in schema {schema}", schema),
                       overload=overload, input_types=input_types(signature))]


def _check_overloads(r: Reader, node: yaml.Node, functions: list[s.Function]) -> None:
    """Two overloads of one name with the same input types would be one function: the second replaces the first."""
    first: dict[tuple[str, str, tuple[str, ...]], s.Function] = {}
    for function in functions:
        key = (function.schema, function.name, function.input_types)
        if key not in first:
            first[key] = function
            continue
        earlier = first[key]
        r.src.problem(_node_at(node, function.line), function.key_path,
                      f"has the same argument types ({', '.join(function.input_types)}) as {earlier.key_path} "
                      f"(line {earlier.line}): PostgreSQL knows a function by its name and argument types, so one would replace the other",
                      "change the `arguments:` of one overload (names, OUT arguments and type modifiers do not count), or remove it")


def _node_at(node: yaml.Node, line: int) -> yaml.Node:
    """A node that starts on this line, for the problem's location (the item or the key of the function)."""
    for key_node, value in node.value:
        for candidate in (key_node, *(value.value if isinstance(value, yaml.SequenceNode) else ())):
            if candidate.start_mark.line + 1 == line:
                return candidate
    return node


def overloads_by_name(functions) -> dict[str, list[s.Function]]:
    """schema.name -> its overloads, in the order schema.yaml declares them."""
    grouped: dict[str, list[s.Function]] = {}
    for function in functions:
        grouped.setdefault(function.qualified_name, []).append(function)
    return grouped


def _roles(r: Reader, node: yaml.Node | None, path: str) -> list[str]:
    return [] if node is None else [role for role in r.src.texts(node, path) if r.name(node, path, role)]
