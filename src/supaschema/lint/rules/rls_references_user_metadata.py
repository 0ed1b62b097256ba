"""0015 rls_references_user_metadata: a policy trusting user_metadata, which users edit themselves."""

import re

from ...catalog import snapshot as snap
from ..model import ERROR, SECURITY, Hit, Rule, label, table_anchor

# splinter's LIKE patterns, as regular expressions.
PATTERNS = (re.compile(r"auth\.jwt\(\).*user_metadata", re.S),
            re.compile(r"current_setting\(.*request\.jwt\.claims.*\).*user_metadata", re.S))


def references(expression: str | None) -> bool:
    return expression is not None and any(p.search(expression) for p in PATTERNS)


def check(ctx):
    for table in ctx.all(snap.Table):
        for policy in ctx.children(snap.Policy, table):
            if references(policy.using) or references(policy.with_check):
                yield Hit(policy.path, f"Table `{label(table.schema, table.name)}` has a row level security policy "
                                       f"`{policy.name}` that references Supabase Auth `user_metadata`.",
                          f"rls_references_user_metadata_{table.schema}_{table.name}_{policy.name}",
                          {"schema": table.schema, "name": table.name, "type": "table", "policy": policy.name},
                          table_anchor(table.schema, table.name, "policies", policy.name))


RULE = Rule(
    name="rls_references_user_metadata", title="RLS references user metadata", level=ERROR, categories=(SECURITY,),
    description="Users can write their own user_metadata, so a policy that trusts it lets them grant themselves access.",
    fix="Base the policy on app_metadata (set only by the server) or on a table the user cannot write.",
    fix_yaml="In the policy's `using:`/`with_check:`, read `app_metadata` (or a lookup table) instead of `user_metadata`.",
    check=check, reference="0015_rls_references_user_metadata")
