"""0013 rls_disabled_in_public: a table the Data API can read, with row-level security off."""

from ...catalog import snapshot as snap
from ..model import ERROR, SECURITY, Rule, label, relation_hit, table_anchor


def check(ctx):
    for table in ctx.all(snap.Table):
        if ctx.open_to_api(table):
            yield relation_hit("rls_disabled_in_public", table,
                               f"Table `{label(table.schema, table.name)}` is public, but RLS has not been enabled.",
                               table_anchor(table.schema, table.name, "rls"))


RULE = Rule(
    name="rls_disabled_in_public", title="RLS Disabled in Public", level=ERROR, categories=(SECURITY,),
    description="Anyone with the project's anon key can read and write every row of a table in an exposed schema "
                "when row-level security is off.",
    fix="ALTER TABLE ... ENABLE ROW LEVEL SECURITY, then create the policies the API roles need.",
    fix_yaml="Set `rls: {enabled: true}` on the table and declare its `policies:`.",
    check=check, reference="0013_rls_disabled_in_public")
