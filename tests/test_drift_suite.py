"""The table-driven drift suite: tests/drift_cases.yaml, one case per entry.

Each case: a database built from generated/, one SQL change, and exactly the
drift items `compare` must report against the desired state from schema.yaml.
A case with `desired_sql` compares against generated/ plus that SQL instead, so
kinds the project's own schema.yaml does not use are exercised the same way.
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
from pathlib import Path

import psycopg
import pytest
import yaml

from supaschema.catalog.introspect import CATALOG_QUERIES
from supaschema.drift.compare import compare
from supaschema.drift.renames import Rename, apply_renames
from supaschema.postgres.connection import apply_sql
from supaschema.plan.planner import make_plan
from supaschema.plan.render import render_plan
from supaschema.render.files import list_migrations, next_version, write_all
from supaschema.render.migrations import templates_for
from supaschema.sqltext.statements import split_statements
from supaschema.workflows import pending_evolution
from supaschema.spec.loader import load_spec
from supaschema.catalog.states import desired_snapshot, scope_for, snapshot_of

from .helpers import GENERATED, ROOT, committed_migrations

CASES = yaml.safe_load((Path(__file__).parent / "drift_cases.yaml").read_text("utf-8"))


@pytest.fixture(scope="session")
def spec():
    return load_spec(ROOT / "schema.yaml")


@pytest.fixture(scope="session")
def scope(spec):
    return scope_for(spec)


@pytest.fixture(scope="session")
def desired(throwaway, spec, scope):
    return desired_snapshot(throwaway, spec, templates_for(ROOT / "schema.yaml"), scope)


@pytest.fixture(scope="session")
def baseline(throwaway):
    """generated/ applied once; every case starts from a copy of it."""
    return throwaway.create(committed_migrations(), prefix="baseline")


@pytest.fixture
def drifted(throwaway, baseline):
    """A copy of the baseline with some SQL applied: yields a connection to it; dropped afterwards."""

    @contextlib.contextmanager
    def make(sql: str):
        target = throwaway.copy(baseline, prefix="drifted")
        try:
            with psycopg.connect(target.url, autocommit=True) as conn:
                conn.execute(sql)
                yield target, conn
        finally:
            throwaway.drop(target)

    return make


@pytest.fixture
def desired_for(drifted, desired, throwaway):
    """The desired snapshot and scope of a case: schema.yaml's, or generated/ plus the case's
    `desired_sql`; a case's `roles` are watched too (and created: roles are cluster-wide)."""

    @contextlib.contextmanager
    def make(case: dict, scope):
        if case.get("all_roles"):
            scope = dataclasses.replace(scope, all_roles=True)
        if "roles" in case:
            scope = dataclasses.replace(scope, roles=tuple(sorted({*scope.roles, *case["roles"]})))
            throwaway.ensure_project_roles(tuple(case["roles"]))
        if "extensions" in case:  # as if schema.yaml listed `extensions:`
            scope = dataclasses.replace(scope, extensions=tuple(case["extensions"]))
        if "schemas" in case:  # as if schema.yaml declared them under `schemas:`
            scope = dataclasses.replace(scope, schemas=(*scope.schemas, *case["schemas"]))
        if not {"desired_sql", "roles", "all_roles", "extensions", "schemas"} & case.keys():
            yield desired, scope
            return
        with drifted(case.get("desired_sql", "SELECT 1")) as (target, _):
            yield snapshot_of(target, scope), scope

    return make


def renames_of(case: dict) -> list[Rename]:
    """A case's `renames:` ([kind, schema, parent, old, new]): what schema.yaml would declare with `renamed_from`."""
    return [Rename(*item) for item in case.get("renames", [])]


def drifts_against(desired, target, scope, renames=()) -> tuple:
    """(drifts, the actual snapshot as the planner sees it): declared renames first, as workflows does."""
    actual, renamed = apply_renames(desired, snapshot_of(target, scope), list(renames))
    return renamed + compare(desired, actual), actual


def plan_sql(desired, target, scope, renames=(), **options) -> tuple:
    drifts, actual = drifts_against(desired, target, scope, renames)
    plan = make_plan(drifts, desired, actual, scope)
    return plan, render_plan(plan, ROOT / "templates", options.pop("title", "test"), **options)


def drift_keys(drifts) -> set[tuple]:
    return {(d.kind, d.object, d.change, d.field) if d.field else (d.kind, d.object, d.change) for d in drifts}


def test_suite_is_large_enough():
    assert len(CASES) >= 30
    assert len({c["name"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_drift_case(case, drifted, desired_for, scope):
    with desired_for(case, scope) as (desired, scope), drifted(case["sql"]) as (target, _):
        drifts, _ = drifts_against(desired, target, scope, renames_of(case))
    assert drift_keys(drifts) == {tuple(item) for item in case["expect"]}, [d.to_dict() for d in drifts]


def test_baseline_has_no_drift(baseline, desired, scope):
    assert compare(desired, snapshot_of(baseline, scope)) == []


def test_snapshot_is_plain_sorted_json_data(desired, baseline, scope):
    import json

    data = json.loads(json.dumps(desired.to_dict()))
    assert [t["name"] for t in data["table"]] == ["model_pricing", "usage_records", "user_balances"]
    assert len(data["seed_row"]) == 15
    assert not any("oid" in key for kind in data.values() if isinstance(kind, list) for row in kind for key in row)
    # one query per kind of object, the project owner, what is not compared, and one per seeded table
    assert snapshot_of(baseline, scope).queries == 16 + 2 + 1 == CATALOG_QUERIES + 1  # progress counts them by this constant


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_plan_replays_everywhere(case, drifted, desired_for, scope, spec, throwaway, tmp_path):
    """A plan must replay in three places: on the database it repairs (and again: harmless), on a
    database where a deploy of it stopped half-way, and on a fresh database built from generated/
    (gen --check after plan --write; for a `desired_sql` case, generated/ plus that SQL)."""
    with desired_for(case, scope) as (desired, scope), drifted(case["sql"]) as (target, conn):
        renames = renames_of(case)
        _, sql = plan_sql(desired, target, scope, renames, allow_destructive=True)
        _, written = plan_sql(desired, target, scope, renames)  # what `plan --write` saves: destructive lines commented out
        assert not [line for line in sql.splitlines() if line.startswith("DROP") and "CASCADE" in line]
        for attempt in ("first", "replay"):
            apply_sql(conn, sql, f"plan ({attempt})")
            left, _ = drifts_against(desired, target, scope, renames)
            assert left == [], (attempt, sql, [d.to_dict() for d in left])

        statements = split_statements(sql)
        with drifted(case["sql"]) as (target, conn):
            apply_sql(conn, "".join(f"{s};\n" for s in statements[: len(statements) // 2]), "plan (first half)")
            apply_sql(conn, sql, "plan (after a half-way deploy)")
            left, _ = drifts_against(desired, target, scope, renames)
            assert left == [], (sql, [d.to_dict() for d in left])

        if "desired_sql" in case:
            with drifted(case["desired_sql"]) as (target, conn):
                apply_sql(conn, written, "plan (on a fresh database)")
                left, _ = drifts_against(desired, target, scope, renames)
        else:
            folder = tmp_path / "generated"
            shutil.copytree(GENERATED, folder)
            write_all(folder, {f"{next_version(list_migrations(folder))}_repair.sql": written})
            left = pending_evolution(throwaway, spec, ROOT / "templates", folder, allow_destructive=True).drifts
    assert drift_keys(left) == {tuple(item) for item in case.get("left_on_fresh", [])}, (written, [d.to_dict() for d in left])


def test_destructive_statements_stay_commented_without_permission(drifted, desired, scope):
    sql = ("CREATE TABLE public.keep_me (id int); INSERT INTO public.keep_me VALUES (1);"
           "INSERT INTO public.model_pricing (model_id, provider_id, input_price_per_1k_tokens, output_price_per_1k_tokens)"
           " VALUES ('gpt-5', 'openai', 0.001, 0.002)")
    with drifted(sql) as (target, conn):
        plan, sql = plan_sql(desired, target, scope)
        assert sorted(op.action for op in plan.operations if op.destructive) == ["delete_seed_row", "drop_table"]
        assert "-- DROP TABLE IF EXISTS public.keep_me;" in sql and "\nDROP TABLE" not in sql
        assert "2 destructive operations are commented out" in sql
        apply_sql(conn, sql, "plan")
        assert conn.execute("SELECT count(*) FROM public.keep_me").fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM public.model_pricing WHERE model_id = 'gpt-5'").fetchone() == (1,)


GOLDEN_PLANS = Path(__file__).parent / "golden_plans"


@pytest.mark.parametrize("name", sorted(p.stem for p in GOLDEN_PLANS.glob("*.drift.sql")))
def test_plan_golden(name, drifted, desired, scope, update_golden):
    """tests/golden_plans/<name>.drift.sql is applied to the baseline; the plan must equal <name>.plan.sql."""
    name = name.removesuffix(".drift")
    with drifted((GOLDEN_PLANS / f"{name}.drift.sql").read_text()) as (target, _):
        _, sql = plan_sql(desired, target, scope, title="Golden plan.")
    golden = GOLDEN_PLANS / f"{name}.plan.sql"
    if update_golden:
        golden.write_text(sql)
    assert sql == golden.read_text(), "run `pytest --update-golden` and review the diff if the change is intended"
