"""0011 function_search_path_mutable: a function that resolves names through the caller's search_path."""

import hashlib

from ...catalog import snapshot as snap
from ..model import SECURITY, WARN, Hit, Rule, function_anchor, label


def check(ctx):
    for function in ctx.all(snap.Function):
        if not any(setting.startswith("search_path=") for setting in function.config):
            digest = hashlib.md5(function.body.encode()).hexdigest()  # splinter's key: overloads share a name
            yield Hit(function.path, f"Function `{label(function.schema, function.name)}` has a role mutable search_path",
                      f"function_search_path_mutable_{function.schema}_{function.name}_{digest}",
                      {"schema": function.schema, "name": function.name, "type": "function"}, function_anchor(function))


RULE = Rule(
    name="function_search_path_mutable", title="Function Search Path Mutable", level=WARN, categories=(SECURITY,),
    description="Names in the body resolve through whatever search_path the caller set, so a caller can make the "
                "function use objects of its own.",
    fix="ALTER FUNCTION ... SET search_path = '' and schema-qualify every name in the body.",
    fix_yaml="Add `search_path: \"\"` to the function and schema-qualify every name in its body.",
    check=check, reference="0011_function_search_path_mutable")
