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
    from ..render.files import change_files, check_migration_name, list_migrations, write_all
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
    findings, hazards = check_plan_data(live, planned)
    report_preflight(findings)
    for hazard in hazards:
        typer.echo(f"lock: {hazard.text()}", err=True)
    if write is None:
        typer.echo(planned.sql, nl=False)
        return
    files = change_files(list_migrations(generated), write, planned.files)
    write_all(generated, files)
    for filename in files:
        typer.echo(f"wrote {generated / filename}" + (f" ({len(planned.plan.operations)} operations)" if len(files) == 1 else ""))


@app.command("push", context_settings=STRAY_WORDS)
def push_command(
    ctx: typer.Context,
    db: Optional[str] = typer.Option(None, "--db", help="Database URL (default: $DATABASE_URL or $SUPABASE_DB_URL)."),
    generated: Path = GeneratedOption,
    dry_run: bool = typer.Option(False, "--dry-run", help="List what would be applied; change nothing."),
    adopt: bool = typer.Option(False, "--adopt", help="Record the files as applied without running them, once the database is proven to match them (no drift)."),
    schema: Path = SchemaOption,
    shadow_url: Optional[str] = ShadowOption,
    lock_timeout: str = typer.Option("3s", "--lock-timeout", help="How long a statement waits for its lock before giving up (then retried): 500ms, 3s, 1min."),
    lock_retries: int = typer.Option(3, "--lock-retries", min=0, max=20, help="Retries after a lock timeout, each after twice the previous pause (1s, 2s, 4s...; at most 20)."),
    statement_timeout: str = typer.Option("0", "--statement-timeout", help="Cancel any statement running longer than this (0: never): 30s, 10min."),
    max_lock_risk: Optional[str] = typer.Option(None, "--max-lock-risk", help="Refuse, before applying anything, a statement that scans, builds or rewrites a table larger than this (e.g. 100MB, 0) under a lock that blocks writes."),
) -> None:
    """Apply the migrations the database has not recorded, in order, each in one transaction with its history row
    (a file with CREATE INDEX CONCURRENTLY: in runs, recorded once all of it ran)."""
    refuse_stray_words(ctx)
    from ..online.applying import LockPolicy, parse_duration
    from ..online.hazards import parse_size
    from ..push import Limits, push
    from ..render.files import list_migrations

    migrations = list_migrations(generated)
    if not migrations:
        raise UserError(Problem(str(generated), "no migration files here", "run `supaschema gen` first"))
    target = live_target(db)
    if adopt:
        if dry_run:
            raise UserError(Problem("push", "--adopt and --dry-run exclude each other", "`supaschema diff --db` shows what --adopt would verify"))
        _adopt(target, migrations, generated, schema, shadow_url)
        return
    policy = LockPolicy(parse_duration(lock_timeout, "--lock-timeout"), parse_duration(statement_timeout, "--statement-timeout"),
                        lock_retries + 1)
    limits = Limits(policy, parse_size(max_lock_risk) if max_lock_risk is not None else None, max_lock_risk or "")
    result = push(target, migrations, dry_run=dry_run, limits=limits, notify=lambda text: typer.echo(f"note: {text}", err=True))
    if not result.pending:
        typer.echo(f"nothing to push: {target.label} has all {len(migrations)} migrations")
        return
    report_preflight(result.preflight)
    for migration in result.pending:
        typer.echo(f"{'would apply' if dry_run else 'applied'} {migration.path.name}")
        if dry_run:
            for hazard in result.hazards:
                if hazard.at.origin == str(migration.path):
                    typer.echo(f"  {hazard.text().removeprefix(hazard.at.origin + ': ')}")
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
