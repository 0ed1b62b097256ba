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


def _objects(spec: s.Spec, migration: s.Migration):
    """Each object of the migration as (origin, the migration holding only it)."""
    empty = replace(migration, tables=(), policies=(), seeds=(), functions=(), triggers=(), views=(), enums=(), schemas=(), extensions=())
    extensions = {e.name: e for e in spec.extensions or ()}
    for name in migration.extensions:
        yield Origin(f"extensions.{name}", extensions[name].line), replace(empty, extensions=(name,))
    enums = {e.qualified_name: e for e in spec.enums}
    for name in migration.enums:
        yield Origin(f"enums.{name}", enums[name].line), replace(empty, enums=(name,))
    tables = {t.key: t for t in spec.tables}
    for name in migration.tables:
        yield Origin(f"tables.{name}", tables[name].line), replace(empty, tables=(name,))
    for table_name, policy_name in migration.policies:
        policy = next(p for p in tables[table_name].policies if p.name == policy_name)
        yield Origin(f"tables.{table_name}.policies.{policy_name}", policy.line), replace(empty, policies=((table_name, policy_name),))
    functions = {f"{f.schema}.{f.name}": f for f in spec.functions}
    for name in migration.functions:
        yield Origin(f"functions.{name}", functions[name].line), replace(empty, functions=(name,))
    triggers = {t.name: t for t in spec.triggers}
    for name in migration.triggers:
        yield Origin(f"triggers.{name}", triggers[name].line), replace(empty, triggers=(name,))
    views = {v.qualified_name: v for v in spec.views}
    for name in migration.views:
        yield Origin(f"views.{name}", views[name].line), replace(empty, views=(name,))
    seeds = {s.table_key(sd.schema, sd.table): sd for sd in spec.seeds}
    for name in migration.seeds:
        yield Origin(f"seeds.{name}", seeds[name].line, seeds[name]), replace(empty, seeds=(name,))


def origin_of(statement: str, spec: s.Spec, migration: s.Migration, templates: Path) -> Origin | None:
    """The object whose rendering holds this statement; None for what the template adds on its own."""
    wanted = _normalised(statement)
    for origin, alone in _objects(spec, migration):
        if any(_normalised(own) == wanted for own in statements_of(spec, alone, templates)):
            return origin
    return None


def seed_rows(spec: s.Spec, migration: s.Migration, seed: s.Seed, templates: Path) -> list[tuple[str, Origin]]:
    """The seed's INSERT rendered one row at a time, each with its row's line."""
    key = s.table_key(seed.schema, seed.table)
    alone = replace(migration, tables=(), policies=(), seeds=(key,), functions=(), triggers=(), views=(), enums=(), schemas=(), extensions=())
    result = []
    for i, row in enumerate(seed.rows):
        one_row = replace(spec, seeds=tuple(replace(sd, rows=(row,)) if sd is seed else sd for sd in spec.seeds))
        line = seed.row_lines[i] if i < len(seed.row_lines) else seed.line
        result += [(statement, Origin(f"seeds.{key}.rows[{i}]", line)) for statement in statements_of(one_row, alone, templates)]
    return result
