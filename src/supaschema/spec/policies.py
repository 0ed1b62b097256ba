"""Row-level-security policies of a table."""

from __future__ import annotations

import yaml

from . import model as s
from .reading import Reader, mapping_keys

POLICY_KEYS, POLICY_REQUIRED = {"command", "roles", "as", "using", "with_check", "comment", "renamed_from"}, {"command"}
COMMANDS = {"all": "ALL", "select": "SELECT", "insert": "INSERT", "update": "UPDATE", "delete": "DELETE"}
PERMISSIVENESS = {"permissive": True, "restrictive": False}


def read_policies(r: Reader, node: yaml.Node, path: str, schema: str, table: str, column_names: set[str]) -> list[s.Policy]:
    result = []
    declared = mapping_keys(node)
    for name, key_node, value in r.src.items(node, path):
        ppath = f"{path}.{name}"
        f = r.src.fields(value, ppath, POLICY_KEYS, POLICY_REQUIRED)
        if not r.name(key_node, path, name) or "command" not in f:
            continue
        command = r.src.choice(f["command"], f"{ppath}.command", COMMANDS)
        roles = [x for x in r.src.texts(f["roles"], f"{ppath}.roles") if r.name(f["roles"], f"{ppath}.roles", x)] if "roles" in f else ["public"]
        permissive = r.src.choice(f["as"], f"{ppath}.as", PERMISSIVENESS) if "as" in f else True
        using = r.expression(f["using"], f"{ppath}.using", column_names) if "using" in f else None
        with_check = r.expression(f["with_check"], f"{ppath}.with_check", column_names) if "with_check" in f else None
        if command == "INSERT" and "using" in f:
            r.src.problem(f["using"], f"{ppath}.using", "an INSERT policy has no USING clause", "use with_check")
        if command in ("SELECT", "DELETE") and "with_check" in f:
            r.src.problem(f["with_check"], f"{ppath}.with_check", f"a {command} policy has no WITH CHECK clause", "use using")
        if "using" not in f and "with_check" not in f:
            r.src.problem(value, ppath, "a policy needs `using` or `with_check`", "e.g. using: (select auth.uid()) = user_id")
        if command and permissive is not None:
            result.append(s.Policy(name, schema, table, command, tuple(roles), permissive, using, with_check,
                                   comment=r.comment(f, ppath), line=key_node.start_mark.line + 1,
                                   renamed_from=r.renamed_from(f, ppath, declared, "a policy of this table")))
    return result
