"""`diff`: every drift between schema.yaml (or one database) and a live database, as text or JSON."""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from ..errors import Problem, UserError
from .app import ShadowOption, TemplatesOption, app
from .typed_input import STRAY_WORDS, database_url, refuse_stray_words


class Format(str, Enum):
    text = "text"
    json = "json"


class Colour(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


def _use_colour(choice: Colour) -> bool:
    if choice is Colour.auto:
        return sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    return choice is Colour.always


@app.command(context_settings=STRAY_WORDS)
def diff(
    ctx: typer.Context,
    db: Optional[str] = typer.Option(None, "--db", help="Live database URL (default: $DATABASE_URL or $SUPABASE_DB_URL)."),
    from_url: Optional[str] = typer.Option(None, "--from", help="Compare two databases: the expected one..."),
    to_url: Optional[str] = typer.Option(None, "--to", help="...and the actual one (no schema.yaml rendering involved)."),
    schema_option: Optional[Path] = typer.Option(None, "--schema", "-s", help="The declaration to read (default: schema.yaml; with --from/--to, only when given, for its seeded tables)."),
    templates: Optional[Path] = TemplatesOption,
    generated: Path = typer.Option(Path("generated"), "--generated", help="Committed migrations, used when no database is given."),
    shadow_url: Optional[str] = ShadowOption,
    output: Format = typer.Option(Format.text, "--format", "-f", help="text for people, json for tools (docs/diff-json.md)."),
    colour: Colour = typer.Option(Colour.auto, "--color", help="Colour the text report."),
    roles: Optional[str] = typer.Option(None, "--roles", help="Also compare the privileges of these roles (comma-separated), or `all`: every role but PostgreSQL's and Supabase's internal ones."),
) -> None:
    """Report every drift between schema.yaml and a live database. Exit 0 none, 1 drift, 2 error."""
    refuse_stray_words(ctx)
    from ..drift.compare import compare, not_compared
    from ..drift.report import to_json, to_text

    if output is Format.json:
        from .. import progress

        progress.silence()  # output for tools: nothing on any stream but the report
    schema_given = schema_option is not None
    schema = schema_option or Path("schema.yaml")
    if (from_url is None) != (to_url is None):
        raise UserError(Problem("diff", "--from and --to go together", "give both, or use --db"))
    if from_url is not None and db is not None:
        raise UserError(Problem("diff", "--db cannot be combined with --from/--to", "use one form"))
    if from_url is not None and to_url is not None:
        from ..workflows import two_databases

        expected, actual, labels, skipped = two_databases(from_url, to_url, schema if schema_given else None, roles)
        renamed = []
        verdict = "No drift: the two databases match."
    else:
        from ..workflows import schema_against

        live = database_url(db)
        expected, actual, labels, skipped = schema_against(live, schema, templates, generated, shadow_url, roles)
        verdict = (f"No drift: the database matches {schema}." if live else
                   f"No drift: {generated}/ replayed matches {schema}; no database was compared (give --db or DATABASE_URL).")
        from ..drift.renames import apply_renames, declared_renames
        from ..spec.loader import load_spec

        actual, renamed = apply_renames(expected, actual, declared_renames(load_spec(schema)))  # as gen and plan see them
    drifts, unmodelled = renamed + compare(expected, actual), not_compared(expected, actual)
    if output is Format.json:
        typer.echo(to_json(drifts, *labels, catalog_queries=expected.queries + actual.queries, skipped=skipped.to_dict(),
                           unmodelled=unmodelled), nl=False)
    else:
        use_colour = _use_colour(colour)
        # click strips escape codes off a non-terminal unless told otherwise.
        typer.echo(to_text(drifts, *labels, colour=use_colour, no_drift=verdict, skipped=skipped.to_dict(), unmodelled=unmodelled),
                   nl=False, color=use_colour)
    if drifts:
        raise typer.Exit(1)
