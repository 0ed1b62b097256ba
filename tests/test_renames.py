"""renamed_from: gen writes RENAME (the data stays), never DROP and ADD; push ships it; replays are harmless."""

from __future__ import annotations

import shutil
from pathlib import Path

import psycopg
import pytest

from .helpers import ROOT, run_cli

GOLDEN = Path(__file__).parent / "golden_renames"
OLD = "      currency: {type: text, nullable: false, default: \"'USD'\"}\n      is_active"
NEW = "      price_currency: {type: text, nullable: false, default: \"'USD'\", renamed_from: currency}\n      is_active"


@pytest.fixture
def project(tmp_path):
    shutil.copy(ROOT / "schema.yaml", tmp_path / "schema.yaml")
    shutil.copytree(ROOT / "generated", tmp_path / "generated")
    return tmp_path


@pytest.fixture
def live(throwaway):
    target = throwaway.create([], prefix="rename")
    yield target.url
    throwaway.drop(target)


def test_renamed_column_keeps_its_rows(project, live):
    assert run_cli("push", "--db", live, cwd=project).code == 0
    with psycopg.connect(live, autocommit=True) as conn:
        conn.execute("UPDATE public.model_pricing SET currency = 'EUR' WHERE model_id = 'gpt-4'")
    text = (project / "schema.yaml").read_text()
    assert OLD in text
    (project / "schema.yaml").write_text(text.replace(OLD, NEW, 1))

    result = run_cli("gen", "--name", "rename_currency", cwd=project)
    assert result.code == 0, result.err
    written = next((project / "generated").glob("*_rename_currency.sql")).read_text()
    assert "RENAME COLUMN currency TO price_currency" in written and "DROP" not in written, written
    assert run_cli("gen", "--check", cwd=project).code == 0

    assert run_cli("push", "--db", live, cwd=project).code == 0
    with psycopg.connect(live, autocommit=True) as conn:
        rows = conn.execute("SELECT model_id, price_currency FROM public.model_pricing ORDER BY 1").fetchall()
        assert len(rows) == 15 and ("gpt-4", "EUR") in rows and ("gpt-4o", "USD") in rows
        conn.execute(written)  # the migration again: the rename is skipped, nothing fails
    assert run_cli("diff", "--db", live, cwd=project).code == 0
    validated = run_cli("validate", cwd=project)
    assert validated.code == 0 and "note: tables.model_pricing.columns.price_currency.renamed_from is stale" in validated.out


def test_plan_renames_a_live_column(project, live):
    assert run_cli("push", "--db", live, cwd=project).code == 0
    text = (project / "schema.yaml").read_text()
    (project / "schema.yaml").write_text(text.replace(OLD, NEW, 1))
    printed = run_cli("plan", "--db", live, cwd=project)
    assert printed.code == 0 and "rename column public.model_pricing.price_currency" in printed.out
    assert "DROP" not in printed.out, printed.out


def test_renamed_from_an_existing_column_is_refused(project):
    text = (project / "schema.yaml").read_text().replace(
        "      model_id: {type: text, nullable: false}\n      provider_id",
        "      model_id: {type: text, nullable: false, renamed_from: provider_id}\n      provider_id", 1)
    (project / "schema.yaml").write_text(text)
    result = run_cli("validate", cwd=project)
    assert result.code == 2 and "renamed_from: 'provider_id' is still a column of this table" in result.err


def edited(project, *replacements: tuple[str, str]) -> None:
    text = (project / "schema.yaml").read_text()
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    (project / "schema.yaml").write_text(text)


# user_balances becomes balances, its currency column balance_currency: every place schema.yaml names them.
TABLE_RENAME = (
    ("  user_balances:\n    comment:", "  balances:\n    renamed_from: user_balances\n    comment:"),
    ("      currency: {type: text, nullable: false, default: \"'USD'\"}\n      created_at: {type: timestamptz, nullable: false, default: now()}\n"
     "      updated_at: {type: timestamptz, nullable: false, default: now()}\n    rls: {enabled: true}\n    policies:\n      Users can read their own balance",
     "      balance_currency: {type: text, nullable: false, default: \"'USD'\", renamed_from: currency}\n"
     "      created_at: {type: timestamptz, nullable: false, default: now()}\n"
     "      updated_at: {type: timestamptz, nullable: false, default: now()}\n    rls: {enabled: true}\n    policies:\n      Users can read their own balance"),
    ("public.user_balances (user_id, balance, total_spent, currency)", "public.balances (user_id, balance, total_spent, balance_currency)"),
    ("public.user_balances AS b", "public.balances AS b"),
    ("    table: user_balances\n", "    table: balances\n"),
    ("tables: [model_pricing, usage_records, user_balances]", "tables: [model_pricing, usage_records, balances]"),
    ("      - user_balances: Users can read", "      - balances: Users can read"),
    ("      - user_balances: Users can create", "      - balances: Users can create"),
)


def test_renamed_table_and_column_keep_their_rows(project, live, update_golden):
    assert run_cli("push", "--db", live, cwd=project).code == 0
    user = "00000000-0000-0000-0000-0000000000aa"
    with psycopg.connect(live, autocommit=True) as conn:
        conn.execute("INSERT INTO auth.users (id) VALUES (%s)", (user,))  # the signup trigger creates the balance row
        conn.execute("UPDATE public.user_balances SET balance = 12.5, currency = 'EUR' WHERE user_id = %s", (user,))
        grants_before = conn.execute("SELECT grantee, privilege_type FROM information_schema.role_table_grants "
                                     "WHERE table_name = 'user_balances' ORDER BY 1, 2").fetchall()
    edited(project, *TABLE_RENAME)

    result = run_cli("gen", "--name", "rename_balances", cwd=project)
    assert result.code == 0, result.err
    written = next((project / "generated").glob("*_rename_balances.sql")).read_text()
    assert "ALTER TABLE public.user_balances RENAME TO balances;" in written, written
    assert "ALTER TABLE public.balances RENAME COLUMN currency TO balance_currency;" in written, written
    assert "RENAME CONSTRAINT user_balances_pkey TO balances_pkey;" in written, written
    assert "DROP" not in written, written
    # Only the renames: the functions whose bodies now name the table follow schema.yaml's own evolution.
    renames = "\n\n".join(block for block in written.split("\n\n") if block.startswith("-- rename "))
    golden = GOLDEN / "table_and_column.sql"
    if update_golden:
        golden.write_text(renames)
    assert renames == golden.read_text(), "run `pytest --update-golden` and review the diff if the change is intended"
    assert run_cli("gen", "--check", cwd=project).code == 0

    assert run_cli("push", "--db", live, cwd=project).code == 0
    with psycopg.connect(live, autocommit=True) as conn:
        assert conn.execute("SELECT balance, balance_currency FROM public.balances WHERE user_id = %s", (user,)).fetchone() == (12.5, "EUR")
        assert conn.execute("SELECT grantee, privilege_type FROM information_schema.role_table_grants "
                            "WHERE table_name = 'balances' ORDER BY 1, 2").fetchall() == grants_before
        conn.execute(written)  # the migration again: every rename is skipped, nothing fails
    assert run_cli("diff", "--db", live, cwd=project).code == 0
    validated = run_cli("validate", cwd=project)
    assert validated.code == 0
    assert "note: tables.balances.renamed_from is stale" in validated.out, validated.out
    assert "note: tables.balances.columns.balance_currency.renamed_from is stale" in validated.out, validated.out


# The view, the trigger function and a policy get new names; what names them follows.
OTHER_RENAMES = (
    ("  public.user_usage_daily:\n", "  public.usage_by_day:\n    renamed_from: user_usage_daily\n"),
    ("views: [public.user_usage_daily]", "views: [public.usage_by_day]"),
    ("  public.set_updated_at:\n", "  public.touch_updated_at:\n    renamed_from: set_updated_at\n"),
    ("function: public.set_updated_at\n", "function: public.touch_updated_at\n"),
    ("functions: [public.set_updated_at, public.record_usage]", "functions: [public.touch_updated_at, public.record_usage]"),
    ("      Users can read their own usage:\n", "      Owners read their usage:\n        renamed_from: Users can read their own usage\n"),
    ("      - usage_records: Users can read their own usage", "      - usage_records: Owners read their usage"),
)


def test_renamed_view_function_and_policy(project, live, update_golden):
    assert run_cli("push", "--db", live, cwd=project).code == 0
    edited(project, *OTHER_RENAMES)
    result = run_cli("gen", "--name", "renames", cwd=project)
    assert result.code == 0, result.err
    written = next((project / "generated").glob("*_renames.sql")).read_text()
    golden = GOLDEN / "view_function_policy.sql"
    if update_golden:
        golden.write_text(written)
    assert written == golden.read_text(), "run `pytest --update-golden` and review the diff if the change is intended"
    assert "DROP" not in written and "CREATE" not in written, written
    assert run_cli("gen", "--check", cwd=project).code == 0

    assert run_cli("push", "--db", live, cwd=project).code == 0
    with psycopg.connect(live, autocommit=True) as conn:
        conn.execute(written)  # again: harmless
        granted = conn.execute("SELECT has_table_privilege('authenticated', 'public.usage_by_day', 'SELECT'), "
                               "has_function_privilege('anon', 'public.touch_updated_at()', 'EXECUTE')").fetchone()
        assert granted == (True, False)
    assert run_cli("diff", "--db", live, cwd=project).code == 0
    validated = run_cli("validate", cwd=project)
    for key in ("views.public.usage_by_day", "functions.public.touch_updated_at",
                "tables.usage_records.policies.Owners read their usage"):
        assert f"note: {key}.renamed_from is stale" in validated.out, validated.out



def test_renamed_enum_value_keeps_its_rows(throwaway, update_golden):
    from supaschema.catalog.states import desired_snapshot, scope_for, snapshot_of
    from supaschema.drift.compare import compare
    from supaschema.drift.renames import apply_renames, declared_renames
    from supaschema.plan.planner import make_plan
    from supaschema.plan.render import render_plan
    from supaschema.postgres.connection import apply_sql
    from supaschema.spec.loader import parse_spec

    text = (ROOT / "tests" / "golden" / "enums" / "schema.yaml").read_text()
    spec = parse_spec(text.replace("values: [free, pro,", "values: [free, {pro: {renamed_from: plus}},"))
    scope = scope_for(spec)
    desired = desired_snapshot(throwaway, spec, ROOT / "templates", scope)
    target = throwaway.create([("old", "CREATE TYPE public.plan_tier AS ENUM ('free', 'plus', 'team''s');"
                                       "CREATE TABLE public.accounts (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), tier public.plan_tier NOT NULL);"
                                       "REVOKE ALL ON public.accounts FROM anon, authenticated, service_role;"
                                       "GRANT SELECT ON public.accounts TO authenticated;"
                                       "INSERT INTO public.accounts (tier) VALUES ('plus'), ('free')")], prefix="rename")
    try:
        actual, renamed = apply_renames(desired, snapshot_of(target, scope), declared_renames(spec))
        drifts = renamed + compare(desired, actual)
        assert [(d.kind, d.change, d.expected, d.actual) for d in drifts] == [("enum", "renamed", "pro", "plus")]
        sql = render_plan(make_plan(drifts, desired, actual, scope), ROOT / "templates", "Golden plan.")
        golden = GOLDEN / "enum_value.sql"
        if update_golden:
            golden.write_text(sql)
        assert sql == golden.read_text(), "run `pytest --update-golden` and review the diff if the change is intended"
        with psycopg.connect(target.url, autocommit=True) as conn:
            for _ in range(2):  # the second time, the guard skips it
                apply_sql(conn, sql, "plan")
            assert conn.execute("SELECT tier::text FROM public.accounts ORDER BY 1").fetchall() == [("free",), ("pro",)]
        assert compare(desired, snapshot_of(target, scope)) == []
    finally:
        throwaway.drop(target)


def test_every_kind_of_rename_is_stale_once_a_file_performs_it():
    """validate's stale notes: each kind's statement, as the plan templates write it, found in a migration file."""
    from supaschema.drift.renames import shipped_renames
    from supaschema.spec.loader import parse_spec

    text = (ROOT / "tests" / "golden" / "enums" / "schema.yaml").read_text()
    spec = parse_spec(text.replace("values: [free, pro,", "values: [free, {pro: {renamed_from: plus}},"))
    performed = (GOLDEN / "enum_value.sql").read_text()
    assert shipped_renames(spec, [("1_other.sql", "SELECT 1;"), ("2_rename.sql", performed)]) == [
        ("enums.public.plan_tier.values.pro.renamed_from", "2_rename.sql")]
    assert shipped_renames(spec, [("1_other.sql", performed.replace("'plus'", "'gold'"))]) == []


def test_diff_reports_a_pending_rename_as_one_item(project):
    edited(project, *TABLE_RENAME)
    import json

    result = run_cli("diff", "--format", "json", cwd=project)
    assert result.code == 1, result.err
    items = {(d["kind"], d["object"], d["change"]) for d in json.loads(result.out)["drift"]}
    assert ("table", "public.balances", "renamed") in items and ("column", "public.balances.balance_currency", "renamed") in items
    assert not [item for item in items if item[2] in ("missing", "extra")], items
