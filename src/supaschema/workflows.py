"""The multi-step jobs behind the commands: which states to build, compared how; states -> drift -> plan -> SQL."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .catalog import snapshot as snap
from .drift.compare import Drift, compare
from .drift.renames import apply_renames, declared_renames
from .drift.unmanaged import Skipped, leave_alone
from .postgres.connection import Target
from .errors import Problem, UserError
from .plan.operations import Plan
from .plan.planner import make_plan
from .plan.render import render_plan, render_plan_files
from .postgres.shadow import Throwaway
from .spec.model import Spec
from .catalog.introspect import Scope
from .catalog.states import committed_snapshot, desired_snapshot, in_parallel, scope_for, snapshot_of

if TYPE_CHECKING:
    from .online.hazards import Hazard
    from .preflight.checks import Findings


@dataclass(frozen=True, slots=True)
class Planned:
    drifts: list[Drift]
    plan: Plan
    sql: str  # the whole plan, every step (printed by `plan --db`)
    files: list[tuple[str, str]] = dataclasses.field(default_factory=list)  # (name suffix, SQL): one migration file per step

    @property
    def destructive(self) -> list[str]:
        return [op.target for op in self.plan.operations if op.destructive]


def _planned(desired: snap.Snapshot, actual: snap.Snapshot, spec: Spec, templates: Path, title: str,
             allow_destructive: bool) -> Planned:
    actual, _ = leave_alone(desired, actual, spec.unmanaged)  # a plan never touches what it does not manage
    actual, renamed = apply_renames(desired, actual, declared_renames(spec))
    drifts = renamed + compare(desired, actual)
    plan = make_plan(drifts, desired, actual, scope_for(spec))
    if not drifts:
        return Planned(drifts, plan, "", [])
    return Planned(drifts, plan, render_plan(plan, templates, title, allow_destructive),
                   render_plan_files(plan, templates, title, allow_destructive))


def pending_evolution(throwaway: Throwaway, spec: Spec, templates: Path, folder: Path, allow_destructive: bool) -> Planned:
    """What schema.yaml declares that replaying the migration folder does not yet produce."""
    scope = scope_for(spec)
    desired = desired_snapshot(throwaway, spec, templates, scope)
    history = committed_snapshot(throwaway, folder, scope)
    return _planned(desired, history, spec, templates, "Evolves the migration history towards schema.yaml.", allow_destructive)


def repair_plan(throwaway: Throwaway, spec: Spec, templates: Path, live: Target, allow_destructive: bool) -> Planned:
    """SQL that brings a live database back to schema.yaml."""
    scope = scope_for(spec)
    # Side by side, as diff does: the live read waits on its server while the desired state is
    # built or loaded from the cache. The live read's error, if any, is reported first.
    actual, desired = in_parallel(lambda: snapshot_of(live, scope, "database"),
                                  lambda: desired_snapshot(throwaway, spec, templates, scope))
    return _planned(desired, actual, spec, templates, "Repairs the drift of a live database towards schema.yaml.", allow_destructive)


def check_plan_data(live: Target, planned: Planned) -> tuple["Findings", list["Hazard"]]:
    """The repair's data preconditions, counted read-only on the live rows (refused when rows would fail
    it), and the locks its statements would take, measured on the live tables."""
    from .online.hazards import measure
    from .postgres.connection import connect
    from .preflight.checks import check_data
    from .preflight.preconditions import Located
    from .sqltext.statements import split_statements

    statements = [(Located("plan", number), sql) for number, sql in enumerate(split_statements(planned.sql), 1)]
    conn = connect(live, what="database", read_only=True)
    try:
        findings = check_data(conn, statements)
        if findings.failures:
            raise UserError(list(findings.failures))
        hazards = measure(conn, statements)
    finally:
        conn.close()
    return findings, hazards


def refuse_unfilled_columns(planned: Planned, schema: Path) -> None:
    """`gen` does not write `ADD COLUMN ... NOT NULL` without a default on an existing table: it fails
    on any database where that table holds rows (production, typically), not on the empty shadow."""
    from .plan.columns import unfilled_new_columns
    from .spec.model import table_key
    from .spec.yaml_source import where_declared

    columns = unfilled_new_columns(planned.plan)
    if not columns:
        return
    text = schema.read_text("utf-8")
    raise UserError([Problem(
        f"{where_declared(text, str(schema), ['tables', table_key(c.schema, c.table), 'columns', c.name])} ({c.path})",
        "a new NOT NULL column without a default on an existing table: adding it fails as soon as the table holds a row",
        "give it a `default:`, or add it with `nullable: true`, run `supaschema gen`, backfill it, "
        "and make it `nullable: false` in a later migration") for c in columns])


def refuse_destructive(planned: Planned) -> None:
    if planned.destructive:
        raise UserError([Problem(target, "this change deletes data",
                                 "review it, then run again with --allow-destructive to include it") for target in planned.destructive])


Labels = tuple[str, str]


def with_roles(scope: Scope, roles: str | None) -> Scope:
    """`diff --roles a,b` watches those roles too; `--roles all` every role but the platform's."""
    from .spec.reading import identifier_error

    if roles is None:
        return scope
    if roles.strip().lower() == "all":
        return dataclasses.replace(scope, all_roles=True)
    names = [name.strip() for name in roles.split(",") if name.strip()]
    for name in names:
        if error := identifier_error(name):
            raise UserError(Problem("--roles", error, "give role names separated by commas, or `all`"))
    return dataclasses.replace(scope, roles=tuple(sorted({*scope.roles, *names})))


def two_databases(from_url: str, to_url: str, schema: Path | None,
                  roles: str | None = None) -> tuple[snap.Snapshot, snap.Snapshot, Labels, Skipped]:
    """`diff --from --to`: the same engine on any two databases; schema.yaml only when given, for its seeded tables."""
    from .spec.loader import load_spec

    expected_target, actual_target = Target.parse(from_url, "--from"), Target.parse(to_url, "--to")
    spec = load_spec(schema) if schema is not None else None
    scope = with_roles(scope_for(spec), roles)
    expected, actual = in_parallel(lambda: snapshot_of(expected_target, scope, "--from database"),
                                   lambda: snapshot_of(actual_target, scope, "--to database"))
    actual, skipped = leave_alone(expected, actual, spec.unmanaged) if spec else (actual, Skipped())
    return expected, actual, (expected_target.label, actual_target.label), skipped


def schema_against(db: tuple[str, str] | None, schema: Path, templates: Path | None, generated: Path,
                   shadow_url: str | None, roles: str | None = None) -> tuple[snap.Snapshot, snap.Snapshot, Labels, Skipped]:
    """`diff`: schema.yaml's desired state against a live database, or (no database) the committed migrations."""
    from .postgres.shadow import shadow
    from .render.migrations import templates_for
    from .spec.loader import load_spec

    live = Target.parse(*db) if db else None  # (URL, where it came from)
    spec = load_spec(schema)
    scope = with_roles(scope_for(spec), roles)
    templates_dir = templates_for(schema, templates)
    with shadow(shadow_url) as throwaway:
        def desired_job():
            return desired_snapshot(throwaway, spec, templates_dir, scope)

        def actual_job():
            if live:
                return snapshot_of(live, scope, "database")
            return committed_snapshot(throwaway, generated, scope)

        actual, expected = in_parallel(actual_job, desired_job)  # the live read fails fastest: report it first
    labels = (f"{schema} (rendered, applied to a shadow database)",
              live.label if live else f"{generated}/ (embedded default: committed migrations on a throwaway database)")
    actual, skipped = leave_alone(expected, actual, spec.unmanaged)
    return expected, actual, labels, skipped


def prepare_dev_database(url: str, generated: Path) -> tuple[bool, list[str]]:
    """The Supabase stub (once) and the migrations the database has not recorded; returns
    whether the stub was applied now, and the names of the files pushed."""
    from .postgres.connection import connect
    from .postgres.shadow import apply_stub
    from .push import push
    from .render.files import list_migrations

    target = Target(url, url)  # a local URL without a password
    with connect(target, what="local database", read_only=False) as conn:
        fresh = conn.execute("SELECT pg_catalog.to_regnamespace('auth') IS NULL").fetchone()[0]
        if fresh:
            apply_stub(conn, "local database")
    migrations = list_migrations(generated) if generated.is_dir() else []
    if not migrations:
        return fresh, []
    return fresh, [m.path.name for m in push(target, migrations).applied]


def adoption_drift(live: Target, spec: Spec, generated: Path, shadow_url: str | None) -> list[Drift]:
    """What `push --adopt` must find empty: the live database against what the migration files build."""
    from .postgres.shadow import shadow

    scope = scope_for(spec)
    with shadow(shadow_url) as throwaway:
        history, actual = in_parallel(lambda: committed_snapshot(throwaway, generated, scope),
                                      lambda: snapshot_of(live, scope, "database"))
    actual, _ = leave_alone(history, actual, spec.unmanaged)
    return compare(history, actual)
