"""What the command line must never do with what the user typed: echo a stray URL, fall back past
an empty variable, or print a password in a usage error or a traceback."""

from __future__ import annotations

import os
from typing import Optional

import typer

from ..errors import Problem, UserError

# Stray words on the command line reach the command, which refuses them without echoing them:
# the usual stray word is a database URL typed without --db, password and all.
STRAY_WORDS = {"allow_extra_args": True}


def refuse_stray_words(ctx: typer.Context) -> None:
    if ctx.args:
        raise UserError(Problem(ctx.command_path, f"{len(ctx.args)} unexpected argument(s) on the command line "
                                                  "(not shown: it may be a URL with a password)",
                                f"give a database URL as --db URL (or in $DATABASE_URL); see `{ctx.command_path} --help`"))


DATABASE_VARIABLES = ("DATABASE_URL", "SUPABASE_DB_URL")


def database_url(db: Optional[str]) -> tuple[str, str] | None:
    """The URL to read and where it came from (--db, else the first variable that is set), or None.

    A variable that is set but empty is an error, not a fall-back: that is how a CI secret that
    was never passed to the job looks, and falling back would check something else and go green.
    """
    if db is not None:
        if not db.strip():
            raise UserError(Problem("--db", "the URL is empty", "pass --db URL, or leave --db out to use $DATABASE_URL"))
        return db, "--db"
    for variable in DATABASE_VARIABLES:
        value = os.environ.get(variable)
        if value is not None:
            if not value.strip():
                raise UserError(Problem(f"${variable}", "is set but empty (in CI: a secret that was not passed to the job?)",
                                        f"set {variable} to the database URL, or unset it"))
            return value, f"${variable}"
    return None


CONNECTION_OPTIONS = ("--db", "--from", "--to", "--shadow-url")


def _suspects(args: list[str]) -> list[str]:
    """Command-line values and variables that may be connection strings."""
    values = [a.split("=", 1)[1] if a.startswith("--") and "=" in a else a for a in args]
    suspects = [v for i, v in enumerate(values)
                if any(mark in v for mark in ("://", "@", "=")) or (i and args[i - 1] in CONNECTION_OPTIONS)]
    return suspects + [os.environ.get(v) or "" for v in DATABASE_VARIABLES]


def mask_typed_passwords(text: str, args: list[str]) -> str:
    """`text` with the passwords of the command line's and the environment's connection strings
    masked wherever one stands as a token (a URL given by mistake as --schema is echoed as a path)."""
    from ..postgres.conninfo import guess_secrets, mask

    secrets = [secret for suspect in _suspects(args) for secret in guess_secrets(suspect)]
    return mask(text, secrets + [os.environ.get("PGPASSWORD") or ""])


def scrub(text: str, args: list[str]) -> str:
    """`text` (a usage error, a traceback) with every connection string from the command line or the
    environment replaced whole, and their passwords masked wherever one stands as a token."""
    for suspect in sorted(_suspects(args), key=len, reverse=True):
        for form in (suspect, repr(suspect), repr(suspect)[1:-1]):
            if len(form) >= 8:  # long and unique enough to be the typed text, not an ordinary word
                text = text.replace(form, "(a connection URL, not shown)")
    return mask_typed_passwords(text, args)
