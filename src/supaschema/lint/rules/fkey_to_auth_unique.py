"""0021 fkey_to_auth_unique: a foreign key to a unique (not primary) key of a table in `auth`."""

from ...catalog import snapshot as snap
from ..model import ERROR, SECURITY, Hit, Rule, foreign_key_anchor, label


def check(ctx):
    for fk in ctx.all(snap.Constraint):
        if fk.type == "foreign key" and fk.referenced_key == "unique" and (fk.referenced_table or "").startswith("auth."):
            yield Hit(fk.path, f"Table `{label(fk.schema, fk.table)}` has a foreign key `{fk.name}` referencing an auth "
                               f"unique constraint",
                      f"fkey_to_auth_unique_{fk.schema}_{fk.table}_{fk.name}",
                      {"schema": fk.schema, "name": fk.table, "foreign_key": fk.name},
                      foreign_key_anchor(fk))


RULE = Rule(
    name="fkey_to_auth_unique", title="Foreign Key to Auth Unique Constraint", level=ERROR, categories=(SECURITY,),
    description="Supabase Auth may drop or change its unique constraints (e.g. on email or phone) in an upgrade, "
                "which this foreign key would block or break.",
    fix="Reference auth.users(id), the primary key, instead.",
    fix_yaml="Make the column's `references:` point at `{table: auth.users, column: id}`.",
    check=check, reference="0021_fkey_to_auth_unique")
