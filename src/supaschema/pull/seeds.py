"""`--seed` tables: which key and columns declare their rows, and the rows as schema.yaml writes them."""

from __future__ import annotations

from ..catalog import snapshot as snap
from ..catalog.introspect import SeedScope
from ..errors import Problem, UserError
from . import definitions as d
from .yaml_text import Flow, Number

# Defaults that make a new value per row: seeding them would pin one database's values.
VOLATILE_DEFAULTS = ("gen_random_uuid()", "now()", "CURRENT_TIMESTAMP", "nextval(", "uuid_generate_v4()")
# Columns whose values are written as YAML numbers (0.0025), as by hand; any other text is quoted where YAML would read a number.
NUMBER_TYPES = ("smallint", "integer", "bigint", "numeric", "real", "double precision")


def seed_entry(snapshot: snap.Snapshot, choice: SeedScope) -> dict:
    rows = sorted((r for r in snapshot.of(snap.SeedRow).values() if (r.schema, r.table) == (choice.schema, choice.table)),
                  key=lambda r: r.key)
    numbers = {c.name for c in snapshot.of(snap.Column).values()
               if (c.schema, c.table) == (choice.schema, choice.table) and c.type.startswith(NUMBER_TYPES) and not c.type.endswith("[]")}
    values = []
    for row in rows:
        by_column = dict(row.values)
        by_column.update(zip(choice.key, row.key))
        values.append(Flow([_number(by_column[c]) if c in numbers else by_column[c] for c in choice.columns]))
    return {"key": Flow(list(choice.key)), "columns": Flow(list(choice.columns)), "rows": values}


def _number(value):
    return Number(str(value)) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else value


def seed_choice(snapshot: snap.Snapshot, name: str) -> SeedScope:
    schema, _, table = name.rpartition(".")
    schema = schema or "public"
    where = f"--seed {name}"
    if (schema, table) not in snapshot.of(snap.Table):
        raise UserError(Problem(where, f"no table {schema}.{table} in the database (or it is unmanaged)",
                                "name a table of the public schema, e.g. --seed model_pricing"))
    columns = [c for c in snapshot.of(snap.Column).values() if (c.schema, c.table) == (schema, table)]
    volatile = {c.name for c in columns if c.default and c.default.startswith(VOLATILE_DEFAULTS)}
    constraints = [c for c in snapshot.of(snap.Constraint).values()
                   if (c.schema, c.table) == (schema, table) and c.type in ("primary key", "unique")]
    # A natural key (model, provider) over a generated one (a random id): seeds then match any database's rows.
    keys = sorted((d.unique_columns(c.definition), c) for c in constraints)
    keys.sort(key=lambda kc: (bool(set(kc[0]) & volatile), kc[1].type != "primary key", kc[1].name))
    if not keys:
        raise UserError(Problem(where, f"{schema}.{table} has no primary key or unique constraint to key its rows by",
                                "add one in the database (seed rows are matched by it), or do not seed this table"))
    key = tuple(keys[0][0])
    chosen = tuple(c.name for c in columns if c.name in key or not (c.generated or c.identity or c.name in volatile))
    return SeedScope(schema, table, key, chosen)
