"""supaschema's own: anon or authenticated may INSERT, UPDATE or DELETE on an RLS table that has no policy for
that command. RLS denies the write today, so the grant is either dead (one permissive policy away from an open
table) or a missing policy (the feature is broken)."""

from ...catalog import snapshot as snap
from ..model import API_ROLES, SECURITY, WARN, Rule, label, relation_hit, table_anchor

WRITES = ("INSERT", "UPDATE", "DELETE")


def covered(policies: list[snap.Policy], role: str, command: str) -> bool:
    return any(p.permissive and p.command in (command, "ALL") and (role in p.roles or "public" in p.roles)
               for p in policies)


def check(ctx):
    for table in ctx.all(snap.Table):
        if not table.rls_enabled or not ctx.exposed(table.schema):
            continue
        policies = ctx.children(snap.Policy, table)
        bare = [f"{command} to {role}" for role in API_ROLES for command in WRITES
                if ctx.can(role, command, table.path) and not covered(policies, role, command)]
        if bare:
            yield relation_hit("write_grant_without_policy", table,
                               f"Table `{label(table.schema, table.name)}` grants {', '.join(bare)} with no policy for "
                               f"that command.", table_anchor(table.schema, table.name, "grants"), grants=bare)


RULE = Rule(
    name="write_grant_without_policy", title="Write Grant Without Policy", level=WARN, categories=(SECURITY,),
    source="supaschema",
    description="A write privilege no policy backs is dead today and becomes an open door the day someone adds a "
                "broad policy; least privilege means granting only what a policy governs.",
    fix="REVOKE the privilege from the role, or CREATE POLICY for that command.",
    fix_yaml="Declare the table's `grants:` for anon/authenticated with only the commands its `policies:` cover.",
    check=check)
