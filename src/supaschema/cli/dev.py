"""The `supaschema dev` commands: a thin layer over postgres/dev.py.

Messages go to standard error and only the `export DATABASE_URL=...` line to standard output,
so `eval "$(supaschema dev start)"` sets the variable in the calling shell.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

dev_app = typer.Typer(
    no_args_is_help=True,
    help="A persistent local Supabase-like PostgreSQL for this project (no Docker), kept in .supaschema/.",
)

PortOption = typer.Option(None, "--port", help="Listen on this port of 127.0.0.1 (default: one derived from the project's path; remembered).")
DevGeneratedOption = typer.Option(Path("generated"), "--generated", "-o", help="The migration folder pushed into the database.")


def _paths():
    from ..postgres.dev import DevPaths

    return DevPaths(Path.cwd())


def _say(text: str) -> None:
    typer.echo(text, err=True)


def _ready(state, generated: Path) -> None:
    from ..workflows import prepare_dev_database

    stubbed, pushed = prepare_dev_database(state.url(), generated)
    if stubbed:
        _say("applied the Supabase stub (auth schema, auth.users, anon/authenticated/service_role)")
    for name in pushed:
        _say(f"applied {name}")
    if not pushed and not any(generated.glob("*.sql")):
        _say(f"{generated}/ has no migrations yet: run `supaschema gen`, then `supaschema dev start` again")
    elif not pushed:
        _say(f"{generated}/: nothing new to push")
    typer.echo(f"export DATABASE_URL={state.url()}")


@dev_app.command("start")
def dev_start(port: Optional[int] = PortOption, generated: Path = DevGeneratedOption) -> None:
    """Start the local database (or say it runs), apply the Supabase stub, push generated/, print the URL."""
    from ..postgres.dev import start

    paths = _paths()
    state, already = start(paths, port)
    _say(f"{'already running' if already else 'started'} on 127.0.0.1:{state.port} (data in {paths.root})")
    _ready(state, generated)


@dev_app.command("status")
def dev_status() -> None:
    """Say whether the local database runs, and where. Exit 0 running, 1 not running."""
    from ..postgres.dev import inspect

    paths = _paths()
    state = inspect(paths)
    if state.kind == "running":
        _say(f"running on 127.0.0.1:{state.port} (data in {paths.root})")
        typer.echo(f"export DATABASE_URL={state.url()}")
        return
    if state.kind == "damaged":
        _say(f"damaged: {state.why}; `supaschema dev reset` rebuilds it from generated/")
    elif state.kind == "stopped":
        _say(f"stopped (port {state.port}, data in {paths.root}); `supaschema dev start` starts it")
    else:
        _say("no local database for this project yet; `supaschema dev start` creates one")
    raise typer.Exit(1)


@dev_app.command("stop")
def dev_stop() -> None:
    """Stop the local database, keeping its data. Nothing running is fine (exit 0)."""
    from ..postgres.dev import stop

    paths = _paths()
    if stop(paths):
        _say(f"stopped; the data stays in {paths.root} (`supaschema dev reset` discards it)")
    else:
        _say("not running: nothing to stop")


@dev_app.command("reset")
def dev_reset(port: Optional[int] = PortOption, generated: Path = DevGeneratedOption) -> None:
    """Discard the local database (even a damaged one), then build it again from generated/ and start it."""
    from ..postgres.dev import check_port, discard, start

    if port is not None:
        check_port(port)
    paths = _paths()
    previous = discard(paths)
    _say(f"removed {paths.root}")
    state, _ = start(paths, port or previous)
    _say(f"started on 127.0.0.1:{state.port}")
    _ready(state, generated)
