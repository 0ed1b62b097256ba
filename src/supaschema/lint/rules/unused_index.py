"""0005 unused_index: an index never scanned. Needs the server's usage statistics, so it runs on a live
database only (`lint --db`): a desired state built a moment ago has scanned nothing."""

from ...catalog import snapshot as snap
from ..model import INFO, PERFORMANCE, Hit, Rule, table_anchor


def check(ctx):
    if ctx.index_scans is None:
        return
    for index in ctx.all(snap.Index):
        if ctx.index_scans.get((index.schema, index.table, index.name)) == 0 and not index.definition.startswith("CREATE UNIQUE"):
            yield Hit(index.path, f"Index `{index.name}` on table `{index.schema}.{index.table}` has not been used",
                      f"unused_index_{index.schema}_{index.table}_{index.name}",
                      {"schema": index.schema, "name": index.table, "type": "table"},
                      table_anchor(index.schema, index.table, "indexes", index.name))


RULE = Rule(
    name="unused_index", title="Unused Index", level=INFO, categories=(PERFORMANCE,),
    description="An index no query has used since statistics were last reset still slows every write; it may be a "
                "candidate for removal (check a replica or a recent reset first).",
    fix="DROP INDEX it, after checking that no rare job needs it.",
    fix_yaml="Remove it from the table's `indexes:`.",
    check=check, reference="0005_unused_index", needs_usage=True)
