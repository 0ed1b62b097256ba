"""`plan` and `push`: the SQL that repairs a live database, and the migration files applied to one."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..errors import Problem, UserError
from .app import DestructiveOption, GeneratedOption, SchemaOption, ShadowOption, TemplatesOption, app, live_target, report_preflight
from .typed_input import STRAY_WORDS, refuse_stray_words


@app.command(context_settings=STRAY_WORDS)
def plan(
    ctx: typer.Context,
    db: Optional[str] = typer.Option(None, "--db", help="Live database URL (default: $DATABASE_URL or $SUPABASE_DB_URL)."),
    schema: Path = SchemaOption,
    templates: Optional[Path] = TemplatesOption,
    write: Optional[str] = typer.Option(None, "--write", help="Save the SQL as a new migration with this name instead of printing it."),
    generated: Path = GeneratedOption,
    allow_destructive: bool = DestructiveOption,
    shadow_url: Optional[str] = ShadowOption,
) -> None:
    """Print the SQL that repairs a live database's drift towards schema.yaml (read-only on the database)."""
    refuse_stray_words(ctx)
    from ..render.files import check_migration_name, list_migrations, next_version, write_all
    from ..render.migrations import templates_for
    from ..postgres.shadow import shadow
    from ..spec.loader import load_spec
    from ..workflows import check_plan_data, repair_plan

    if write is not None:
        check_migration_name(write)
    live = live_target(db)
    spec = load_spec(schema)
    templates_dir = templates_for(schema, templates)
    with shadow(shadow_url) as throwaway:
        planned = repair_plan(throwaway, spec, templates_dir, live, allow_destructive)
    if not planned.drifts:
        typer.echo(f"-- no drift: {live.label} matches {schema}; nothing to do")
        return
    report_preflight(check_plan_data(live, planned))
    if write is None:
        typer.echo(planned.sql, nl=False)
        return
    filename = f"{next_version(list_migrations(generated))}_{write}.sql"
    write_all(generated, {filename: planned.sql})
    typer.echo(f"wrote {generated / filename} ({len(planned.plan.operations)} operations)")


@app.command("push", context_settings=STRAY_WORDS)
def push_command(
    ctx: typer.Context,
    db: Optional[str] = typer.Option(None, "--db", help="Database URL (default: $DATABASE_URL or $SUPABASE_DB_URL)."),
    generated: Path = GeneratedOption,
    dry_run: bool = typer.Option(False, "--dry-run", help="List what would be applied; change nothing."),
    adopt: bool = typer.Option(False, "--adopt", help="Record the files as applied without running them, once the database is proven to match them (no drift)."),
    schema: Path = SchemaOption,
    shadow_url: Optional[str] = ShadowOption,
) -> None:
    """Apply the migrations the database has not recorded, in order, each in one transaction with its history row."""
    refuse_stray_words(ctx)
    from ..render.files import list_migrations
    from ..push import push

    migrations = list_migrations(generated)
    if not migrations:
        raise UserError(Problem(str(generated), "no migration files here", "run `supaschema gen` first"))
    target = live_target(db)
    if adopt:
        if dry_run:
            raise UserError(Problem("push", "--adopt and --dry-run exclude each other", "`supaschema diff --db` shows what --adopt would verify"))
        _adopt(target, migrations, generated, schema, shadow_url)
        return
    result = push(target, migrations, dry_run=dry_run)
    if not result.pending:
        typer.echo(f"nothing to push: {target.label} has all {len(migrations)} migrations")
        return
    report_preflight(result.preflight)
    for migration in result.pending:
        typer.echo(f"{'would apply' if dry_run else 'applied'} {migration.path.name}")
    if not dry_run:
        typer.echo(f"{len(result.applied)} migration(s) applied and recorded in supabase_migrations.schema_migrations")


def _adopt(target, migrations, generated: Path, schema: Path, shadow_url: Optional[str]) -> None:
    from ..drift.report import to_text
    from ..push import adopt
    from ..spec.loader import load_spec
    from ..workflows import adoption_drift

    spec = load_spec(schema)
    drift, recorded = adopt(target, migrations, lambda: adoption_drift(target, spec, generated, shadow_url))
    if drift:
        typer.echo(to_text(drift, f"{generated}/ replayed ({len(migrations)} migrations)", target.label), nl=False)
        typer.echo(f"not adopted: {target.label} differs from what {generated}/ builds; nothing was recorded. "
                   "Repair it (`supaschema plan --db`) or change schema.yaml, then try again", err=True)
        raise typer.Exit(1)
    for version in recorded:
        typer.echo(f"adopted {next(m.path.name for m in migrations if m.version == version)} (recorded, not run)")
    typer.echo(f"{target.label} matches {generated}/: {len(recorded)} migration(s) adopted; `supaschema push` ships later ones")
