"""The typer application, its root options, and the options and outputs several command groups share."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .. import __version__
from ..errors import Problem, UserError
from .typed_input import database_url

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Schema-as-code for Supabase: schema.yaml -> migrations, and drift checks against live databases.",
    pretty_exceptions_enable=False,
)

SchemaOption = typer.Option(Path("schema.yaml"), "--schema", "-s", help="The declaration to read.")
TemplatesOption = typer.Option(None, "--templates", help="Jinja templates folder (default: templates/ beside schema.yaml, else the bundled ones).")
ShadowOption = typer.Option(None, "--shadow-url", help="A server where temporary shadow databases may be created (default: a local throwaway PostgreSQL).")
DestructiveOption = typer.Option(False, "--allow-destructive", help="Include statements that delete data (drop table/column, delete seed rows).")
GeneratedOption = typer.Option(Path("generated"), "--generated", "-o", "--out", help="The migration folder (e.g. supabase/migrations).")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"supaschema {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """supaschema: declare the database in schema.yaml, generate migrations, diff against production."""


def live_target(db: Optional[str]):
    from ..postgres.connection import Target

    found = database_url(db)
    if found is None:
        raise UserError(Problem("--db", "no database given", "pass --db URL or set DATABASE_URL (or SUPABASE_DB_URL)"))
    return Target.parse(*found)


def report_preflight(findings) -> None:
    """What the read-only data checks found (failures have already stopped the command)."""
    if findings.checked:
        typer.echo(f"data checks: {findings.checked - len(findings.unchecked)} of {findings.checked} "
                   "preconditions hold on the current rows", err=True)
    for note in findings.unchecked:
        typer.echo(f"warning: {note}", err=True)
