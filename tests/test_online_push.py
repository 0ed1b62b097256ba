"""Shipping to a busy database (issue 15), on a real PostgreSQL, through the CLI.

Writes keep flowing while push builds an index on a million rows; constraints go in NOT VALID and are
validated later, with violating rows caught first; a push waiting behind a lock gives up within its
lock timeout, retries, names the blocker, and succeeds once it is gone; a failed concurrent build
leaves no INVALID index and no history row; hazards are measured on the target.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest

from .helpers import ROOT, run_cli
from .test_evolve_and_push import project  # noqa: F401 (a fixture: schema.yaml and generated/ copied)

sys.path.insert(0, str(ROOT / "bench"))
from online_ddl import USER, Writer, load as load_usage  # noqa: E402 (the benchmark's writer and bulk load, shared)

ROWS = 1_000_000


@pytest.fixture
def db(throwaway, project):
    """generated/ pushed (so recorded), and one user, whose balance the signup trigger creates."""
    target = throwaway.create([], prefix="online")
    assert run_cli("push", "--db", target.url, cwd=project).code == 0
    with psycopg.connect(target.url, autocommit=True) as conn:
        conn.execute("INSERT INTO auth.users (id) VALUES (%s)", (USER,))
    yield target.url
    throwaway.drop(target)


def edit_schema(project: Path, old: str, new: str) -> None:
    text = (project / "schema.yaml").read_text()
    assert old in text, old
    (project / "schema.yaml").write_text(text.replace(old, new, 1))


def add_index(project: Path) -> None:
    edit_schema(project, "        columns: [user_id, created_at desc]\n",
                "        columns: [user_id, created_at desc]\n      usage_records_provider_model_idx:\n"
                "        columns: [provider_id, model_id, input_tokens]\n")


def add_balance_check(project: Path) -> None:
    edit_schema(project, 'balance: {type: "numeric(18,10)", nullable: false, default: "0"}',
                'balance: {type: "numeric(18,10)", nullable: false, default: "0", check: balance >= -100}')


def write_migration(project: Path, version: str, name: str, sql: str) -> Path:
    path = project / "generated" / f"{version}_{name}.sql"
    path.write_text(sql)
    return path


def history(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [v for (v,) in conn.execute("SELECT version FROM supabase_migrations.schema_migrations ORDER BY 1")]


def invalid_indexes(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [n for (n,) in conn.execute("SELECT indexrelid::regclass::text FROM pg_index WHERE NOT indisvalid")]


def test_gen_puts_each_slow_step_in_its_own_file_and_push_ships_them(project, db):
    add_index(project)
    add_balance_check(project)
    result = run_cli("gen", "--name", "online", "--no-lint", cwd=project)
    assert result.code == 0, result.err
    files = sorted((project / "generated").glob("*_online*.sql"))
    assert [f.name.split("_", 1)[1] for f in files] == ["online.sql", "online_index.sql", "online_validate.sql"]
    first, index, validate = (f.read_text() for f in files)
    assert "ADD CONSTRAINT user_balances_balance_check CHECK" in first and first.rstrip().endswith("NOT VALID;")
    # Alone in its file: the Supabase CLI runs such a statement outside its batch only when it is alone.
    code = [line for line in index.splitlines() if line and not line.startswith("--")]
    assert code == ["CREATE INDEX CONCURRENTLY IF NOT EXISTS usage_records_provider_model_idx ON public.usage_records "
                    "USING btree (provider_id, model_id, input_tokens);"]
    assert "ALTER TABLE public.user_balances VALIDATE CONSTRAINT user_balances_balance_check;" in validate

    pushed = run_cli("push", "--db", db, cwd=project)
    assert pushed.code == 0 and pushed.out.count("applied 2") == 3, pushed.err
    with psycopg.connect(db) as conn:
        assert conn.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = 'public.usage_records_provider_model_idx'::regclass"
                            ).fetchone() == (True,)
        assert conn.execute("SELECT convalidated FROM pg_constraint WHERE conname = 'user_balances_balance_check'").fetchone() == (True,)
    assert "No drift" in run_cli("diff", "--db", db, cwd=project).out
    assert run_cli("gen", "--check", cwd=project).code == 0


def test_a_not_valid_constraint_is_checked_against_the_rows_before_anything_runs(project, db):
    add_balance_check(project)
    assert run_cli("gen", "--name", "balance_floor", "--no-lint", cwd=project).code == 0
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute("UPDATE public.user_balances SET balance = -500 WHERE user_id = %s", (USER,))
    before = history(db)
    refused = run_cli("push", "--db", db, cwd=project)
    assert refused.code == 2 and "_balance_floor_validate.sql: statement 1: would fail: 1 row of public.user_balances" in refused.err, refused.err
    assert history(db) == before
    with psycopg.connect(db, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM pg_constraint WHERE conname = 'user_balances_balance_check'").fetchone() == (0,)
        conn.execute("UPDATE public.user_balances SET balance = 0")
    assert run_cli("push", "--db", db, cwd=project).code == 0
    with psycopg.connect(db) as conn:
        assert conn.execute("SELECT convalidated FROM pg_constraint WHERE conname = 'user_balances_balance_check'").fetchone() == (True,)


def test_set_not_null_goes_through_a_validated_check(project, db):
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute("ALTER TABLE public.model_pricing ALTER COLUMN currency DROP NOT NULL")
    written = run_cli("plan", "--db", db, "--write", "currency_required", cwd=project)
    assert written.code == 0, written.err
    first, last = sorted((project / "generated").glob("*_currency_required*.sql"))
    assert "CHECK (currency IS NOT NULL) NOT VALID;" in first.read_text() and "SET NOT NULL" not in first.read_text()
    assert "VALIDATE CONSTRAINT" in last.read_text() and "ALTER COLUMN currency SET NOT NULL;" in last.read_text()
    dry = run_cli("push", "--db", db, "--dry-run", cwd=project)
    assert "SET NOT NULL: ACCESS EXCLUSIVE on public.model_pricing" in dry.out and "trusts the validated CHECK" in dry.out, dry.out
    assert run_cli("push", "--db", db, cwd=project).code == 0
    assert "No drift" in run_cli("diff", "--db", db, cwd=project).out


def test_writes_keep_flowing_while_push_builds_an_index_on_a_million_rows(project, db):
    # One timestamptz column: the cheapest index to build, so the test stays short; the stall it causes is what matters.
    edit_schema(project, "        columns: [user_id, created_at desc]\n",
                "        columns: [user_id, created_at desc]\n      usage_records_created_at_idx:\n        columns: [created_at]\n")
    assert run_cli("gen", "--name", "created_at_index", "--no-lint", cwd=project).code == 0
    load_usage(db, ROWS)
    writer = Writer(db)
    writer.start()
    try:
        time.sleep(0.3)
        with psycopg.connect(db, autocommit=True) as conn:
            plain_start = time.monotonic()
            conn.execute("CREATE INDEX plain_idx ON public.usage_records (created_at)")
            plain_end = time.monotonic()
            time.sleep(0.2)
            plain = writer.longest(plain_start, plain_end)
            conn.execute("DROP INDEX public.plain_idx")
        time.sleep(0.3)
        start = time.monotonic()
        pushed = run_cli("push", "--db", db, cwd=project)
        push_end = time.monotonic()
        time.sleep(0.2)
        online = writer.longest(start, push_end)
    finally:
        writer.stop.set()
        writer.join()
    assert pushed.code == 0, pushed.err
    build = plain_end - plain_start
    # The plain build held an insert for most of its run (how long that is depends on the machine: 0.28 s
    # on an idle 2-core one, 0.7 s under load), so the ratio below compares like with like.
    assert plain > 0.5 * build, (plain, build)
    assert online / plain < 0.25, f"longest insert during the push {online:.3f}s vs during plain CREATE INDEX {plain:.3f}s"
    print(f"longest insert: {online * 1000:.0f} ms during the push, {plain * 1000:.0f} ms during a plain CREATE INDEX "
          f"(build {build:.2f}s): ratio {online / plain:.3f}")
    assert invalid_indexes(db) == []
    with psycopg.connect(db) as conn:
        assert conn.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = 'public.usage_records_created_at_idx'::regclass"
                            ).fetchone() == (True,)


class Reader(threading.Thread):
    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url, self.durations, self.stop = url, [], threading.Event()

    def run(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.stop.is_set():
                start = time.monotonic()
                conn.execute("SELECT count(*) FROM public.model_pricing").fetchone()
                self.durations.append(time.monotonic() - start)
                time.sleep(0.02)


def test_a_push_behind_a_lock_gives_up_in_time_retries_names_the_blocker_then_succeeds(project, db):
    write_migration(project, "20300101000000", "pricing_note", "ALTER TABLE public.model_pricing ADD COLUMN note text;\n")
    before = history(db)
    blocker = psycopg.connect(db)
    reader = Reader(db)
    try:
        blocker.execute("SELECT count(*) FROM public.model_pricing")  # ACCESS SHARE, held: idle in transaction
        pid = blocker.info.backend_pid
        reader.start()
        refused = run_cli("push", "--db", db, "--lock-timeout", "1s", "--lock-retries", "2", cwd=project)
        reader.stop.set()
        reader.join()
    finally:
        blocker.rollback()
        blocker.close()
    assert refused.code == 2 and "Traceback" not in refused.err, refused.err
    assert f"could not get its lock within 1s, 3 times: blocked by pid {pid}" in refused.err, refused.err
    assert "SELECT count(*) FROM public.model_pricing" in refused.err and f"pg_terminate_backend({pid})" in refused.err
    assert refused.err.count("retrying in") == 2, refused.err
    assert history(db) == before
    # Readers queue behind the push's waiting ALTER, never longer than its lock timeout.
    assert len(reader.durations) > 10 and max(reader.durations) < 1.5, max(reader.durations)
    assert max(reader.durations) > 0.5  # they did queue: the timeout, not luck, bounded them
    pushed = run_cli("push", "--db", db, "--lock-timeout", "1s", cwd=project)
    assert pushed.code == 0 and "applied 20300101000000_pricing_note.sql" in pushed.out, pushed.err
    assert history(db) == before + ["20300101000000"]


def test_a_failed_concurrent_build_leaves_no_invalid_index_and_no_history(project, db):
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute("INSERT INTO public.usage_records (user_id, provider_id, model_id, input_tokens) VALUES (%s, 'openai', 'gpt-4o', 7)", (USER,))
        # A build that failed earlier (the Supabase CLI, a killed push) left this INVALID index behind.
        with pytest.raises(psycopg.errors.DivisionByZero):
            conn.execute("CREATE INDEX CONCURRENTLY usage_records_odd_idx ON public.usage_records ((100 / (input_tokens - 7)))")
    assert invalid_indexes(db) == ["usage_records_odd_idx"]
    write_migration(project, "20300101000000", "odd_index",
                    "CREATE INDEX CONCURRENTLY IF NOT EXISTS usage_records_model_only_idx ON public.usage_records (model_id);\n"
                    "CREATE INDEX CONCURRENTLY IF NOT EXISTS usage_records_odd_idx ON public.usage_records ((100 / (input_tokens - 7)));\n")
    before = history(db)
    failed = run_cli("push", "--db", db, cwd=project)
    assert failed.code == 2 and "statement 2 failed: division by zero" in failed.err, failed.err
    assert "dropping INVALID index usage_records_odd_idx, left by an earlier failed build" in failed.err
    assert "statements 1-1 ran before it" in failed.err and "not recorded" in failed.err
    assert invalid_indexes(db) == [] and history(db) == before
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute("DELETE FROM public.usage_records WHERE input_tokens = 7")
    pushed = run_cli("push", "--db", db, cwd=project)
    assert pushed.code == 0, pushed.err
    assert invalid_indexes(db) == [] and history(db) == before + ["20300101000000"]


def test_hazards_are_measured_on_the_target_and_max_lock_risk_refuses(project, db):
    load_usage(db, 20_000)
    write_migration(project, "20300101000000", "usage_columns",
                    "ALTER TABLE public.usage_records ADD COLUMN seen_at timestamptz DEFAULT clock_timestamp();\n"
                    "ALTER TABLE public.usage_records ADD COLUMN noted_at timestamptz DEFAULT now();\n"
                    "CREATE INDEX usage_records_seen_idx ON public.usage_records (seen_at);\n")
    dry = run_cli("push", "--db", db, "--dry-run", cwd=project)
    assert dry.code == 0, dry.err
    lines = [line.strip() for line in dry.out.splitlines() if line.startswith("  statement")]
    assert lines[0].startswith("statement 1: ALTER TABLE public.usage_records ADD COLUMN seen_at timestamptz DEFAULT "
                               "clock_timestamp(): ACCESS EXCLUSIVE on public.usage_records, 20.0k rows, ")
    assert lines[0].endswith("volatile default (clock_timestamp()) rewrites the table"), lines
    assert lines[1].endswith("the default is not volatile: evaluated once, stored in the catalog, no rewrite"), lines
    assert "SHARE on public.usage_records" in lines[2] and "writes wait until it ends" in lines[2], lines
    before = history(db)
    refused = run_cli("push", "--db", db, "--max-lock-risk", "1MB", cwd=project)
    assert refused.code == 2 and "above --max-lock-risk 1MB" in refused.err, refused.err
    assert "statement 1" in refused.err and "statement 3" in refused.err and "statement 2" not in refused.err
    assert history(db) == before
    with psycopg.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM pg_attribute WHERE attrelid = 'public.usage_records'::regclass "
                            "AND attname = 'seen_at'").fetchone() == (0,)
    assert run_cli("push", "--db", db, "--max-lock-risk", "1GB", cwd=project).code == 0

    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute("DROP INDEX public.usage_records_user_id_created_at_idx")
    planned = run_cli("plan", "--db", db, cwd=project)
    assert planned.code == 0, planned.err
    assert "CREATE INDEX CONCURRENTLY IF NOT EXISTS usage_records_user_id_created_at_idx" in planned.out
    [line] = [line for line in planned.err.splitlines() if "CREATE INDEX CONCURRENTLY" in line]
    assert line.startswith("lock: plan: statement ") and "SHARE UPDATE EXCLUSIVE on public.usage_records, 20.0k rows" in line, line


def test_a_concurrent_build_behind_an_old_transaction_times_out_and_the_next_push_finishes_it(project, db):
    """CREATE INDEX CONCURRENTLY waits for the transactions that are writing to the table: one left open
    holds it up. The build gives up within the lock timeout; the INVALID index it leaves (which dropping
    cannot remove either while that transaction lasts) is named, then dropped by the next push, never
    recorded as built."""
    write_migration(project, "20300101000000", "model_index",
                    "CREATE INDEX CONCURRENTLY IF NOT EXISTS usage_records_model_only_idx ON public.usage_records (model_id);\n")
    before = history(db)
    old = psycopg.connect(db)
    pid = old.info.backend_pid
    try:
        old.execute("INSERT INTO public.usage_records (user_id, provider_id, model_id) VALUES (%s, 'openai', 'gpt-4o')", (USER,))
        refused = run_cli("push", "--db", db, "--lock-timeout", "1s", "--lock-retries", "1", cwd=project)
        assert invalid_indexes(db) == ["usage_records_model_only_idx"]
    finally:
        old.rollback()
        old.close()
    assert refused.code == 2 and "Traceback" not in refused.err, refused.err
    assert f"blocked by pid {pid}" in refused.err, refused.err
    assert "left the INVALID index usage_records_model_only_idx" in refused.err, refused.err
    assert history(db) == before
    pushed = run_cli("push", "--db", db, cwd=project)
    assert pushed.code == 0, pushed.err
    assert invalid_indexes(db) == [] and history(db) == before + ["20300101000000"]


def test_a_unique_key_on_a_table_with_rows_is_built_concurrently_then_attached(project, db):
    edit_schema(project, "    indexes:\n      usage_records_user_id_created_at_idx:\n",
                "    unique:\n      - [user_id, created_at]\n    indexes:\n      usage_records_user_id_created_at_idx:\n")
    assert run_cli("gen", "--name", "one_call_per_instant", "--no-lint", cwd=project).code == 0
    index, attach = (f.read_text() for f in sorted((project / "generated").glob("*_one_call_per_instant*.sql")))
    assert [line for line in index.splitlines() if line and not line.startswith("--")] == [
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS usage_records_user_id_created_at_key ON public.usage_records "
        "USING btree (user_id, created_at);"]
    assert ("ALTER TABLE public.usage_records ADD CONSTRAINT usage_records_user_id_created_at_key UNIQUE "
            "USING INDEX usage_records_user_id_created_at_key;") in attach
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute("INSERT INTO public.usage_records (user_id, provider_id, model_id, created_at) "
                     "SELECT %s, 'openai', 'gpt-4o', '2030-01-01' FROM generate_series(1, 2)", (USER,))
        # A build that failed earlier on those duplicates left its INVALID index under the key's name.
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute("CREATE UNIQUE INDEX CONCURRENTLY usage_records_user_id_created_at_key ON public.usage_records (user_id, created_at)")
    before = history(db)
    refused = run_cli("push", "--db", db, cwd=project)
    assert refused.code == 2 and "would fail" in refused.err and history(db) == before, refused.err
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute("DELETE FROM public.usage_records WHERE ctid = (SELECT max(ctid) FROM public.usage_records)")
    pushed = run_cli("push", "--db", db, cwd=project)
    assert pushed.code == 0 and "dropping INVALID index usage_records_user_id_created_at_key" in pushed.err, pushed.err
    with psycopg.connect(db) as conn:
        assert conn.execute("SELECT i.indisvalid FROM pg_constraint c JOIN pg_index i ON i.indexrelid = c.conindid "
                            "WHERE c.conname = 'usage_records_user_id_created_at_key'").fetchone() == (True,)
    assert invalid_indexes(db) == [] and "No drift" in run_cli("diff", "--db", db, cwd=project).out
    assert run_cli("gen", "--check", cwd=project).code == 0
