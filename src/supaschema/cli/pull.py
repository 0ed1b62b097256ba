"""`pull`: the schema.yaml that declares a live database."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..errors import Problem, UserError
from .app import app, live_target
from .typed_input import STRAY_WORDS, refuse_stray_words


@app.command("pull", context_settings=STRAY_WORDS)
def pull_command(
    ctx: typer.Context,
    db: Optional[str] = typer.Option(None, "--db", help="Database URL (default: $DATABASE_URL or $SUPABASE_DB_URL). Read only."),
    out: Path = typer.Option(Path("schema.yaml"), "--out", help="Where to write the schema.yaml."),
    seed: list[str] = typer.Option([], "--seed", help="A table whose rows to declare as seeds (repeatable)."),
    skip: list[str] = typer.Option([], "--skip", help="KIND:PATTERN to leave out and declare unmanaged, e.g. 'tables:legacy_*' (repeatable)."),
    version: Optional[str] = typer.Option(None, "--version", help="Version of the baseline migration (default: now, UTC)."),
    force: bool = typer.Option(False, "--force", help="Overwrite --out if it exists."),
) -> None:
    """Write the schema.yaml that declares a live database (read-only on the database)."""
    refuse_stray_words(ctx)
    from ..pull.live import parse_skips, pull
    from ..render.files import write_all

    if out.exists() and not force:
        raise UserError(Problem(str(out), "already exists", "choose another --out, or pass --force to overwrite it"))
    if version is not None and not (len(version) == 14 and version.isascii() and version.isdigit()):
        raise UserError(Problem("--version", "not a 14-digit timestamp", "e.g. --version 20251018000000"))
    unmanaged = parse_skips(skip)
    text = pull(live_target(db), seed, version, unmanaged)
    write_all(out.parent if str(out.parent) else Path("."), {out.name: text})
    typer.echo(f"wrote {out}: run `supaschema gen` next")
