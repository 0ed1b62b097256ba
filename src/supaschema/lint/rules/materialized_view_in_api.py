"""0016 materialized_view_in_api: a materialized view the API serves; it has no row-level security."""

from ..model import SECURITY, WARN, Rule, label, relation_hit, view_anchor


def check(ctx):
    for view in ctx.served_views():
        if view.materialized:
            yield relation_hit("materialized_view_in_api", view,
                               f"Materialized view `{label(view.schema, view.name)}` is selectable by anon or authenticated roles",
                               view_anchor(view), "materialized view")


RULE = Rule(
    name="materialized_view_in_api", title="Materialized View in API", level=WARN, categories=(SECURITY,),
    description="A materialized view stores its rows as its owner read them and has no row-level security, so "
                "every role the API lets select from it sees all of them.",
    fix="REVOKE SELECT on it from anon and authenticated, or move it to a schema the API does not expose.",
    fix_yaml="Drop anon/authenticated from the view's `grants:`, or declare it in a schema that is not in "
             "`lint.exposed_schemas`.",
    check=check, reference="0016_materialized_view_in_api")
