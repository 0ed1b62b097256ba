"""0024 rls_policy_always_true: a write policy for the API roles whose condition is always true."""

from ...catalog import snapshot as snap
from ..model import SECURITY, WARN, Hit, Rule, label, table_anchor

TRUE = ("true", "(true)", "1=1", "(1=1)")


def normalised(expression: str | None) -> str:
    return (expression or "").lower().replace(" ", "").replace("\n", "").replace("\t", "")


def always_true(policy: snap.Policy) -> tuple[bool, bool]:
    """(USING always true, WITH CHECK always true), as splinter decides them for permissive policies."""
    using, check_ = normalised(policy.using), normalised(policy.with_check)
    open_using = policy.command in ("UPDATE", "DELETE", "ALL") and (using in TRUE or policy.using is None)
    open_check = (check_ in TRUE
                  or (policy.with_check is None and policy.command == "INSERT")
                  or (policy.with_check is None and policy.command in ("UPDATE", "ALL") and using in TRUE))
    return open_using, open_check


def check(ctx):
    for table in ctx.all(snap.Table):
        if not table.rls_enabled:
            continue
        for policy in ctx.children(snap.Policy, table):
            if not policy.permissive or not (policy.roles == ("public",) or {"anon", "authenticated"} & set(policy.roles)):
                continue
            open_using, open_check = always_true(policy)
            if open_using or open_check:
                which = ("both USING and WITH CHECK are always true" if open_using and open_check
                         else "USING clause is always true" if open_using else "WITH CHECK clause is always true")
                yield Hit(policy.path, f"Table `{label(table.schema, table.name)}` has an RLS policy `{policy.name}` for "
                                       f"`{policy.command}` that allows unrestricted access ({which}). This effectively "
                                       f"bypasses row-level security for {', '.join(policy.roles)}.",
                          f"rls_policy_always_true_{table.schema}_{table.name}_{policy.name}",
                          {"schema": table.schema, "name": table.name, "type": "table", "policy_name": policy.name,
                           "command": policy.command, "roles": list(policy.roles), "permissive_using": open_using,
                           "permissive_with_check": open_check},
                          table_anchor(table.schema, table.name, "policies", policy.name))


RULE = Rule(
    name="rls_policy_always_true", title="RLS Policy Always True", level=WARN, categories=(SECURITY,),
    description="A write policy whose condition is `true` lets every API user change or delete every row; RLS is on "
                "in name only. (SELECT with `true` is excluded: public reads are often deliberate.)",
    fix="Replace `true` with the real condition, e.g. `(select auth.uid()) = user_id`.",
    fix_yaml="Replace the policy's `using:`/`with_check:` `true` with the real condition, e.g. `(select auth.uid()) = user_id`.",
    check=check, reference="0024_permissive_rls_policy")
