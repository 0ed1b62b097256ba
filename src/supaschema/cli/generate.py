"""`validate` and `gen`: schema.yaml checked, then rendered into the migration folder."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..errors import Problem, UserError
from .app import DestructiveOption, GeneratedOption, SchemaOption, ShadowOption, TemplatesOption, app
from .typed_input import STRAY_WORDS, refuse_stray_words


@app.command(context_settings=STRAY_WORDS)
def validate(ctx: typer.Context, schema: Path = SchemaOption,
             generated: Path = typer.Option(Path("generated"), "--generated", help="The migration folder, checked for renames already shipped.")) -> None:
    """Check schema.yaml and report every problem found (exit 2 if any)."""
    refuse_stray_words(ctx)
    from ..lint.config import lint_config
    from ..lint.engine import known_rule_names
    from ..spec.loader import load_spec

    spec = load_spec(schema)
    lint_config(spec, known_rule_names())  # the ignores name rules that exist
    typer.echo(
        f"{schema}: ok ({len(spec.tables)} tables, {sum(len(t.policies) for t in spec.tables)} policies, "
        f"{len(spec.functions)} functions, {len(spec.triggers)} triggers, "
        f"{sum(len(sd.rows) for sd in spec.seeds)} seed rows, {len(spec.migrations)} migrations)"
    )
    from ..drift.renames import shipped_renames

    files = [(p.name, p.read_text("utf-8")) for p in sorted(generated.glob("*.sql"))] if generated.is_dir() else []
    for key, filename in shipped_renames(spec, files):
        typer.echo(f"note: {key} is stale: {generated / filename} performs the rename. Remove the key once every database "
                   f"has applied that file (`supaschema push --dry-run` lists nothing); until then it is harmless.")


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
    from ..render.files import check_migration_name, list_migrations
    from ..render.migrations import render_migrations, templates_for
    from ..spec.loader import load_spec

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
    lint = _GenLint(schema, spec, templates_dir, strict, no_lint)
    if not any(m.path.name in baseline for m in existing):
        _first_rendering(out, baseline, lint, check, shadow_url)
        return
    _next_migration(schema, spec, templates_dir, out, existing, lint, check, name, allow_destructive, shadow_url)


class _GenLint:
    """Lint as `gen` runs it: on the desired state, findings to standard error, a gate with --strict."""

    def __init__(self, schema: Path, spec, templates_dir: Path, strict: bool, skip: bool) -> None:
        self.schema, self.spec, self.templates_dir, self.strict, self.skip = schema, spec, templates_dir, strict, skip

    def run(self, throwaway) -> None:
        from ..lint.config import lint_config
        from ..lint.engine import known_rule_names
        from ..lint.output import to_brief
        from ..lint.states import lint_desired

        result = lint_desired(throwaway, self.spec, self.templates_dir, lint_config(self.spec, known_rule_names()))
        typer.echo(to_brief(result, str(self.schema)), nl=False, err=True)
        if self.strict and result.findings:
            rules = ", ".join(sorted({f.name for f in result.findings}))
            typer.echo(f"gen --strict: {len(result.findings)} lint finding(s) ({rules}); nothing written", err=True)
            raise typer.Exit(1)


def _first_rendering(out: Path, baseline: dict[str, str], lint: _GenLint, check: bool, shadow_url: Optional[str]) -> None:
    from ..render.files import missing_files, write_all

    # The first rendering needs no database; lint would start one (seconds for a big schema),
    # so it runs here only when asked to gate. Every later gen builds the desired state anyway.
    if lint.strict:
        from ..postgres.shadow import shadow  # only here: its imports are a cold gen's to spare

        with shadow(shadow_url) as throwaway:
            lint.run(throwaway)
    elif not lint.skip and not check:
        typer.echo("lint: not run on the first rendering (no database needed); `supaschema lint` checks it", err=True)
    if check:
        for missing in missing_files(out, baseline):
            typer.echo(f"missing: {out / missing}")
        typer.echo(f"{out} has no baseline yet: run `supaschema gen`", err=True)
        raise typer.Exit(1)
    for file in write_all(out, baseline):
        typer.echo(f"wrote {out / file}")


def _next_migration(schema: Path, spec, templates_dir: Path, out: Path, existing: list, lint: _GenLint,
                    check: bool, name: str, allow_destructive: bool, shadow_url: Optional[str]) -> None:
    from ..drift.report import to_text
    from ..postgres.shadow import shadow
    from ..render.files import change_files, write_all
    from ..workflows import pending_evolution, refuse_destructive, refuse_unfilled_columns

    with shadow(shadow_url) as throwaway:
        if not lint.skip:
            lint.run(throwaway)
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
    files = change_files(existing, name, planned.files)
    write_all(out, files)
    summary = f"({len(planned.plan.operations)} operations for {len(planned.drifts)} changes)"
    if len(files) == 1:
        typer.echo(f"wrote {out / next(iter(files))} {summary}")
        return
    for filename in files:
        typer.echo(f"wrote {out / filename}")
    typer.echo(f"{summary[1:-1]}, in {len(files)} files: each concurrent index build, and the validations after them, run on their own")


def _rebaseline(out: Path, baseline: dict[str, str], later: list, force: bool) -> None:
    from ..render.files import write_all

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
