"""0004 no_primary_key: a table without a primary key."""

from ...catalog import snapshot as snap
from ..model import INFO, PERFORMANCE, Rule, label, relation_hit, table_anchor


def check(ctx):
    for table in ctx.all(snap.Table):
        if not any(c.type == "primary key" for c in ctx.children(snap.Constraint, table)):
            yield relation_hit("no_primary_key", table, f"Table `{label(table.schema, table.name)}` does not have a primary key",
                               table_anchor(table.schema, table.name))


RULE = Rule(
    name="no_primary_key", title="No Primary Key", level=INFO, categories=(PERFORMANCE,),
    description="Rows without a key cannot be addressed one by one (updates from the API, replication, the table "
                "editor), and such tables get slow to work with at scale.",
    fix="ALTER TABLE ... ADD PRIMARY KEY (...).",
    fix_yaml="Add `primary_key: true` to the key column (or `primary_key: [a, b]` on the table).",
    check=check, reference="0004_no_primary_key")
