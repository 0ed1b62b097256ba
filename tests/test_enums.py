"""Enums through the pipeline on a real PostgreSQL: another spelling is no drift, and every
change converges (values added before, between and after, a value removed with its rows kept)."""

from __future__ import annotations

import psycopg
import pytest

from supaschema.catalog.states import desired_snapshot, scope_for, snapshot_of
from supaschema.drift.compare import compare
from supaschema.plan.planner import make_plan
from supaschema.plan.render import render_plan
from supaschema.postgres.connection import apply_sql
from supaschema.spec.loader import load_spec

from .helpers import ROOT

SPEC = load_spec(ROOT / "tests" / "golden" / "enums" / "schema.yaml")
SCOPE = scope_for(SPEC)
TABLE = """CREATE TABLE public.accounts (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), tier public.plan_tier NOT NULL);
REVOKE ALL ON public.accounts FROM anon, authenticated, service_role; GRANT SELECT ON public.accounts TO authenticated;"""


@pytest.fixture(scope="module")
def desired(throwaway):
    return desired_snapshot(throwaway, SPEC, ROOT / "templates", SCOPE)


def build(throwaway, sql: str):
    return throwaway.create([("enum case", sql)], prefix="enum")


def test_enum_built_one_value_at_a_time_is_no_drift(throwaway, desired):
    # Each ADD VALUE in its own transaction, as PostgreSQL requires before a value is used.
    target = throwaway.create([("type", "CREATE TYPE public.plan_tier AS ENUM ('pro')"),
                               ("free", "ALTER TYPE public.plan_tier ADD VALUE 'free' BEFORE 'pro'"),
                               ("team", "ALTER TYPE public.plan_tier ADD VALUE 'team''s' AFTER 'pro'"),
                               ("table", TABLE)], prefix="enum")
    try:
        assert compare(desired, snapshot_of(target, SCOPE)) == []
    finally:
        throwaway.drop(target)


CASES = [
    ("last value missing", "('free', 'pro')", "ADD VALUE IF NOT EXISTS 'team''s' AFTER 'pro'"),
    ("middle value missing", "('free', 'team''s')", "ADD VALUE IF NOT EXISTS 'pro' AFTER 'free'"),
    ("first value missing", "('pro', 'team''s')", "ADD VALUE IF NOT EXISTS 'free' BEFORE 'pro'"),
    ("extra value removed, rows kept", "('free', 'legacy', 'pro', 'team''s')", "RENAME TO plan_tier__supaschema_old"),
    ("values reordered", "('pro', 'free', 'team''s')", "RENAME TO plan_tier__supaschema_old"),
]


@pytest.mark.parametrize("name,values,statement", CASES, ids=[c[0] for c in CASES])
def test_enum_change_converges(throwaway, desired, name, values, statement):
    target = build(throwaway, f"CREATE TYPE public.plan_tier AS ENUM {values};" + TABLE +
                   "INSERT INTO public.accounts (tier) SELECT unnest(enum_range(NULL::public.plan_tier)) WHERE true;"
                   "DELETE FROM public.accounts WHERE tier::text = 'legacy';")
    try:
        with psycopg.connect(target.url, autocommit=True) as conn:
            rows_before = conn.execute("SELECT id, tier::text FROM public.accounts ORDER BY 1").fetchall()
            actual = snapshot_of(target, SCOPE)
            drifts = compare(desired, actual)
            assert [(d.kind, d.field) for d in drifts] == [("enum", "values")]
            plan = make_plan(drifts, desired, actual, SCOPE)
            sql = render_plan(plan, ROOT / "templates", "test", allow_destructive=True)
            assert statement in sql
            destructive = [op.action for op in plan.operations if op.destructive]
            assert destructive == (["recreate_enum"] if "RENAME" in statement else [])
            for attempt in ("first", "replay"):
                apply_sql(conn, sql, f"plan ({attempt})")
                assert compare(desired, snapshot_of(target, SCOPE)) == [], (attempt, sql)
            assert conn.execute("SELECT id, tier::text FROM public.accounts ORDER BY 1").fetchall() == rows_before
    finally:
        throwaway.drop(target)


def test_extra_enum_is_dropped_after_its_column(throwaway, desired):
    target = build(throwaway, "CREATE TYPE public.plan_tier AS ENUM ('free', 'pro', 'team''s');" + TABLE +
                   "CREATE TYPE public.mood AS ENUM ('ok'); ALTER TABLE public.accounts ADD COLUMN mood public.mood;")
    try:
        actual = snapshot_of(target, SCOPE)
        drifts = compare(desired, actual)
        assert {(d.kind, d.object, d.change) for d in drifts} == {("enum", "public.mood", "extra"),
                                                                 ("column", "public.accounts.mood", "extra")}
        sql = render_plan(make_plan(drifts, desired, actual, SCOPE), ROOT / "templates", "test", allow_destructive=True)
        with psycopg.connect(target.url, autocommit=True) as conn:
            apply_sql(conn, sql, "plan")
            apply_sql(conn, sql, "plan (replay)")
        assert compare(desired, snapshot_of(target, SCOPE)) == []
    finally:
        throwaway.drop(target)


@pytest.mark.parametrize("text,message", [
    ("enums:\n  public.t:\n    values: [a, a]\n", "'a' is listed twice"),
    ("enums:\n  public.t:\n    values: []\n", "needs at least one value"),
    ("enums:\n  'public.T x':\n    values: [a]\n", "is not a plain lowercase name"),
    ("enums:\n  public.t:\n    values: [a]\n", "enum public.t is not in any migration"),
    ("enums:\n  public.t:\n    values: [a]\n", "table x is in migrations[0] but needs enum public.t from migrations[1]"),
])
def test_enum_problems_are_reported_with_their_line(text, message):
    from supaschema.errors import UserError
    from supaschema.spec.loader import parse_spec

    placed = "    enums: [public.t]\n" if "not in any" not in message and "values: [a]" in text else ""
    later = "  - version: \"20250101000002\"\n    name: later\n" + placed if "needs enum" in message else ""
    document = (text + "tables:\n  x:\n    columns:\n      c: {type: public.t}\n"
                "migrations:\n  - version: \"20250101000001\"\n    name: first\n    tables: [x]\n"
                + ("" if later else placed) + later)
    with pytest.raises(UserError) as caught:
        parse_spec(document, "schema.yaml")
    found = [str(p) for p in caught.value.problems if message in str(p)]
    assert found and all("schema.yaml:" in f for f in found), [str(p) for p in caught.value.problems]
