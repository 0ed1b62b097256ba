"""`pull`: read a live database (read-only, like `diff`) and write the schema.yaml that declares it.

The result is checked by the real loader before it is returned: a pull never
writes a file that supaschema itself would refuse.
"""

from __future__ import annotations

import dataclasses

from ..catalog import snapshot as snap
from ..catalog.introspect import Scope
from ..catalog.states import snapshot_of
from ..drift.unmanaged import leave_alone
from ..errors import Problem, UserError
from ..postgres.connection import Target
from ..spec.loader import parse_spec
from ..spec.model import Unmanaged
from ..spec.unmanaged import UNMANAGED_KINDS
from .document import Pulled, document_of
from .seeds import seed_choice
from .yaml_text import Comment, Flow, dump

# The same first line as a hand-written schema.yaml: editors check the file against schema.json beside
# it, which `supaschema json-schema` writes for the installed version (offline, and never a schema
# for another version of supaschema than the one that reads the file).
HEADER = (Comment("yaml-language-server: $schema=schema.json"),
          Comment("Pulled from a live database by `supaschema pull`; edit freely, then `supaschema gen`."),
          Comment("Editor checks: `supaschema json-schema > schema.json` writes the schema the first line points at."))


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
    # Every schema and role the project may own: what the database holds decides, not a schema.yaml.
    scope = Scope(all_schemas=True, all_roles=True)
    snapshot = snapshot_of(target, scope, "database")
    snapshot, _ = leave_alone(snap.Snapshot(snapshot.server_version), snapshot, unmanaged)
    choices = {(c.schema, c.table): c for c in (seed_choice(snapshot, name) for name in seed_tables)}
    if choices:
        with_rows = snapshot_of(target, dataclasses.replace(scope, seeds=tuple(choices.values())), "database")
        snapshot, _ = leave_alone(snap.Snapshot(with_rows.server_version), with_rows, unmanaged)
    pulled = document_of(snapshot, choices, version)
    if pulled.problems:
        raise UserError(pulled.problems)
    if not snapshot.of(snap.Table):  # schema.yaml needs a table: say so, not "cannot express this way"
        raise UserError(Problem(f"database {target.label}", "has no tables outside Supabase's own schemas"
                                + (" (or --skip leaves every one out)" if unmanaged.patterns else ""),
                                "create the first table there (or write schema.yaml by hand), then pull again"))
    return checked_yaml(pulled, unmanaged)


def checked_yaml(pulled: Pulled, unmanaged: Unmanaged) -> str:
    document = {**{f"header {i}": line for i, line in enumerate(HEADER)}, **pulled.document}
    if unmanaged.patterns:
        document["unmanaged"] = {kind_key(kind): Flow(list(globs)) for kind, globs in unmanaged.patterns}
    text = dump(document)
    try:
        parse_spec(text, "pulled schema.yaml")
    except UserError as exc:
        # The baseline's list names every object: one refused also shows up there as "not declared". Say it once.
        problems = [p for p in exc.problems if not p.what.startswith("migrations")] or exc.problems
        raise UserError([Problem(p.where, f"{p.what}: the database uses something schema.yaml cannot express this way",
                                 "leave that object out with --skip, or change it in the database first")
                         for p in problems]) from None
    return text


def kind_key(kind: str) -> str:
    return next(key for key, value in UNMANAGED_KINDS.items() if value == kind)
