"""The catalog kinds end to end through the CLI: default privileges declared in schema.yaml,
rendered, compared with a database that still has Supabase's defaults, repaired by `plan`, then
clean; named roles; every new kind's golden project against its own rendering."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from .helpers import run_cli

CASE = Path(__file__).parent / "golden" / "default_privileges"


def rendered() -> list[tuple[str, str]]:
    return [(p.name, p.read_text("utf-8")) for p in sorted((CASE / "expected").glob("*.sql"))]


def test_declared_defaults_match_their_own_rendering(throwaway):
    target = throwaway.create(rendered(), prefix="defaults")
    try:
        result = run_cli("diff", "--db", target.url, "--schema", str(CASE / "schema.yaml"))
    finally:
        throwaway.drop(target)
    assert result.code == 0, result.out + result.err


def test_supabase_defaults_are_drift_and_plan_repairs_them(throwaway):
    # Supabase's defaults (the stub's): ALL on new tables, functions, sequences to the API roles.
    target = throwaway.create([rendered()[1]], prefix="defaults")
    try:
        before = run_cli("diff", "--db", target.url, "--schema", str(CASE / "schema.yaml"))
        assert before.code == 1, before.err
        assert "  default_privilege new tables in public to anon" in before.out.splitlines()
        assert "  default_privilege new functions in public to public" in before.out.splitlines()
        plan = run_cli("plan", "--db", target.url, "--schema", str(CASE / "schema.yaml"))
        assert plan.code == 0, plan.err
        assert "ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;" in plan.out
        with psycopg.connect(target.url, autocommit=True) as conn:
            conn.execute(plan.out)
            conn.execute("CREATE TABLE public.later (id int)")
            anon = conn.execute("SELECT has_table_privilege('anon', 'public.later', 'INSERT')").fetchone()[0]
        assert anon is False  # the repaired defaults hold for the next table
        after = run_cli("diff", "--db", target.url, "--schema", str(CASE / "schema.yaml"))
        assert after.code == 1 and "table public.later" in after.out  # only the table we just made
        assert "default_privilege new" not in after.out
    finally:
        throwaway.drop(target)


def repaired(target, schema: Path) -> str:
    """`plan` applied to the target, which then shows no drift; the plan's text."""
    plan = run_cli("plan", "--db", target.url, "--schema", str(schema))
    assert plan.code == 0, plan.err
    with psycopg.connect(target.url, autocommit=True) as conn:
        conn.execute(plan.out)
    after = run_cli("diff", "--db", target.url, "--schema", str(schema))
    assert after.code == 0, after.out + after.err
    return plan.out


def test_a_named_role_is_managed_end_to_end(throwaway, tmp_path):
    """roles: [reporting] -> its grants are compared and repaired; the shadow creates the role, a
    real project must have it already (roles are the platform's)."""
    schema = tmp_path / "schema.yaml"
    text = (CASE / "schema.yaml").read_text("utf-8").replace("tables:\n  notes:\n", "roles: [reporting]\ntables:\n  notes:\n")
    schema.write_text(text.replace("      body: {type: text, nullable: false}\n",
                                   "      body: {type: text, nullable: false}\n    grants: {reporting: [select]}\n"))
    target = throwaway.create(rendered(), prefix="roles")
    try:
        with psycopg.connect(target.url, autocommit=True) as conn:
            conn.execute("DO $$ BEGIN CREATE ROLE reporting NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
            conn.execute("GRANT INSERT ON public.notes TO reporting")
        before = run_cli("diff", "--db", target.url, "--schema", str(schema))
        assert before.code == 1, before.err
        assert "+ extra   INSERT to reporting: granted" in before.out and "- missing SELECT to reporting: granted" in before.out
        repaired(target, schema)
    finally:
        throwaway.drop(target)


@pytest.mark.parametrize("case", ["comments", "default_privileges", "sequences", "domains"])
def test_golden_project_shows_no_drift_against_its_rendering(case, throwaway):
    folder = Path(__file__).parent / "golden" / case
    files = [(p.name, p.read_text("utf-8")) for p in sorted((folder / "expected").glob("*.sql"))]
    target = throwaway.create(files, prefix="golden")
    try:
        result = run_cli("diff", "--db", target.url, "--schema", str(folder / "schema.yaml"))
    finally:
        throwaway.drop(target)
    assert result.code == 0 and "No drift: the database matches" in result.out, result.out + result.err


def test_another_creators_defaults_end_to_end(throwaway, tmp_path):
    """`for_role:` -> that creator's FOR ROLE defaults are compared and repaired, its name quoted; the plan
    says who may run it; a creator nobody named is listed, not compared."""
    schema = tmp_path / "schema.yaml"
    text = (CASE / "schema.yaml").read_text("utf-8").replace(
        "    sequences:\n", "    for_role:\n      App Admin: {tables: {anon: [select]}}\n    sequences:\n")
    schema.write_text(text)
    target = throwaway.create(rendered(), prefix="creators")
    try:
        with psycopg.connect(target.url, autocommit=True) as conn:
            for role in ("App Admin", "etl_loader"):
                conn.execute(f"DO $$ BEGIN CREATE ROLE \"{role}\" NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
            conn.execute('ALTER DEFAULT PRIVILEGES FOR ROLE "App Admin" IN SCHEMA public GRANT INSERT ON TABLES TO anon')
            conn.execute("ALTER DEFAULT PRIVILEGES FOR ROLE etl_loader IN SCHEMA public GRANT SELECT ON TABLES TO anon")
        before = run_cli("diff", "--db", target.url, "--schema", str(schema))
        assert before.code == 1, before.err
        assert '  default_privilege new tables made by "App Admin" in public to anon' in before.out.splitlines()
        assert "etl_loader" in before.out.split("NOT COMPARED")[1]
        plan = repaired(target, schema)
        assert 'ALTER DEFAULT PRIVILEGES FOR ROLE "App Admin" IN SCHEMA public GRANT SELECT ON TABLES TO anon;' in plan
        assert '-- Runs as App Admin, a member of it, or a superuser (FOR ROLE).' in plan
    finally:
        throwaway.drop(target)
