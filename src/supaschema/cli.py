"""Command line: parse arguments, call the core, map results to exit codes.

Exit codes: 0 fine, 1 something to act on (stale files, drift), 2 error.
Heavy modules (psycopg, sqlglot) are imported inside the commands that need them.
"""

from __future__ import annotations

import os
import sys
import traceback
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from . import __version__
from .command_line import STRAY_WORDS, database_url, mask_typed_passwords, refuse_stray_words, scrub
from .errors import Problem, UserError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Schema-as-code for Supabase: schema.yaml -> migrations, and drift checks against live databases.",
    pretty_exceptions_enable=False,
)

SchemaOption = typer.Option(Path("schema.yaml"), "--schema", "-s", help="The declaration to read.")
TemplatesOption = typer.Option(None, "--templates", help="Jinja templates folder (default: templates/ beside schema.yaml, else the bundled ones).")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"supaschema {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """supaschema: declare the database in schema.yaml, generate migrations, diff against production."""


@app.command(context_settings=STRAY_WORDS)
def validate(ctx: typer.Context, schema: Path = SchemaOption,
             generated: Path = typer.Option(Path("generated"), "--generated", help="The migration folder, checked for renames already shipped.")) -> None:
    """Check schema.yaml and report every problem found (exit 2 if any)."""
    refuse_stray_words(ctx)
    from .lint.config import load_lint_config
    from .lint.engine import known_rule_names
    from .spec.loader import load_spec

    spec = load_spec(schema)
    load_lint_config(schema, known_rule_names())
    typer.echo(
        f"{schema}: ok ({len(spec.tables)} tables, {sum(len(t.policies) for t in spec.tables)} policies, "
        f"{len(spec.functions)} functions, {len(spec.triggers)} triggers, "
        f"{sum(len(sd.rows) for sd in spec.seeds)} seed rows, {len(spec.migrations)} migrations)"
    )
    from .drift.renames import shipped_renames

    files = [(p.name, p.read_text("utf-8")) for p in sorted(generated.glob("*.sql"))] if generated.is_dir() else []
    for key, filename in shipped_renames(spec, files):
        typer.echo(f"note: {key} is stale: {generated / filename} performs the rename. Remove the key once every database "
                   f"has applied that file (`supaschema push --dry-run` lists nothing); until then it is harmless.")


ShadowOption = typer.Option(None, "--shadow-url", help="A server where temporary shadow databases may be created (default: a local throwaway PostgreSQL).")
DestructiveOption = typer.Option(False, "--allow-destructive", help="Include statements that delete data (drop table/column, delete seed rows).")
GeneratedOption = typer.Option(Path("generated"), "--generated", "-o", "--out", help="The migration folder (e.g. supabase/migrations).")


@app.command(context_settings=STRAY_WORDS)
def gen(
    ctx: typer.Context,
    schema: Path = SchemaOption,
    out: Path = GeneratedOption,
    templates: Optional[Path] = TemplatesOption,
    check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 unless replaying the folder yields exactly schema.yaml."),
    name: str = typer.Option("schema_changes", "--name", help="Name of the new migration file, when one is written."),
    rebaseline: bool = typer.Option(False, "--rebaseline", help="Re-render the baseline files and remove later ones. Only for a project never deployed."),
    force: bool = typer.Option(False, "--force", help="With --rebaseline: allow it to delete the migrations after the baseline."),
    allow_destructive: bool = DestructiveOption,
    shadow_url: Optional[str] = ShadowOption,
    strict: bool = typer.Option(False, "--strict", help="Write nothing and exit 1 when lint finds anything (see `supaschema lint`)."),
    no_lint: bool = typer.Option(False, "--no-lint", help="Skip lint (it runs on the desired state whenever gen builds it: every gen after the baseline, and --strict)."),
) -> None:
    """Render schema.yaml into migrations: the baseline files first, then one new migration per change.
    Lint findings on the desired state go to standard error."""
    refuse_stray_words(ctx)
    from .render.files import check_migration_name, list_migrations, missing_files, next_version, write_all
    from .render.migrations import render_migrations, templates_for
    from .spec.loader import load_spec

    if strict and no_lint:
        raise UserError(Problem("gen", "--strict and --no-lint exclude each other", "use one"))
    check_migration_name(name)  # before anything is written, even when --name is not used this time
    spec = load_spec(schema)
    templates_dir = templates_for(schema, templates)
    baseline = render_migrations(spec, templates_dir)
    existing = list_migrations(out)
    if rebaseline:
        if check:
            raise UserError(Problem("gen", "--rebaseline and --check exclude each other", "use one"))
        _rebaseline(out, baseline, [m for m in existing if m.path.name not in baseline], force)
        return
    from .postgres.shadow import shadow

    if not any(m.path.name in baseline for m in existing):
        # The first rendering needs no database; lint would start one (seconds for a big schema),
        # so it runs here only when asked to gate. Every later gen builds the desired state anyway.
        if strict:
            with shadow(shadow_url) as throwaway:
                _lint_for_gen(throwaway, schema, spec, templates_dir, strict)
        elif not no_lint and not check:
            typer.echo("lint: not run on the first rendering (no database needed); `supaschema lint` checks it", err=True)
        if check:
            for missing in missing_files(out, baseline):
                typer.echo(f"missing: {out / missing}")
            typer.echo(f"{out} has no baseline yet: run `supaschema gen`", err=True)
            raise typer.Exit(1)
        for file in write_all(out, baseline):
            typer.echo(f"wrote {out / file}")
        return
    from .drift.report import to_text
    from .workflows import pending_evolution, refuse_destructive, refuse_unfilled_columns

    with shadow(shadow_url) as throwaway:
        if not no_lint:
            _lint_for_gen(throwaway, schema, spec, templates_dir, strict)
        planned = pending_evolution(throwaway, spec, templates_dir, out, allow_destructive)
    if check:
        if planned.drifts:
            typer.echo(to_text(planned.drifts, f"{schema}", f"{out}/ replayed ({len(existing)} migrations)"), nl=False)
            typer.echo(f"{out} does not realise {schema}: run `supaschema gen`", err=True)
            raise typer.Exit(1)
        typer.echo(f"{out} realises {schema} ({len(existing)} migrations replayed)")
        return
    if not planned.drifts:
        typer.echo(f"up to date: replaying {out} ({len(existing)} migrations) yields {schema}")
        return
    if not allow_destructive:
        refuse_destructive(planned)
    refuse_unfilled_columns(planned, schema)
    filename = f"{next_version(existing)}_{name}.sql"
    write_all(out, {filename: planned.sql})
    typer.echo(f"wrote {out / filename} ({len(planned.plan.operations)} operations for {len(planned.drifts)} changes)")


def _lint_for_gen(throwaway, schema: Path, spec, templates_dir: Path, strict: bool) -> None:
    from .lint.config import load_lint_config
    from .lint.engine import known_rule_names
    from .lint.output import to_brief
    from .lint.states import lint_desired

    result = lint_desired(throwaway, spec, templates_dir, load_lint_config(schema, known_rule_names()))
    typer.echo(to_brief(result, str(schema)), nl=False, err=True)
    if strict and result.findings:
        rules = ", ".join(sorted({f.name for f in result.findings}))
        typer.echo(f"gen --strict: {len(result.findings)} lint finding(s) ({rules}); nothing written", err=True)
        raise typer.Exit(1)


def _rebaseline(out: Path, baseline: dict[str, str], later: list, force: bool) -> None:
    from .render.files import write_all

    if later and not force:
        raise UserError(Problem(str(out), f"--rebaseline would delete {len(later)} migration file(s): "
                                          f"{', '.join(m.path.name for m in later)}",
                                "check that no database ever ran them, then run again with --force (or keep them: drop --rebaseline)"))
    typer.echo("REBASELINE: rewriting the baseline migrations from schema.yaml.", err=True)
    typer.echo("  Only safe for a project that has never been deployed: a database that already ran the old", err=True)
    typer.echo("  files will not run the new ones, and fresh databases would take a different path.", err=True)
    for file in write_all(out, baseline):
        typer.echo(f"rewrote {out / file}")
    for migration in later:
        migration.path.unlink()
        typer.echo(f"removed {migration.path} (folded into the baseline)", err=True)


def _live_target(db: Optional[str]):
    from .postgres.connection import Target

    found = database_url(db)
    if found is None:
        raise UserError(Problem("--db", "no database given", "pass --db URL or set DATABASE_URL (or SUPABASE_DB_URL)"))
    return Target.parse(*found)


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
    from .render.files import check_migration_name, list_migrations, next_version, write_all
    from .render.migrations import templates_for
    from .postgres.shadow import shadow
    from .spec.loader import load_spec
    from .workflows import check_plan_data, repair_plan

    if write is not None:
        check_migration_name(write)
    live = _live_target(db)
    spec = load_spec(schema)
    templates_dir = templates_for(schema, templates)
    with shadow(shadow_url) as throwaway:
        planned = repair_plan(throwaway, spec, templates_dir, live, allow_destructive)
    if not planned.drifts:
        typer.echo(f"-- no drift: {live.label} matches {schema}; nothing to do")
        return
    _report_preflight(check_plan_data(live, planned))
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
    from .render.files import list_migrations
    from .push import push

    migrations = list_migrations(generated)
    if not migrations:
        raise UserError(Problem(str(generated), "no migration files here", "run `supaschema gen` first"))
    target = _live_target(db)
    if adopt:
        if dry_run:
            raise UserError(Problem("push", "--adopt and --dry-run exclude each other", "`supaschema diff --db` shows what --adopt would verify"))
        _adopt(target, migrations, generated, schema, shadow_url)
        return
    result = push(target, migrations, dry_run=dry_run)
    if not result.pending:
        typer.echo(f"nothing to push: {target.label} has all {len(migrations)} migrations")
        return
    _report_preflight(result.preflight)
    for migration in result.pending:
        typer.echo(f"{'would apply' if dry_run else 'applied'} {migration.path.name}")
    if not dry_run:
        typer.echo(f"{len(result.applied)} migration(s) applied and recorded in supabase_migrations.schema_migrations")


def _adopt(target, migrations, generated: Path, schema: Path, shadow_url: Optional[str]) -> None:
    from .drift.report import to_text
    from .push import adopt
    from .spec.loader import load_spec
    from .workflows import adoption_drift

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
    from .pull.live import parse_skips, pull
    from .render.files import write_all

    if out.exists() and not force:
        raise UserError(Problem(str(out), "already exists", "choose another --out, or pass --force to overwrite it"))
    if version is not None and not (len(version) == 14 and version.isascii() and version.isdigit()):
        raise UserError(Problem("--version", "not a 14-digit timestamp", "e.g. --version 20251018000000"))
    unmanaged = parse_skips(skip)
    text = pull(_live_target(db), seed, version, unmanaged)
    write_all(out.parent if str(out.parent) else Path("."), {out.name: text})
    typer.echo(f"wrote {out}: run `supaschema gen` next")


def _report_preflight(findings) -> None:
    """What the read-only data checks found (failures have already stopped the command)."""
    if findings.checked:
        typer.echo(f"data checks: {findings.checked - len(findings.unchecked)} of {findings.checked} "
                   "preconditions hold on the current rows", err=True)
    for note in findings.unchecked:
        typer.echo(f"warning: {note}", err=True)


class Format(str, Enum):
    text = "text"
    json = "json"


class Colour(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


def _use_colour(choice: Colour) -> bool:
    if choice is Colour.auto:
        return sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    return choice is Colour.always


@app.command(context_settings=STRAY_WORDS)
def diff(
    ctx: typer.Context,
    db: Optional[str] = typer.Option(None, "--db", help="Live database URL (default: $DATABASE_URL or $SUPABASE_DB_URL)."),
    from_url: Optional[str] = typer.Option(None, "--from", help="Compare two databases: the expected one..."),
    to_url: Optional[str] = typer.Option(None, "--to", help="...and the actual one (no schema.yaml rendering involved)."),
    schema_option: Optional[Path] = typer.Option(None, "--schema", "-s", help="The declaration to read (default: schema.yaml; with --from/--to, only when given, for its seeded tables)."),
    templates: Optional[Path] = TemplatesOption,
    generated: Path = typer.Option(Path("generated"), "--generated", help="Committed migrations, used when no database is given."),
    shadow_url: Optional[str] = ShadowOption,
    output: Format = typer.Option(Format.text, "--format", "-f", help="text for people, json for tools (docs/diff-json.md)."),
    colour: Colour = typer.Option(Colour.auto, "--color", help="Colour the text report."),
    roles: Optional[str] = typer.Option(None, "--roles", help="Also compare the privileges of these roles (comma-separated), or `all`: every role but PostgreSQL's and Supabase's internal ones."),
) -> None:
    """Report every drift between schema.yaml and a live database. Exit 0 none, 1 drift, 2 error."""
    refuse_stray_words(ctx)
    from .drift.compare import compare, not_compared
    from .drift.report import to_json, to_text

    if output is Format.json:
        from . import progress

        progress.silence()  # output for tools: nothing on any stream but the report
    schema_given = schema_option is not None
    schema = schema_option or Path("schema.yaml")
    if (from_url is None) != (to_url is None):
        raise UserError(Problem("diff", "--from and --to go together", "give both, or use --db"))
    if from_url is not None and db is not None:
        raise UserError(Problem("diff", "--db cannot be combined with --from/--to", "use one form"))
    if from_url is not None and to_url is not None:
        from .workflows import two_databases

        expected, actual, labels, skipped = two_databases(from_url, to_url, schema if schema_given else None, roles)
        verdict = "No drift: the two databases match."
    else:
        from .workflows import schema_against

        live = database_url(db)
        expected, actual, labels, skipped = schema_against(live, schema, templates, generated, shadow_url, roles)
        verdict = (f"No drift: the database matches {schema}." if live else
                   f"No drift: {generated}/ replayed matches {schema}; no database was compared (give --db or DATABASE_URL).")
    drifts, unmodelled = compare(expected, actual), not_compared(expected, actual)
    if output is Format.json:
        typer.echo(to_json(drifts, *labels, catalog_queries=expected.queries + actual.queries, skipped=skipped.to_dict(),
                           unmodelled=unmodelled), nl=False)
    else:
        use_colour = _use_colour(colour)
        # click strips escape codes off a non-terminal unless told otherwise.
        typer.echo(to_text(drifts, *labels, colour=use_colour, no_drift=verdict, skipped=skipped.to_dict(), unmodelled=unmodelled),
                   nl=False, color=use_colour)
    if drifts:
        raise typer.Exit(1)


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
    from .postgres.connection import Target
    from .lint.config import load_lint_config
    from .lint.engine import known_rule_names
    from .lint.output import to_json, to_text
    from .lint.sarif import to_sarif

    if output is not LintFormat.text:
        from . import progress

        progress.silence()  # output for tools: nothing on any stream but the report
    schema = schema_option or Path("schema.yaml")
    if db is not None:  # only --db: lint never reads $DATABASE_URL by itself
        live = Target.parse(db, "--db")
        from .lint.states import lint_live

        # With --db, schema.yaml is optional: it only brings exposed schemas, ignores and line numbers.
        config = load_lint_config(schema, known_rule_names(), required=schema_option is not None)
        result, label = lint_live(live, config), live.label
    else:
        from .render.migrations import templates_for
        from .postgres.shadow import shadow
        from .spec.loader import load_spec
        from .lint.states import lint_desired

        spec = load_spec(schema)
        config = load_lint_config(schema, known_rule_names())
        with shadow(shadow_url) as throwaway:
            result = lint_desired(throwaway, spec, templates_for(schema, templates), config)
        label = f"{schema} (rendered, applied to a shadow database)"
    if output is LintFormat.json:
        typer.echo(to_json(result, label), nl=False)
    elif output is LintFormat.sarif:
        typer.echo(to_sarif(result, config.filename and Path(config.filename).as_posix()), nl=False)
    else:
        typer.echo(to_text(result, label, str(schema)), nl=False)
    if result.at_or_above(fail_on.value.upper()):
        raise typer.Exit(1)


@app.command("json-schema")
def json_schema_command() -> None:
    """Print schema.yaml's JSON Schema (draft 2020-12), for editors: `supaschema json-schema > schema.json`."""
    import json

    from .json_schema import json_schema

    typer.echo(json.dumps(json_schema(), indent=2))


from .dev_commands import dev_app  # noqa: E402  (after `app`, whose sub-commands it adds)

app.add_typer(dev_app, name="dev")


def main() -> None:
    from . import progress

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


if __name__ == "__main__":
    main()
