"""0008 rls_enabled_no_policy: RLS on and no policy, so the API roles see nothing."""

from ...catalog import snapshot as snap
from ..model import INFO, SECURITY, Rule, label, relation_hit, table_anchor


def check(ctx):
    for table in ctx.all(snap.Table):
        if table.rls_enabled and not ctx.children(snap.Policy, table):
            yield relation_hit("rls_enabled_no_policy", table,
                               f"Table `{label(table.schema, table.name)}` has RLS enabled, but no policies exist",
                               table_anchor(table.schema, table.name, "rls"))


RULE = Rule(
    name="rls_enabled_no_policy", title="RLS Enabled No Policy", level=INFO, categories=(SECURITY,),
    description="Every query through the API returns no rows; fine for a service-role-only table, a bug otherwise.",
    fix="CREATE POLICY for the roles that should see rows, or revoke the API roles' grants to say the table is private.",
    fix_yaml="Declare `policies:` on the table, or restrict `grants:` to service_role.",
    check=check, reference="0008_rls_enabled_no_policy")
