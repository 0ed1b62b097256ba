"""Functions: signature, body, security settings and EXECUTE grants."""

from __future__ import annotations

import re

import yaml

from ..errors import excerpt
from . import model as s
from .expressions import arguments_sql
from ..sqltext.fragments import Fragment
from .types import returns_sql
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
        f = r.src.fields(value, path, FUNCTION_KEYS, FUNCTION_REQUIRED)
        if not r.name(key_node, "functions", schema) or not r.name(key_node, "functions", name) or not FUNCTION_REQUIRED <= f.keys():
            continue
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
        if None not in (returns, language, body, volatility, arguments):
            signature = arguments_sql(f["arguments"].value, with_defaults=False) if arguments else Fragment("")
            result.append(s.Function(schema, name, arguments, returns, language, body, definer, search_path,
                                     volatility, tuple(revoke), tuple(grant), signature,
                                     comment=r.comment(f, path), line=key_node.start_mark.line + 1,
                                     renamed_from=r.renamed_from(f, path, {n for sc, n in declared if sc == schema},
                                                                 f"a function in schema {schema}")))
    return result


def _roles(r: Reader, node: yaml.Node | None, path: str) -> list[str]:
    return [] if node is None else [role for role in r.src.texts(node, path) if r.name(node, path, role)]
