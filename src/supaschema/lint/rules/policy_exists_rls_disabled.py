"""0007 policy_exists_rls_disabled: policies that do nothing, because RLS is off on their table."""

from ...catalog import snapshot as snap
from ..model import ERROR, SECURITY, Rule, label, relation_hit, table_anchor


def check(ctx):
    for table in ctx.all(snap.Table):
        policies = sorted(p.name for p in ctx.children(snap.Policy, table))
        if policies and not table.rls_enabled:
            yield relation_hit("policy_exists_rls_disabled", table,
                               f"Table `{label(table.schema, table.name)}` has RLS policies but RLS is not enabled on the "
                               f"table. Policies include {', '.join(policies)}.", table_anchor(table.schema, table.name, "rls"))


RULE = Rule(
    name="policy_exists_rls_disabled", title="Policy Exists RLS Disabled", level=ERROR, categories=(SECURITY,),
    description="The table's policies look like protection but are ignored: with RLS off every role with a grant "
                "sees every row.",
    fix="ALTER TABLE ... ENABLE ROW LEVEL SECURITY (or drop the policies if the table is meant to be open).",
    fix_yaml="Set `rls: {enabled: true}` on the table.",
    check=check, reference="0007_policy_exists_rls_disabled")
