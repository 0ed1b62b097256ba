"""0009 duplicate_index: two or more indexes with the same definition on one table."""

from ...catalog import snapshot as snap
from ..model import PERFORMANCE, WARN, Hit, Rule, label, table_anchor


def definitions(ctx, table: snap.Table) -> list[tuple[str, str]]:
    """(name, definition) of every index, including those backing a primary key, unique or exclusion constraint."""
    found = [(i.name, i.definition) for i in ctx.children(snap.Index, table)]
    return found + [(c.name, c.index_definition) for c in ctx.children(snap.Constraint, table) if c.index_definition]


def check(ctx):
    for table in ctx.all(snap.Table):
        groups: dict[str, list[str]] = {}
        for name, definition in definitions(ctx, table):
            groups.setdefault(definition.replace(name, ""), []).append(name)  # splinter's test: the name taken out
        for names in sorted(sorted(group) for group in groups.values() if len(group) > 1):
            yield Hit(table.path, f"Table `{label(table.schema, table.name)}` has identical indexes {', '.join(names)}. "
                                  f"Drop all except one of them",
                      f"duplicate_index_{table.schema}_{table.name}_{{{','.join(names)}}}",
                      {"schema": table.schema, "name": table.name, "type": "table", "indexes": names},
                      table_anchor(table.schema, table.name, "indexes", names[-1]))


RULE = Rule(
    name="duplicate_index", title="Duplicate Index", level=WARN, categories=(PERFORMANCE,),
    description="Identical indexes each cost disk space and slow every write, for no gain in reads.",
    fix="DROP INDEX all but one of them.",
    fix_yaml="Remove the duplicate from the table's `indexes:` (a unique constraint or primary key already has one).",
    check=check, reference="0009_duplicate_index")
