"""0028/0029 anon_ and authenticated_security_definer_function_executable: a SECURITY DEFINER function in an
exposed schema that an API role may call through /rest/v1/rpc. One rule per role, as in splinter."""

from functools import partial

from ...catalog import snapshot as snap
from ..model import SECURITY, WARN, Hit, Rule, function_anchor, label


def check(role: str, ctx):
    for function in ctx.all(snap.Function):
        if function.security_definer and ctx.exposed(function.schema) and ctx.can(role, "EXECUTE", function.path):
            name = label(function.schema, function.name)
            yield Hit(function.path, f"Function `{name}({function.signature})` can be executed by the `{role}` role as a "
                                     f"`SECURITY DEFINER` function via `/rest/v1/rpc/{function.name}`.",
                      f"{role}_security_definer_function_executable_{function.schema}_{function.name}_{function.signature}",
                      {"schema": function.schema, "name": function.name, "arguments": function.signature,
                       "language": function.language, "security_definer": True}, function_anchor(function))


def rule(role: str, who: str, number: str) -> Rule:
    return Rule(
        name=f"{role}_security_definer_function_executable",
        title=f"{who} Can Execute SECURITY DEFINER Function", level=WARN, categories=(SECURITY,),
        description=f"A SECURITY DEFINER function runs with its owner's rights and bypasses RLS; `{role}` may call it "
                    f"through the Data API.",
        fix=f"REVOKE EXECUTE ON FUNCTION ... FROM PUBLIC, {role}; or make it SECURITY INVOKER.",
        fix_yaml="Add `revoke_execute_from: [public, anon, authenticated]` to the function (or drop `security_definer`).",
        check=partial(check, role), reference=f"{number}_{role}_security_definer_function_executable")


RULES = (rule("anon", "Public", "0028"), rule("authenticated", "Signed-In Users", "0029"))
