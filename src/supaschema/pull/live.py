"""`pull`: read a live database (read-only, like `diff`) and write the schema.yaml that declares it.

The result is checked by the real loader before it is returned: a pull never
writes a file that supaschema itself would refuse.
"""

from __future__ import annotations

from ..catalog import snapshot as snap
from ..catalog.introspect import Scope, SeedScope
from ..catalog.states import snapshot_of
from ..drift.unmanaged import leave_alone
from ..errors import Problem, UserError
from ..postgres.connection import Target
from ..spec.loader import parse_spec
from ..spec.model import Unmanaged
from ..spec.unmanaged import UNMANAGED_KINDS
from . import definitions as d
from .document import Pulled, SeedChoice, document_of
from .yaml_text import Comment, Flow, dump

HEADER = Comment("Pulled from a live database by `supaschema pull`; edit freely, then `supaschema gen`.")
# Defaults that make a new value per row: seeding them would pin one database's values.
VOLATILE_DEFAULTS = ("gen_random_uuid()", "now()", "CURRENT_TIMESTAMP", "nextval(", "uuid_generate_v4()")


def parse_skips(skips: list[str]) -> Unmanaged:
    kinds: dict[str, list[str]] = {}
    for skip in skips:
        key, _, glob = skip.partition(":")
        if key not in UNMANAGED_KINDS or not glob:
            raise UserError(Problem("--skip", f"{skip!r} is not KIND:PATTERN",
                                    f"KIND is one of {', '.join(UNMANAGED_KINDS)}, e.g. --skip 'tables:legacy_*'"))
        kinds.setdefault(UNMANAGED_KINDS[key], []).append(glob)
    return Unmanaged(True, tuple((kind, tuple(globs)) for kind, globs in kinds.items()))


def pull(target: Target, seed_tables: list[str], version: str | None, unmanaged: Unmanaged) -> str:
    snapshot = snapshot_of(target, Scope(), "database")
    snapshot, _ = leave_alone(snap.Snapshot(snapshot.server_version), snapshot, unmanaged)
    choices = {(c.schema, c.table): c for c in (seed_choice(snapshot, name) for name in seed_tables)}
    if choices:
        seeds = tuple(SeedScope(c.schema, c.table, c.key, c.columns) for c in choices.values())
        with_rows = snapshot_of(target, Scope(seeds=seeds), "database")
        snapshot, _ = leave_alone(snap.Snapshot(with_rows.server_version), with_rows, unmanaged)
    pulled = document_of(snapshot, choices, version)
    if pulled.problems:
        raise UserError(pulled.problems)
    return checked_yaml(pulled, unmanaged)


def checked_yaml(pulled: Pulled, unmanaged: Unmanaged) -> str:
    document = {"header": HEADER, **pulled.document}
    if unmanaged.patterns:
        document["unmanaged"] = {kind_key(kind): Flow(list(globs)) for kind, globs in unmanaged.patterns}
    text = dump(document)
    try:
        parse_spec(text, "pulled schema.yaml")
    except UserError as exc:
        raise UserError([Problem(p.where, f"{p.what}: the database uses something schema.yaml cannot express this way",
                                 "leave that object out with --skip, or change it in the database first")
                         for p in exc.problems]) from None
    return text


def kind_key(kind: str) -> str:
    return next(key for key, value in UNMANAGED_KINDS.items() if value == kind)


def seed_choice(snapshot: snap.Snapshot, name: str) -> SeedChoice:
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
    return SeedChoice(schema, table, key, chosen)
