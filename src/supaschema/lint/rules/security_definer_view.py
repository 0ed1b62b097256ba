"""0010 security_definer_view: a view the API serves that reads as its owner, past the caller's RLS."""

from ..model import ERROR, SECURITY, Rule, label, relation_hit, view_anchor

SECURITY_INVOKER_SINCE = 150000  # before PostgreSQL 15 every view runs as its owner: nothing to choose, as in splinter


def check(ctx):
    if ctx.snapshot.server_version < SECURITY_INVOKER_SINCE:
        return
    for view in ctx.served_views():
        if not view.materialized and not view.security_invoker:
            yield relation_hit("security_definer_view", view,
                               f"View `{label(view.schema, view.name)}` is defined with the SECURITY DEFINER property",
                               view_anchor(view), "view")


RULE = Rule(
    name="security_definer_view", title="Security Definer View", level=ERROR, categories=(SECURITY,),
    description="The view reads its tables with its owner's rights, so the caller's row-level security does not "
                "apply: anyone the API lets select from it sees every row the owner sees.",
    fix="ALTER VIEW ... SET (security_invoker = true), or revoke SELECT on it from anon and authenticated.",
    fix_yaml="Remove `security_invoker: false` from the view (true is the default), or drop anon/authenticated "
             "from its `grants:`.",
    check=check, reference="0010_security_definer_view")
