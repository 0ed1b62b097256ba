"""The write stall of an index push on a busy usage_records, against a plain CREATE INDEX.

    python bench/online_ddl.py                 # 1M rows, 3 runs
    python bench/online_ddl.py --rows 2000000 --runs 1

A writer inserts usage rows one by one (autocommit, as the API does) while (a) a plain CREATE INDEX
and (b) `supaschema push` of the migration `gen` writes for the same index (CREATE INDEX
CONCURRENTLY, in a file of its own) run on the same table; the line reports the longest single
insert during each, medians over the runs. Then `push --dry-run` of a few risky statements shows
the hazards measured on the table. The table is logged, as in production. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]

from supaschema.postgres.server import LocalPostgres  # noqa: E402
from supaschema.postgres.shadow import on_local_server  # noqa: E402

USER = "00000000-0000-0000-0000-000000000001"
INDEX = "      usage_records_provider_model_idx:\n        columns: [provider_id, model_id, input_tokens]\n"
RISKY = """ALTER TABLE public.usage_records ADD COLUMN seen_at timestamptz DEFAULT clock_timestamp();
ALTER TABLE public.usage_records ADD COLUMN noted_at timestamptz DEFAULT now();
ALTER TABLE public.usage_records ALTER COLUMN input_tokens TYPE bigint;
CREATE INDEX usage_records_created_idx ON public.usage_records (created_at);
ALTER TABLE public.usage_records ADD CONSTRAINT usage_records_tokens_sum CHECK (total_tokens <= input_tokens + output_tokens);
ALTER TABLE public.usage_records ADD CONSTRAINT usage_records_tokens_sum_nv CHECK (total_tokens <= input_tokens + output_tokens) NOT VALID;
ALTER TABLE public.usage_records VALIDATE CONSTRAINT usage_records_tokens_sum_nv;
"""


def supaschema(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "supaschema", *args], cwd=project, capture_output=True, text=True)


class Writer(threading.Thread):
    """Inserts usage rows one by one (autocommit, as the API does), remembering when each started and how long it took."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url, self.timings, self.stop = url, [], threading.Event()

    def run(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.stop.is_set():
                start = time.monotonic()
                conn.execute("INSERT INTO public.usage_records (user_id, provider_id, model_id, input_tokens) "
                             "VALUES (%s, 'openai', 'gpt-4o', 1)", (USER,))
                self.timings.append((start, time.monotonic() - start))
                time.sleep(0.005)

    def longest(self, since: float, until: float) -> float:
        """The longest insert that overlapped [since, until]: one still waiting at `until` counts too."""
        return max(d for s, d in self.timings if s + d >= since and s <= until)


def load(url: str, rows: int) -> None:
    """`rows` usage rows for USER (created if missing), then ANALYZE: reltuples is what hazards report.

    session_replication_role skips the foreign key triggers of the bulk load only; the table stays
    logged, as in production, so index builds write WAL as they would there."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("INSERT INTO auth.users (id) VALUES (%s) ON CONFLICT DO NOTHING", (USER,))
        conn.execute("SET session_replication_role = replica")
        # Ids in order: the primary key index grows at its right edge, as it would under time-ordered ids.
        conn.execute("INSERT INTO public.usage_records (id, user_id, provider_id, model_id, input_tokens, output_tokens, total_tokens, created_at) "
                     "SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(g), 12, '0'))::uuid, %s, "
                     "(ARRAY['openai','anthropic','google'])[g %% 3 + 1], 'model-' || (g %% 97), "
                     "g %% 5000, g %% 700, g %% 5000 + g %% 700, now() - g * interval '1 second' FROM generate_series(1, %s) g", (USER, rows))
        conn.execute("ANALYZE public.usage_records")


def _project() -> Path:
    project = Path(tempfile.mkdtemp(prefix="online-bench-"))
    shutil.copy(ROOT / "schema.yaml", project / "schema.yaml")
    shutil.copytree(ROOT / "generated", project / "generated")
    return project


def one_run(throwaway, rows: int) -> tuple[float, float, float, float]:
    project = _project()
    target = throwaway.create([], prefix="online_bench")
    try:
        assert supaschema(project, "push", "--db", target.url).returncode == 0
        text = (project / "schema.yaml").read_text()
        anchor = "        columns: [user_id, created_at desc]\n"
        (project / "schema.yaml").write_text(text.replace(anchor, anchor + INDEX, 1))
        gen = supaschema(project, "gen", "--name", "provider_model_index", "--no-lint")
        assert gen.returncode == 0, gen.stderr
        load(target.url, rows)
        writer = Writer(target.url)
        writer.start()
        try:
            time.sleep(0.5)
            with psycopg.connect(target.url, autocommit=True) as conn:
                start = time.monotonic()
                conn.execute("CREATE INDEX plain_idx ON public.usage_records (provider_id, model_id, input_tokens)")
                end = time.monotonic()
                time.sleep(0.3)
                plain, build = writer.longest(start, end), end - start
                conn.execute("DROP INDEX public.plain_idx")
            time.sleep(0.5)
            start = time.monotonic()
            pushed = supaschema(project, "push", "--db", target.url)
            end = time.monotonic()
            time.sleep(0.3)
            online, push_time = writer.longest(start, end), end - start
        finally:
            writer.stop.set()
            writer.join()
        assert pushed.returncode == 0, pushed.stderr
        return plain, build, online, push_time
    finally:
        throwaway.drop(target)
        shutil.rmtree(project, ignore_errors=True)


def hazards(throwaway, rows: int) -> str:
    project = _project()
    target = throwaway.create([], prefix="online_hazards")
    try:
        assert supaschema(project, "push", "--db", target.url).returncode == 0
        load(target.url, rows)
        (project / "generated" / "20300101000000_risky.sql").write_text(RISKY)
        dry = supaschema(project, "push", "--db", target.url, "--dry-run")
        refused = supaschema(project, "push", "--db", target.url, "--max-lock-risk", "100MB")
        return (f"$ supaschema push --db $PROD_URL --dry-run\n{dry.stdout}"
                f"\n$ supaschema push --db $PROD_URL --max-lock-risk 100MB   # exit {refused.returncode}\n{refused.stderr}")
    finally:
        throwaway.drop(target)
        shutil.rmtree(project, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-hazards", action="store_true")
    args = parser.parse_args()
    with LocalPostgres() as server:
        throwaway = on_local_server(server)
        results = [one_run(throwaway, args.rows) for _ in range(args.runs)]
        plain, build, online, push_time = (statistics.median(r[i] for r in results) for i in range(4))
        print(f"machine: {platform.machine()}, {len(__import__('os').sched_getaffinity(0))} cores, PostgreSQL {server.binaries.major}; "
              f"{args.rows:,} rows in usage_records, {args.runs} runs, medians")
        print(f"longest single insert during an index push (CREATE INDEX CONCURRENTLY): {online * 1000:.0f} ms "
              f"(the whole push: {push_time:.2f}s); during a plain CREATE INDEX: {plain * 1000:.0f} ms (build {build:.2f}s); "
              f"ratio {online / plain:.3f}")
        if not args.no_hazards:
            print()
            print(hazards(throwaway, args.rows), end="")
        throwaway.drop_all()


if __name__ == "__main__":
    main()
