"""0015 rls_references_user_metadata: a policy trusting user_metadata, which users edit themselves."""

import re

from ..model import ERROR, SECURITY, Rule, policy_hit

# splinter's LIKE patterns, as regular expressions.
PATTERNS = (re.compile(r"auth\.jwt\(\).*user_metadata", re.S),
            re.compile(r"current_setting\(.*request\.jwt\.claims.*\).*user_metadata", re.S))


def references(expression: str | None) -> bool:
    return expression is not None and any(p.search(expression) for p in PATTERNS)


def check(ctx):
    for table, policy in ctx.policies_where(references):
        yield policy_hit("rls_references_user_metadata", table, policy, "references Supabase Auth `user_metadata`")


RULE = Rule(
    name="rls_references_user_metadata", title="RLS references user metadata", level=ERROR, categories=(SECURITY,),
    description="Users can write their own user_metadata, so a policy that trusts it lets them grant themselves access.",
    fix="Base the policy on app_metadata (set only by the server) or on a table the user cannot write.",
    fix_yaml="In the policy's `using:`/`with_check:`, read `app_metadata` (or a lookup table) instead of `user_metadata`.",
    check=check, reference="0015_rls_references_user_metadata")
