"""0018 unsupported_reg_types: a column of a reg* type that pg_upgrade cannot carry over."""

from ...catalog import snapshot as snap
from ..model import SECURITY, WARN, Hit, Rule, label, table_anchor

UNSUPPORTED = {"regcollation", "regconfig", "regdictionary", "regnamespace", "regoper", "regoperator", "regproc",
               "regprocedure"}


def check(ctx):
    for column in ctx.all(snap.Column):
        if column.type in UNSUPPORTED:
            yield Hit(column.path, f"Table `{label(column.schema, column.table)}` has a column `{column.name}` with "
                                   f"unsupported reg* type `{column.type}`.",
                      f"unsupported_reg_types_{column.schema}_{column.table}_{column.name}",
                      {"schema": column.schema, "name": column.table, "column": column.name, "type": "table"},
                      table_anchor(column.schema, column.table, "columns", column.name))


RULE = Rule(
    name="unsupported_reg_types", title="Unsupported reg types", level=WARN, categories=(SECURITY,),
    description="Values of these types are object ids that differ after an upgrade, so pg_upgrade refuses the "
                "database and it cannot get PostgreSQL security releases.",
    fix="ALTER COLUMN ... TYPE text (store the name, e.g. `'public.f'::regproc::text`).",
    fix_yaml="Change the column's `type:` to text.",
    check=check, reference="unsupported_reg_types")
