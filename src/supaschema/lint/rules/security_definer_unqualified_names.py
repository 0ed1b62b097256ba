"""supaschema's own: a SECURITY DEFINER function with a non-empty search_path that uses unqualified relation
names. function_search_path_mutable is satisfied, yet a caller's temporary table (pg_temp is searched first
for relations unless listed) or an object in a writable schema on the path can stand in for the real one."""

from ...catalog import snapshot as snap
from ..body_text import unqualified_relations
from ..model import SECURITY, WARN, Hit, Rule, function_anchor, label

EMPTY = ('search_path=""', "search_path=''", "search_path=")


def check(ctx):
    for function in ctx.all(snap.Function):
        path_settings = [s for s in function.config if s.startswith("search_path=")]
        if not function.security_definer or not path_settings or path_settings[0] in EMPTY:
            continue
        if function.language.lower() not in ("plpgsql", "sql"):
            continue
        names = unqualified_relations(function.body)
        if names:
            yield Hit(function.path, f"Function `{label(function.schema, function.name)}` is SECURITY DEFINER with "
                                     f"`{path_settings[0]}` and uses unqualified name(s): {', '.join(names)}.",
                      f"security_definer_unqualified_names_{function.schema}_{function.name}_{function.signature}",
                      {"schema": function.schema, "name": function.name, "type": "function", "unqualified": names},
                      function_anchor(function))


RULE = Rule(
    name="security_definer_unqualified_names", title="SECURITY DEFINER Function Uses Unqualified Names",
    level=WARN, categories=(SECURITY,), source="supaschema",
    description="A privileged function that looks names up on a search_path can be made to read or write a "
                "caller's temporary table, or an object planted in a writable schema on that path.",
    fix="SET search_path = '' on the function and write every relation as schema.name.",
    fix_yaml="Set `search_path: \"\"` on the function and schema-qualify every table in its `body:`.",
    check=check)
