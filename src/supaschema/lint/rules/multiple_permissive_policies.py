"""0006 multiple_permissive_policies: several permissive policies for one role and one action."""

from ...catalog import snapshot as snap
from ..model import PERFORMANCE, WARN, Hit, Rule, label, table_anchor

ACTIONS = {"ALL": ("SELECT", "INSERT", "UPDATE", "DELETE")}
# Roles a policy for PUBLIC reaches through the Data API. splinter expands PUBLIC to every role of the
# cluster without BYPASSRLS; we know the API roles only (service_role bypasses RLS).
PUBLIC_REACHES = ("anon", "authenticated")
BYPASSING = {"service_role", "postgres", "supabase_admin"}


def roles_of(policy: snap.Policy) -> set[str]:
    roles = set()
    for role in policy.roles:
        roles.update(PUBLIC_REACHES if role == "public" else (role,))
    return {r for r in roles if r not in BYPASSING and not r.startswith("pg_")
            and not (r.startswith("supabase") and r.endswith("admin"))}


def check(ctx):
    for table in ctx.all(snap.Table):
        by_role_action: dict[tuple[str, str], list[str]] = {}
        for policy in ctx.children(snap.Policy, table):
            if policy.permissive:
                for role in roles_of(policy):
                    for action in ACTIONS.get(policy.command, (policy.command,)):
                        by_role_action.setdefault((role, action), []).append(policy.name)
        for (role, action), names in sorted(by_role_action.items()):
            if len(names) > 1:
                yield Hit(table.path, f"Table `{label(table.schema, table.name)}` has multiple permissive policies for "
                                      f"role `{role}` for action `{action}`. Policies include {', '.join(sorted(names))}",
                          f"multiple_permissive_policies_{table.schema}_{table.name}_{role}_{action}",
                          {"schema": table.schema, "name": table.name, "type": "table", "role": role, "action": action,
                           "policies": sorted(names)}, table_anchor(table.schema, table.name, "policies"))


RULE = Rule(
    name="multiple_permissive_policies", title="Multiple Permissive Policies", level=WARN, categories=(PERFORMANCE,),
    description="PostgreSQL evaluates every permissive policy for each row and ORs them, so each extra policy for the "
                "same role and action costs time on every query.",
    fix="Merge the policies for that role and action into one (conditions joined with OR).",
    fix_yaml="Merge those `policies:` of the table into one whose `using:` joins their conditions with `or`.",
    check=check, reference="0006_multiple_permissive_policies")
