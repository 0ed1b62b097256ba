"""0001 unindexed_foreign_keys: a foreign key whose columns lead no index."""

from ...catalog import snapshot as snap
from ..model import INFO, PERFORMANCE, Hit, Rule, foreign_key_anchor, label

INDEXED_CONSTRAINTS = ("primary key", "unique", "exclusion")


def index_keys(ctx, table: snap.Table) -> list[tuple[str, ...]]:
    keys = [index.key_columns for index in ctx.children(snap.Index, table)]
    return keys + [c.columns for c in ctx.children(snap.Constraint, table) if c.type in INDEXED_CONSTRAINTS]


def check(ctx):
    for table in ctx.all(snap.Table):
        keys = index_keys(ctx, table)
        for fk in ctx.children(snap.Constraint, table):
            if fk.type == "foreign key" and not any(key[:len(fk.columns)] == fk.columns for key in keys):
                yield Hit(fk.path, f"Table `{label(table.schema, table.name)}` has a foreign key `{fk.name}` without a "
                                   f"covering index. This can lead to suboptimal query performance.",
                          f"unindexed_foreign_keys_{table.schema}_{table.name}_{fk.name}",
                          {"schema": table.schema, "name": table.name, "type": "table", "fkey_name": fk.name,
                           "fkey_columns": list(fk.columns)},
                          foreign_key_anchor(fk))


RULE = Rule(
    name="unindexed_foreign_keys", title="Unindexed foreign keys", level=INFO, categories=(PERFORMANCE,),
    description="Without an index led by the foreign key's columns, joins on it and every delete or key update of "
                "the referenced row scan the whole table.",
    fix="CREATE INDEX ON the table (the foreign key's columns, in order).",
    fix_yaml="Add an entry under the table's `indexes:` whose `columns:` start with the foreign key's columns.",
    check=check, reference="0001_unindexed_foreign_keys")
