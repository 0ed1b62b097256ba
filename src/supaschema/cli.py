"""Command line: parse arguments, call the core, map results to exit codes.

Exit codes: 0 fine, 1 something to act on (stale files, drift), 2 error.
Heavy modules (psycopg, sqlglot) are imported inside the commands that need them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from . import __version__
from .errors import UserError

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


if __name__ == "__main__":
    main()
