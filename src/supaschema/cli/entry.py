"""The program's entry point: run the typer app non-standalone, map errors to messages and exit codes.

Exit codes: 0 fine, 1 something to act on (stale files, drift), 2 error.
"""

from __future__ import annotations

import sys
import traceback

import typer

from ..errors import UserError
from .app import app
from .typed_input import mask_typed_passwords, scrub


def main() -> None:
    from .. import progress

    args = sys.argv[1:] or ["--help"]
    try:
        # Not standalone: usage errors come back here, so a URL typed in the wrong place is not echoed.
        # The progress line is erased before any error is printed.
        with progress.shown_on(sys.stderr, enabled=sys.stderr.isatty()):
            code = typer.main.get_command(app).main(args=args, prog_name="supaschema", standalone_mode=False)
    except UserError as exc:
        for problem in exc.problems:
            typer.echo(f"error: {mask_typed_passwords(str(problem), args)}", err=True)
        if len(exc.problems) > 1:
            typer.echo(f"{len(exc.problems)} problems found", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        if callable(getattr(exc, "format_message", None)):  # the command line itself is wrong (typer's usage errors)
            where = getattr(getattr(exc, "ctx", None), "command_path", None) or "supaschema"
            typer.echo(f"error: {where}: {scrub(exc.format_message(), args)}\n    fix: see `{where} --help`", err=True)
            sys.exit(2)
        # A bug, not bad input: keep the traceback (scrubbed), and never let it look like exit 1 ("drift").
        typer.echo(scrub("".join(traceback.format_exception(exc)), args), err=True, nl=False)
        typer.echo("error: internal error in supaschema (the traceback above is a bug; please report it)", err=True)
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)
