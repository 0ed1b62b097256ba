"""Which schema.yaml object (and line) a rendered statement comes from.

PostgreSQL judges the rendered SQL on a shadow database; when it refuses a statement, the user
must hear about the object they wrote, not about a generated file they never edited. Each object
of a migration is rendered alone through the same templates: the statements it yields are its
own. A seed's INSERT is split further, one row at a time, to name the row.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..spec import model as s
from ..spec.functions import overloads_by_name
from ..sqltext.statements import split_statements
from .migrations import render_migrations


@dataclass(frozen=True, slots=True)
class Origin:
    path: str  # as in validate's messages: tables.x.policies.y, seeds.x.rows[3]
    line: int
    seed: s.Seed | None = None  # a whole seed: its rows can be told apart


def _normalised(statement: str) -> str:
    # Comment lines are dropped: the file's header sticks to whichever statement comes first.
    code = [line for line in statement.splitlines() if not line.lstrip().startswith("--")]
    return " ".join(" ".join(code).split())


def statements_of(spec: s.Spec, migration: s.Migration, templates: Path) -> list[str]:
    only = replace(spec, migrations=(migration,))
    return split_statements(next(iter(render_migrations(only, templates).values())))


# Each schema.yaml section a migration lists objects of (its field has the section's name), with the
# spec's objects of that section by the name the migration uses for them; in rendering order.
_SECTIONS = (
    ("extensions", lambda spec: {e.name: e for e in spec.extensions or ()}),
    ("enums", lambda spec: {e.qualified_name: e for e in spec.enums}),
    ("functions", lambda spec: overloads_by_name(spec.functions)),
    ("tables", lambda spec: {t.key: t for t in spec.tables}),
    ("triggers", lambda spec: {t.name: t for t in spec.triggers}),
    ("views", lambda spec: {v.qualified_name: v for v in spec.views}),
    ("seeds", lambda spec: {s.table_key(sd.schema, sd.table): sd for sd in spec.seeds}),
)


def _holding_only(migration: s.Migration, **objects) -> s.Migration:
    """The migration emptied of every object but the ones given."""
    empty = replace(migration, tables=(), policies=(), seeds=(), functions=(), triggers=(), views=(), enums=(), schemas=(), extensions=())
    return replace(empty, **objects)


def _objects(spec: s.Spec, migration: s.Migration):
    """Each object of the migration as (origin, the spec and the migration holding only it)."""
    for section, index in _SECTIONS:
        objects = index(spec)
        for name in getattr(migration, section):
            alone = _holding_only(migration, **{section: (name,)})
            if section == "functions":  # a migration places a name with all its overloads: each is rendered alone
                for function in objects[name]:
                    yield Origin(function.key_path, function.line), replace(spec, functions=(function,)), alone
                continue
            obj = objects[name]
            yield Origin(f"{section}.{name}", obj.line, obj if section == "seeds" else None), spec, alone
        if section == "tables":  # a migration places a table's policies one by one
            for table_name, policy_name in migration.policies:
                policy = next(p for p in objects[table_name].policies if p.name == policy_name)
                yield (Origin(f"tables.{table_name}.policies.{policy_name}", policy.line), spec,
                       _holding_only(migration, policies=((table_name, policy_name),)))


def origin_of(statement: str, spec: s.Spec, migration: s.Migration, templates: Path) -> Origin | None:
    """The object whose rendering holds this statement; None for what the template adds on its own."""
    wanted = _normalised(statement)
    for origin, own_spec, alone in _objects(spec, migration):
        if any(_normalised(own) == wanted for own in statements_of(own_spec, alone, templates)):
            return origin
    return None


def seed_rows(spec: s.Spec, migration: s.Migration, seed: s.Seed, templates: Path) -> list[tuple[str, Origin]]:
    """The seed's INSERT rendered one row at a time, each with its row's line."""
    key = s.table_key(seed.schema, seed.table)
    alone = _holding_only(migration, seeds=(key,))
    result = []
    for i, row in enumerate(seed.rows):
        one_row = replace(spec, seeds=tuple(replace(sd, rows=(row,)) if sd is seed else sd for sd in spec.seeds))
        line = seed.row_lines[i] if i < len(seed.row_lines) else seed.line
        result += [(statement, Origin(f"seeds.{key}.rows[{i}]", line)) for statement in statements_of(one_row, alone, templates)]
    return result
