"""Evolve and ship, through the CLI: gen writes new migrations, push applies them with Supabase's history, plan repairs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from .helpers import ROOT, run_cli

# The committed history: the four baseline files and every migration `gen` has written since.
COMMITTED = sorted(p.name for p in (ROOT / "generated").glob("*.sql"))

# The changes of the evolution scenario, as edits of schema.yaml.
EVOLUTION = [
    ('      is_active: {type: boolean, nullable: false, default: "true"}',
     '      is_active: {type: boolean, nullable: false, default: "true"}\n'
     '      context_window: {type: integer, nullable: false, default: "128000"}'),
    ("[openai, gpt-4o, 0.0025, 0.01]", "[openai, gpt-4o, 0.002, 0.008]"),
    ("[anthropic, claude-3-opus-20240229, 0.015, 0.075]", "[anthropic, claude-3-opus-20240229, 0.0125, 0.075]"),
    ("      - [mistral, mistral-small-latest, 0.0002, 0.0006]",
     "      - [mistral, mistral-small-latest, 0.0002, 0.0006]\n      - [openai, gpt-5, 0.00125, 0.01]"),
    ("        using: (select auth.uid()) = user_id\n    # Usage",
     "        using: (select auth.uid()) = user_id and created_at > now() - interval '90 days'\n    # Usage"),
    ("RAISE WARNING 'handle_new_user_balance: no balance", "RAISE WARNING 'handle_new_user_balance (v2): no balance"),
]
EXPECTED_EVOLUTION_DRIFT = {
    ("column", "public.model_pricing.context_window", "missing", None),
    ("seed_row", "public.model_pricing[gpt-4o, openai]", "changed", "input_price_per_1k_tokens"),
    ("seed_row", "public.model_pricing[gpt-4o, openai]", "changed", "output_price_per_1k_tokens"),
    ("seed_row", "public.model_pricing[claude-3-opus-20240229, anthropic]", "changed", "input_price_per_1k_tokens"),
    ("seed_row", "public.model_pricing[gpt-5, openai]", "missing", None),
    ("policy", 'public.usage_records."Users can read their own usage"', "changed", "using"),
    ("function", "public.handle_new_user_balance()", "changed", "body"),
}


@pytest.fixture
def project(tmp_path) -> Path:
    shutil.copy(ROOT / "schema.yaml", tmp_path / "schema.yaml")
    shutil.copytree(ROOT / "generated", tmp_path / "generated")
    return tmp_path


@pytest.fixture
def empty_db(throwaway):
    """A fresh Supabase-like database: the stub, no migrations."""
    target = throwaway.create([], prefix="push")
    yield target.url
    throwaway.drop(target)


def edit_schema(project: Path, edits: list[tuple[str, str]]) -> None:
    text = (project / "schema.yaml").read_text()
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    (project / "schema.yaml").write_text(text)


def history(url: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT version, name, array_length(statements, 1) FROM supabase_migrations.schema_migrations ORDER BY 1").fetchall()


def drift_keys(output: str) -> set[tuple]:
    import json

    return {(d["kind"], d["object"], d["change"], d["field"] if d["change"] == "changed" else None)
            for d in json.loads(output)["drift"]}


def test_evolution_end_to_end(project, empty_db, throwaway):
    assert run_cli("push", "--db", empty_db, cwd=project).out.count("applied 2025") == 4
    edit_schema(project, EVOLUTION)

    assert run_cli("gen", "--check", cwd=project).code == 1
    result = run_cli("gen", "--name", "evolve_pricing", cwd=project)
    assert result.code == 0, result.err
    new_files = sorted(p.name for p in (project / "generated").glob("*.sql") if p.name not in COMMITTED)
    assert len(new_files) == 1 and new_files[0].endswith("_evolve_pricing.sql")
    baseline_unchanged = {p.name: p.read_bytes() for p in (ROOT / "generated").glob("*.sql")}
    assert {n: (project / "generated" / n).read_bytes() for n in baseline_unchanged} == baseline_unchanged
    assert run_cli("gen", "--check", cwd=project).code == 0
    assert "up to date" in run_cli("gen", cwd=project).out

    diff = run_cli("diff", "--db", empty_db, "--format", "json", cwd=project)
    assert diff.code == 1 and drift_keys(diff.out) == EXPECTED_EVOLUTION_DRIFT

    pushed = run_cli("push", "--db", empty_db, cwd=project)
    assert pushed.code == 0 and f"applied {new_files[0]}" in pushed.out
    assert run_cli("diff", "--db", empty_db, cwd=project).code == 0
    assert "nothing to push" in run_cli("push", "--db", empty_db, cwd=project).out
    assert [row[0] for row in history(empty_db)][-1] == new_files[0][:14]

    fresh = throwaway.create([], prefix="fresh")
    assert run_cli("push", "--db", fresh.url, cwd=project).out.count("\napplied ") == len(COMMITTED)  # the first line has no \n
    assert run_cli("diff", "--db", fresh.url, cwd=project).code == 0
    throwaway.drop(fresh)


def test_push_records_supabase_history_and_dry_run_changes_nothing(project, empty_db):
    dry = run_cli("push", "--db", empty_db, "--dry-run", cwd=project)
    assert dry.code == 0 and dry.out.count("would apply") == len(COMMITTED)
    with psycopg.connect(empty_db) as conn:
        assert conn.execute("SELECT to_regclass('supabase_migrations.schema_migrations')").fetchone() == (None,)
    assert run_cli("push", "--db", empty_db, cwd=project).code == 0
    rows = history(empty_db)
    assert [(v, n) for v, n, _ in rows] == [
        ("20251018000001", "create_pricing_tables"), ("20251018000002", "seed_model_pricing"),
        ("20251018000003", "create_user_balance_trigger"), ("20251018000004", "add_user_balance_insert_policy"),
        ("20261125182701", "record_usage"), ("20261125211055", "tighten_default_privileges")]
    assert all(count and count > 0 for _, _, count in rows)


def test_broken_migration_leaves_database_and_history_unchanged(project, empty_db):
    assert run_cli("push", "--db", empty_db, cwd=project).code == 0
    (project / "generated" / "20990101000000_broken.sql").write_text(
        "CREATE TABLE public.half_done (id int);\nINSERT INTO public.half_done VALUES (1);\nCREATE TABLEE oops (id int);\n")
    result = run_cli("push", "--db", empty_db, cwd=project)
    assert result.code == 2 and "Traceback" not in result.err
    assert "20990101000000_broken.sql: statement 3 failed: syntax error" in result.err and "CREATE TABLEE oops" in result.err
    with psycopg.connect(empty_db) as conn:
        assert conn.execute("SELECT to_regclass('public.half_done')").fetchone() == (None,)
    assert len(history(empty_db)) == len(COMMITTED)


def test_concurrent_pushes_apply_each_file_once(project, empty_db):
    command = [sys.executable, "-m", "supaschema", "push", "--db", empty_db]
    procs = [subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    applied = [line for out, _ in outputs for line in out.splitlines() if line.startswith("applied ")]
    assert len(applied) == len(COMMITTED) and len(set(applied)) == len(COMMITTED)
    assert len(history(empty_db)) == len(COMMITTED)


def test_push_refuses_an_edited_applied_migration(project, empty_db):
    assert run_cli("push", "--db", empty_db, cwd=project).code == 0
    seed = project / "generated" / "20251018000002_seed_model_pricing.sql"
    seed.write_text(seed.read_text().replace("0.0025", "0.0020"))
    result = run_cli("push", "--db", empty_db, cwd=project)
    assert result.code == 2 and "generated/20251018000002_seed_model_pricing.sql: was edited after it was applied" in result.err


def test_push_refuses_unknown_recorded_versions(project, empty_db):
    assert run_cli("push", "--db", empty_db, cwd=project).code == 0
    with psycopg.connect(empty_db, autocommit=True) as conn:
        conn.execute("INSERT INTO supabase_migrations.schema_migrations VALUES ('20260101000000', '{}', 'from_elsewhere')")
    result = run_cli("push", "--db", empty_db, cwd=project)
    assert result.code == 2 and "applied migrations that generated/ lacks: 20260101000000" in result.err


def test_push_refuses_unexpected_history_table(project, empty_db):
    with psycopg.connect(empty_db, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA supabase_migrations; CREATE TABLE supabase_migrations.schema_migrations (version int, applied_at timestamptz)")
    result = run_cli("push", "--db", empty_db, cwd=project)
    assert result.code == 2 and "unexpected columns (version integer, applied_at timestamp with time zone)" in result.err


@pytest.mark.parametrize("args, message", [
    ((), "the database is read-only, so nothing can be pushed"),
    # Adopting needs a database that matches generated/ (a drifted one is refused before any write).
    (("--adopt",), "the database is read-only, so nothing can be adopted"),
])
def test_writing_to_a_read_only_database(project, empty_db, args, message):
    if args:
        assert run_cli("push", "--db", empty_db, cwd=project).code == 0
    dbname = empty_db.rsplit("/", 1)[1]
    with psycopg.connect(empty_db, autocommit=True) as conn:
        conn.execute(f"ALTER DATABASE {dbname} SET default_transaction_read_only = on")
    result = run_cli("push", "--db", empty_db, *args, cwd=project)
    assert result.code == 2 and message in result.err and "Traceback" not in result.err


def test_push_to_unreachable_database(project):
    result = run_cli("push", "--db", "postgresql://postgres:pw@127.0.0.1:1/postgres", cwd=project)
    assert result.code == 2 and "cannot reach the server" in result.err and "pw@" not in result.err


def test_a_file_that_is_not_a_migration(project, empty_db):
    (project / "generated" / "notes.sql").write_text("-- scratch\n")
    for command in (["push", "--db", empty_db], ["gen"], ["gen", "--check"]):
        result = run_cli(*command, cwd=project)
        assert result.code == 2 and "notes.sql: not a migration file name" in result.err, command


@pytest.mark.parametrize("name", ["has space", "../escape", "a/b", "Upper"])
def test_bad_migration_names(project, name):
    edit_schema(project, EVOLUTION[1:2])
    for command in (["gen", "--name", name], ["plan", "--db", "postgresql://x@127.0.0.1:1/x", "--write", name]):
        result = run_cli(*command, cwd=project)
        assert result.code == 2 and "is not a valid migration name" in result.err, command
    assert sorted(p.name for p in (project / "generated").iterdir()) == sorted(p.name for p in (ROOT / "generated").iterdir())


def test_gen_refuses_destructive_changes_without_permission(project):
    edit_schema(project, [("      updated_at: {type: timestamptz, nullable: false, default: now()}\n    unique:", "    unique:")])
    result = run_cli("gen", "--name", "drop_updated_at", cwd=project)
    assert result.code == 2 and "public.model_pricing.updated_at: this change deletes data" in result.err
    assert len(list((project / "generated").glob("*.sql"))) == len(COMMITTED)
    result = run_cli("gen", "--name", "drop_updated_at", "--allow-destructive", cwd=project)
    assert result.code == 0
    written = next((project / "generated").glob("*_drop_updated_at.sql")).read_text()
    assert "[DELETES_DATA" in written and "\nALTER TABLE IF EXISTS public.model_pricing DROP COLUMN IF EXISTS updated_at;" in written
    assert run_cli("gen", "--check", cwd=project).code == 0


def test_plan_repairs_a_live_database(project, empty_db):
    assert run_cli("push", "--db", empty_db, cwd=project).code == 0
    with psycopg.connect(empty_db, autocommit=True) as conn:
        conn.execute("ALTER TABLE public.usage_records DISABLE ROW LEVEL SECURITY; "
                     "UPDATE public.model_pricing SET input_price_per_1k_tokens = 1 WHERE model_id = 'gpt-4'")
    printed = run_cli("plan", "--db", empty_db, cwd=project)
    assert printed.code == 0
    assert "ALTER TABLE public.usage_records ENABLE ROW LEVEL SECURITY;" in printed.out
    assert "input_price_per_1k_tokens = '0.03'" in printed.out
    assert "hazards: 1 CHANGES_ACCESS" in printed.out
    written = run_cli("plan", "--db", empty_db, "--write", "repair_prod", cwd=project)
    assert written.code == 0
    repair = next((project / "generated").glob("*_repair_prod.sql"))
    assert repair.read_text() == printed.out
    assert run_cli("push", "--db", empty_db, cwd=project).code == 0
    assert run_cli("diff", "--db", empty_db, cwd=project).code == 0
    assert "no drift" in run_cli("plan", "--db", empty_db, cwd=project).out
    assert run_cli("gen", "--check", cwd=project).code == 0  # the repair also replays cleanly on a fresh history


def test_rebaseline_is_loud_and_folds_later_migrations(project):
    edit_schema(project, EVOLUTION[1:2])
    assert run_cli("gen", "--name", "price", cwd=project).code == 0
    later = next(p.name for p in (project / "generated").glob("*_price.sql"))
    before = {p.name: p.read_bytes() for p in (project / "generated").glob("*.sql")}
    refused = run_cli("gen", "--rebaseline", cwd=project)  # it would delete a migration: only with --force
    assert refused.code == 2 and later in refused.err and "--force" in refused.err, refused.err
    assert {p.name: p.read_bytes() for p in (project / "generated").glob("*.sql")} == before  # nothing touched
    result = run_cli("gen", "--rebaseline", "--force", cwd=project)
    assert result.code == 0 and "REBASELINE" in result.err and "never been deployed" in result.err
    assert "removed" in result.err
    assert len(list((project / "generated").glob("*.sql"))) == 6  # one file per entry of `migrations:`
    assert "('openai', 'gpt-4o', 0.002, 0.008)" in (project / "generated" / "20251018000002_seed_model_pricing.sql").read_text()
    assert run_cli("gen", "--check", cwd=project).code == 0


def test_history_written_by_the_supabase_cli_is_accepted(project, empty_db):
    """The Supabase CLI records statements split and trimmed its own way; that is not an edit."""
    from supaschema.sqltext.statements import split_statements

    assert run_cli("push", "--db", empty_db, cwd=project).code == 0
    with psycopg.connect(empty_db, autocommit=True) as conn:
        for path in sorted((project / "generated").glob("*.sql")):
            cli_style = ["\n".join(line for line in s.splitlines() if not line.startswith("--")).strip() + ";"
                         for s in split_statements(path.read_text())]
            conn.execute("UPDATE supabase_migrations.schema_migrations SET statements = %s WHERE version = %s",
                         (cli_style, path.name[:14]))
    result = run_cli("push", "--db", empty_db, cwd=project)
    assert result.code == 0 and "nothing to push" in result.out, result.err


@pytest.fixture(scope="module")
def plain_server(server):
    """A PostgreSQL cluster that never saw the Supabase stub: no auth schema, no API roles."""
    from supaschema.postgres.server import LocalPostgres

    with LocalPostgres(server.binaries) as pg:
        yield pg


def objects_outside_the_catalog(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [name for (name,) in conn.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' "
            "UNION ALL SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace")]


@pytest.mark.parametrize("dry_run", [False, True])
def test_push_refuses_a_database_that_is_not_supabase_and_leaves_nothing(project, plain_server, dry_run):
    before = objects_outside_the_catalog(plain_server.url())
    result = run_cli("push", "--db", plain_server.url(), *(["--dry-run"] if dry_run else []), cwd=project)
    assert result.code == 2 and result.out == "" and "Traceback" not in result.err
    assert ("this database has no `auth` schema and no `anon` role: is it a Supabase database? "
            "For a local one, run `supaschema dev start`") in result.err
    assert "missing here: the auth schema, the role anon, the role authenticated, the role service_role" in result.err
    assert "fix the migration" not in result.err
    assert objects_outside_the_catalog(plain_server.url()) == before == ["public"]  # not even supabase_migrations


def test_push_names_only_what_is_missing(project, server):
    """On a cluster that has Supabase's roles, a new database still lacks the auth schema."""
    with psycopg.connect(server.url(), autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS supaschema_plain_db")
        conn.execute("CREATE DATABASE supaschema_plain_db")
    url = server.url("supaschema_plain_db")
    try:
        result = run_cli("push", "--db", url, cwd=project)
        assert result.code == 2 and "this database has no `auth` schema: is it a Supabase database?" in result.err
        assert objects_outside_the_catalog(url) == ["public"]
    finally:
        with psycopg.connect(server.url(), autocommit=True) as conn:
            conn.execute("DROP DATABASE supaschema_plain_db WITH (FORCE)")


def test_a_written_plan_replays_in_gen_check(project, empty_db):
    """The saved repair once broke `gen --check`: on the fresh history the policy it recreates already
    existed, and blocked the column's type change."""
    assert run_cli("push", "--db", empty_db, cwd=project).code == 0
    with psycopg.connect(empty_db, autocommit=True) as conn:
        conn.execute('DROP POLICY "Users can create their own zero balance" ON public.user_balances; '
                     "ALTER TABLE public.user_balances ALTER COLUMN balance TYPE numeric(20,10)")
    assert run_cli("plan", "--db", empty_db, "--write", "repair_balance", cwd=project).code == 0
    check = run_cli("gen", "--check", cwd=project)
    assert check.code == 0, check.err + check.out
    assert run_cli("push", "--db", empty_db, cwd=project).code == 0
    assert run_cli("diff", "--db", empty_db, cwd=project).code == 0


NEW_COLUMN_AT = '      total_cost: {type: "numeric(18,10)", nullable: false, default: "0", check: total_cost >= 0}'


@pytest.mark.parametrize("edits, refused", [
    ([(NEW_COLUMN_AT, NEW_COLUMN_AT + "\n      tier: {type: text, nullable: false}")], True),
    ([(NEW_COLUMN_AT, NEW_COLUMN_AT + "\n      seq: {type: bigint, nullable: false, identity: always}")], False),
    ([(NEW_COLUMN_AT, NEW_COLUMN_AT + "\n      tier: {type: text}")], False),
    ([("  user_balances:\n", "  tiers:\n    columns:\n      name: {type: text, nullable: false}\n  user_balances:\n"),
      ("tables: [model_pricing, usage_records, user_balances]", "tables: [model_pricing, usage_records, user_balances, tiers]")],
     False),
], ids=["not null without default", "identity", "nullable", "new table"])
def test_gen_refuses_a_not_null_column_without_default_on_an_existing_table(project, edits, refused):
    edit_schema(project, edits)
    result = run_cli("gen", "--name", "add_column", cwd=project)
    written = list((project / "generated").glob("*_add_column.sql"))
    if not refused:
        assert result.code == 0 and len(written) == 1, result.err
        return
    line = (project / "schema.yaml").read_text().splitlines().index("      tier: {type: text, nullable: false}") + 1
    assert result.code == 2 and written == [] and "Traceback" not in result.err
    assert f"error: schema.yaml:{line} (public.usage_records.tier): a new NOT NULL column without a default" in result.err
    assert "give it a `default:`, or add it with `nullable: true`" in result.err and "backfill" in result.err
