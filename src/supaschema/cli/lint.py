"""`lint`: Supabase's advisors and supaschema's own rules over the desired state or a live database."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional
from urllib.parse import quote

import typer

from .app import ShadowOption, TemplatesOption, app
from .typed_input import STRAY_WORDS, refuse_stray_words


class LintFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"


class FailOn(str, Enum):
    error = "error"
    warn = "warn"
    info = "info"


@app.command(context_settings=STRAY_WORDS)
def lint(
    ctx: typer.Context,
    db: Optional[str] = typer.Option(None, "--db", help="Lint this live database (read-only) instead of schema.yaml's desired state."),
    schema_option: Optional[Path] = typer.Option(None, "--schema", "-s", help="The declaration (default: schema.yaml; with --db, only for its `lint:` section and lines)."),
    templates: Optional[Path] = TemplatesOption,
    shadow_url: Optional[str] = ShadowOption,
    output: LintFormat = typer.Option(LintFormat.text, "--format", "-f", help="text, json (docs/lint-json.md) or sarif (GitHub code scanning)."),
    fail_on: FailOn = typer.Option(FailOn.error, "--fail-on", help="Exit 1 when a finding is at this level or above."),
) -> None:
    """Supabase's security and performance advisors, plus supaschema's own rules. Exit 0 below --fail-on, 1 at or above, 2 error."""
    refuse_stray_words(ctx)
    from ..postgres.connection import Target
    from ..lint.config import lint_config, load_lint_config
    from ..lint.engine import known_rule_names
    from ..lint.output import to_json, to_text
    from ..lint.sarif import to_sarif

    if output is not LintFormat.text:
        from .. import progress

        progress.silence()  # output for tools: nothing on any stream but the report
    schema = schema_option or Path("schema.yaml")
    if db is not None:  # only --db: lint never reads $DATABASE_URL by itself
        live = Target.parse(db, "--db")
        from ..lint.states import lint_live

        # With --db, schema.yaml is optional: it only brings exposed schemas, ignores and line numbers.
        config = load_lint_config(schema, known_rule_names(), required=schema_option is not None)
        result, label = lint_live(live, config), live.label
    else:
        from ..render.migrations import templates_for
        from ..postgres.shadow import shadow
        from ..spec.loader import load_spec
        from ..lint.states import lint_desired

        spec = load_spec(schema)
        config = lint_config(spec, known_rule_names())
        with shadow(shadow_url) as throwaway:
            result = lint_desired(throwaway, spec, templates_for(schema, templates), config)
        label = f"{schema} (rendered, applied to a shadow database)"
    if output is LintFormat.json:
        typer.echo(to_json(result, label), nl=False)
    elif output is LintFormat.sarif:
        # A URI reference: a space or '#' in the path written raw is not one ('#' would start a fragment).
        typer.echo(to_sarif(result, config.filename and quote(Path(config.filename).as_posix())), nl=False)
    else:
        typer.echo(to_text(result, label, str(schema)), nl=False)
    if result.at_or_above(fail_on.value.upper()):
        raise typer.Exit(1)
