"""`json-schema`: schema.yaml's JSON Schema, for editors."""

from __future__ import annotations

from .app import app


@app.command("json-schema")
def json_schema_command() -> None:
    """Print schema.yaml's JSON Schema (draft 2020-12), for editors: `supaschema json-schema > schema.json`."""
    import json

    import typer

    from ..json_schema import json_schema

    typer.echo(json.dumps(json_schema(), indent=2))
