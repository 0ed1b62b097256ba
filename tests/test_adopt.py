"""Adopting a database built by hand: pull, gen, push --adopt, then the normal loop.

The hand-written history is recorded the way the Supabase CLI records it
(supabase_migrations.schema_migrations: version, statements, name).
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from supaschema.sqltext.statements import split_statements

from .helpers import run_cli

HANDWRITTEN = (Path(__file__).parent / "fixtures" / "handwritten.sql").read_text("utf-8")
# What else a Supabase project holds (storage, realtime, extensions, another tool's trigger on
# auth.users, the internal roles' privileges and default privileges): adoption must not trip on it.
SUPABASE_EXTRAS = (Path(__file__).parent / "fixtures" / "supabase_extras.sql").read_text("utf-8")
HISTORY = ("CREATE SCHEMA supabase_migrations; CREATE TABLE supabase_migrations.schema_migrations "
           "(version text NOT NULL PRIMARY KEY, statements text[], name text)")


def _hand_built(throwaway, versions: list[str]):
    """The seed system applied as four hand-written files, recorded under `versions`."""
    statements = split_statements(HANDWRITTEN)
    quarter = -(-len(statements) // 4)
    files = [statements[i:i + quarter] for i in range(0, len(statements), quarter)]
    target = throwaway.create([("handwritten.sql", HANDWRITTEN), ("supabase_extras.sql", SUPABASE_EXTRAS)], prefix="handbuilt")
    with psycopg.connect(target.url, autocommit=True) as conn:
        conn.execute(HISTORY)
        for version, chunk in zip(versions, files):
            conn.execute("INSERT INTO supabase_migrations.schema_migrations VALUES (%s, %s, %s)",
                         (version, chunk, f"hand_written_{version[-1]}"))
    return target


def _history(url: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT version, statements, name FROM supabase_migrations.schema_migrations ORDER BY version").fetchall()
        adopted = conn.execute("SELECT pg_catalog.to_regclass('supabase_migrations.supaschema_adoptions') IS NOT NULL").fetchone()[0]
    return rows + [("adoptions table", adopted)]


@pytest.mark.parametrize("hand_versions, baseline_version", [
    (["20251018000001", "20251018000002", "20251018000003", "20251018000004"], "20251018000001"),  # versions collide
    (["20240101000001", "20240101000002", "20240101000003", "20240101000004"], "20251018000000"),  # they do not
], ids=["colliding versions", "other versions"])
def test_adopt_a_hand_built_database(hand_versions, baseline_version, throwaway, tmp_path):
    prod = _hand_built(throwaway, hand_versions)
    fresh = throwaway.create([], prefix="fresh")
    try:
        assert run_cli("pull", "--db", prod.url, "--seed", "model_pricing", "--version", baseline_version, cwd=tmp_path).code == 0
        assert run_cli("gen", cwd=tmp_path).code == 0
        before = _history(prod.url)

        refused = run_cli("push", "--db", prod.url, cwd=tmp_path)
        assert refused.code == 2 and "supaschema push --adopt" in refused.err
        assert _history(prod.url) == before

        adopted = run_cli("push", "--db", prod.url, "--adopt", cwd=tmp_path)
        assert adopted.code == 0, adopted.err
        assert f"adopted {baseline_version}_baseline.sql (recorded, not run)" in adopted.out
        history = _history(prod.url)
        for row in before[:-1]:
            assert row in history  # the hand-written rows stay, readable by `supabase migration list`

        assert run_cli("push", "--db", prod.url, cwd=tmp_path).out.startswith("nothing to push")
        schema = tmp_path / "schema.yaml"
        schema.write_text(schema.read_text("utf-8").replace(
            "      currency: {type: text, nullable: false, default: \"'USD'::text\"}\n",
            "      currency: {type: text, nullable: false, default: \"'USD'::text\"}\n      note: {type: text}\n", 1), "utf-8")
        assert run_cli("gen", "--name", "add_note", cwd=tmp_path).code == 0
        pushed = run_cli("push", "--db", prod.url, cwd=tmp_path)
        assert pushed.code == 0 and "_add_note.sql" in pushed.out, pushed.err
        for url in (prod.url, fresh.url):
            if url == fresh.url:
                assert run_cli("push", "--db", fresh.url, cwd=tmp_path).code == 0
            diff = run_cli("diff", "--db", url, cwd=tmp_path)
            assert diff.code == 0 and "No drift" in diff.out, diff.out + diff.err
    finally:
        throwaway.drop(prod)
        throwaway.drop(fresh)


def test_adopt_refuses_a_drifted_database_and_records_nothing(throwaway, tmp_path):
    prod = _hand_built(throwaway, ["20251018000001", "20251018000002", "20251018000003", "20251018000004"])
    try:
        assert run_cli("pull", "--db", prod.url, "--seed", "model_pricing", "--version", "20251018000001", cwd=tmp_path).code == 0
        assert run_cli("gen", cwd=tmp_path).code == 0
        with psycopg.connect(prod.url, autocommit=True) as conn:
            conn.execute("ALTER TABLE public.usage_records DISABLE ROW LEVEL SECURITY")
            conn.execute("UPDATE public.model_pricing SET input_price_per_1k_tokens = 1 WHERE model_id = 'gpt-4o'")
        before = _history(prod.url)
        result = run_cli("push", "--db", prod.url, "--adopt", cwd=tmp_path)
        assert result.code == 1
        assert "rls_enabled" in result.out and "gpt-4o" in result.out
        assert "nothing was recorded" in result.err
        assert _history(prod.url) == before  # byte for byte, and no adoption table
    finally:
        throwaway.drop(prod)


def test_adopted_file_edited_later_is_refused(throwaway, tmp_path):
    prod = _hand_built(throwaway, ["20251018000001", "20251018000002", "20251018000003", "20251018000004"])
    try:
        assert run_cli("pull", "--db", prod.url, "--version", "20251018000001", cwd=tmp_path).code == 0
        assert run_cli("gen", cwd=tmp_path).code == 0
        assert run_cli("push", "--db", prod.url, "--adopt", cwd=tmp_path).code == 0
        baseline = tmp_path / "generated" / "20251018000001_baseline.sql"
        baseline.write_text(baseline.read_text("utf-8") + "\n-- edited\nSELECT 1;\n", "utf-8")
        result = run_cli("push", "--db", prod.url, cwd=tmp_path)
        assert result.code == 2 and "was edited after it was adopted" in result.err
    finally:
        throwaway.drop(prod)
