"""0003 auth_rls_initplan: auth.<function>() or current_setting() evaluated once per row in a policy."""

import re

from ..model import PERFORMANCE, WARN, Rule, policy_hit

AUTH_CALLS = ("auth.uid()", "auth.jwt()", "auth.role()", "auth.email()")
# splinter's LIKE patterns, as regular expressions ('%' matches across lines too).
SETTING = re.compile(r"current_setting\(.*\)", re.S)
SETTING_IN_SELECT = re.compile(r"select current_setting\(.*\)", re.S)


def reevaluated(expression: str | None) -> bool:
    if expression is None:
        return False
    lower = expression.lower()
    if any(call in expression and f"select {call}" not in lower for call in AUTH_CALLS):
        return True
    return bool(SETTING.search(expression)) and not SETTING_IN_SELECT.search(lower)


def check(ctx):
    for table, policy in ctx.policies_where(reevaluated, rls_enabled_only=True):
        yield policy_hit("auth_rls_init_plan", table, policy,
                         "re-evaluates current_setting() or auth.<function>() for each row")


RULE = Rule(
    name="auth_rls_initplan", title="Auth RLS Initialization Plan", level=WARN, categories=(PERFORMANCE,),
    description="A bare auth.uid() (or auth.jwt(), current_setting()) in a policy runs once per row; wrapped in a "
                "sub-select PostgreSQL runs it once per statement.",
    fix="Write `(select auth.uid())` instead of `auth.uid()` in the policy's USING and WITH CHECK.",
    fix_yaml="In the policy's `using:`/`with_check:`, write `(select auth.uid())` instead of `auth.uid()`.",
    check=check, reference="0003_auth_rls_initplan")
