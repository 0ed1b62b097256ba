"""Command line: a thin typer layer that parses arguments, calls the core and maps results to exit codes.

One module per command group; importing it registers its commands on `app`, so the import order
below is the order `supaschema --help` lists them in. Heavy modules (psycopg, sqlglot) are
imported inside the commands that need them.
"""

from __future__ import annotations

from . import generate, deploy, pull, diff, lint, json_schema  # noqa: F401  (each registers its commands)
from .app import app
from .dev import dev_app
from .entry import main

app.add_typer(dev_app, name="dev")

__all__ = ["app", "main"]
