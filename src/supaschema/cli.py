"""Command line: parse arguments, call the core, map results to exit codes.

Exit codes: 0 fine, 1 something to act on (stale files, drift), 2 error.
Heavy modules (psycopg, sqlglot) are imported inside the commands that need them.
"""

from __future__ import annotations

import os
import sys
import traceback
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from . import __version__
from .errors import Problem, UserError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Schema-as-code for Supabase: schema.yaml -> migrations, and drift checks against live databases.",
    pretty_exceptions_enable=False,
)

SchemaOption = typer.Option(Path("schema.yaml"), "--schema", "-s", help="The declaration to read.")
TemplatesOption = typer.Option(None, "--templates", help="Jinja templates folder (default: templates/ beside schema.yaml, else the bundled ones).")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"supaschema {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """supaschema: declare the database in schema.yaml, generate migrations, diff against production."""


@app.command()
def validate(schema: Path = SchemaOption) -> None:
    """Check schema.yaml and report every problem found (exit 2 if any)."""
    from .spec_loader import load_spec

    spec = load_spec(schema)
    typer.echo(
        f"{schema}: ok ({len(spec.tables)} tables, {sum(len(t.policies) for t in spec.tables)} policies, "
        f"{len(spec.functions)} functions, {len(spec.triggers)} triggers, "
        f"{sum(len(sd.rows) for sd in spec.seeds)} seed rows, {len(spec.migrations)} migrations)"
    )


@app.command()
def gen(
    schema: Path = SchemaOption,
    out: Path = typer.Option(Path("generated"), "--out", "-o", help="Folder for the migration files (e.g. supabase/migrations)."),
    templates: Optional[Path] = TemplatesOption,
    check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 if the folder does not match schema.yaml."),
) -> None:
    """Render schema.yaml into Supabase migration files."""
    from .migration_files import compare_folder, write_all
    from .render import render_migrations, templates_for
    from .spec_loader import load_spec

    spec = load_spec(schema)
    files = render_migrations(spec, templates_for(schema, templates))
    if check:
        state = compare_folder(out, files)
        for name in state.missing:
            typer.echo(f"missing: {out / name}")
        for name in state.stale:
            typer.echo(f"stale:   {out / name}")
        for name in state.unexpected:
            typer.echo(f"not from schema.yaml: {out / name}", err=True)
        if not state.up_to_date:
            typer.echo(f"{out} does not match {schema}: run `supaschema gen`", err=True)
            raise typer.Exit(1)
        typer.echo(f"{out} matches {schema} ({len(files)} files)")
        return
    changed = write_all(out, files)
    for name in files:
        typer.echo(f"{'wrote    ' if name in changed else 'unchanged'} {out / name}")


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


@app.command()
def diff(
    db: Optional[str] = typer.Option(None, "--db", help="Live database URL (default: $DATABASE_URL or $SUPABASE_DB_URL)."),
    from_url: Optional[str] = typer.Option(None, "--from", help="Compare two databases: the expected one..."),
    to_url: Optional[str] = typer.Option(None, "--to", help="...and the actual one (no schema.yaml rendering involved)."),
    schema: Path = SchemaOption,
    templates: Optional[Path] = TemplatesOption,
    generated: Path = typer.Option(Path("generated"), "--generated", help="Committed migrations, used when no database is given."),
    shadow_url: Optional[str] = typer.Option(None, "--shadow-url", help="A server where temporary shadow databases may be created (default: a local throwaway PostgreSQL)."),
    output: Format = typer.Option(Format.text, "--format", "-f", help="text for people, json for tools (docs/diff-json.md)."),
    colour: Colour = typer.Option(Colour.auto, "--color", help="Colour the text report."),
) -> None:
    """Report every drift between schema.yaml and a live database. Exit 0 none, 1 drift, 2 error."""
    from .compare import compare
    from .database import Target
    from .render import templates_for
    from .report import to_json, to_text
    from .shadow import shadow
    from .spec_loader import load_spec
    from .states import committed_snapshot, desired_snapshot, scope_for, snapshot_of

    if (from_url is None) != (to_url is None):
        raise UserError(Problem("diff", "--from and --to go together", "give both, or use --db"))
    if from_url and db:
        raise UserError(Problem("diff", "--db cannot be combined with --from/--to", "use one form"))
    if from_url and to_url:
        expected_target, actual_target = Target.parse(from_url, "--from"), Target.parse(to_url, "--to")
        spec = load_spec(schema) if schema.is_file() else None
        scope = scope_for(spec)
        expected = snapshot_of(expected_target, scope, "--from database")
        actual = snapshot_of(actual_target, scope, "--to database")
        labels = (expected_target.label, actual_target.label)
    else:
        db = db or os.environ.get("DATABASE_URL") or os.environ.get("SUPABASE_DB_URL")
        live = Target.parse(db, "--db") if db else None
        spec = load_spec(schema)
        scope = scope_for(spec)
        templates_dir = templates_for(schema, templates)
        actual = snapshot_of(live, scope, "database") if live else None  # fail fast on a bad URL
        with shadow(shadow_url) as throwaway:
            expected = desired_snapshot(throwaway, spec, templates_dir, scope)
            if actual is None:
                actual = committed_snapshot(throwaway, generated, scope)
        labels = (f"{schema} (rendered, applied to a shadow database)",
                  live.label if live else f"{generated}/ (embedded default: committed migrations on a throwaway database)")
    drifts = compare(expected, actual)
    if output is Format.json:
        typer.echo(to_json(drifts, *labels), nl=False)
    else:
        use_colour = _use_colour(colour)
        # click strips escape codes off a non-terminal unless told otherwise.
        typer.echo(to_text(drifts, *labels, colour=use_colour), nl=False, color=use_colour)
    if drifts:
        raise typer.Exit(1)


def main() -> None:
    try:
        app()
    except UserError as exc:
        for problem in exc.problems:
            typer.echo(f"error: {problem}", err=True)
        if len(exc.problems) > 1:
            typer.echo(f"{len(exc.problems)} problems found", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception:
        # A bug, not bad input: keep the traceback, and never let it look like exit 1 ("drift").
        traceback.print_exc()
        typer.echo("error: internal error in supaschema (the traceback above is a bug; please report it)", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
