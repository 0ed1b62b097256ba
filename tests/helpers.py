"""Helpers shared by the tests: the committed migrations and the CLI as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from supaschema.postgres.server import find_all_binaries

ROOT = Path(__file__).resolve().parents[1]
GENERATED = ROOT / "generated"


def committed_migrations() -> list[tuple[str, str]]:
    return [(p.name, p.read_bytes().decode("utf-8")) for p in sorted(GENERATED.glob("*.sql"))]


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def run_cli(*args: str, cwd: Path = ROOT, env: dict | None = None, timeout: float = 120) -> CliResult:
    """The real command, as a user runs it: separate process, real exit code and streams."""
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.run([sys.executable, "-m", "supaschema", *args], cwd=cwd, capture_output=True, text=True,
                          env=full_env, timeout=timeout, stdin=subprocess.DEVNULL)
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def available_majors() -> list[int]:
    return [b.major for b in find_all_binaries()]


def run_main(monkeypatch, capfd, *args: str, env: dict | None = None) -> CliResult:
    """The command line's entry point in this process: for large tables of cases that fail early.
    The database variables and PGPASSWORD are cleared unless `env` sets them."""
    import pytest

    from supaschema import cli

    for variable in ("DATABASE_URL", "SUPABASE_DB_URL", "PGPASSWORD"):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in (env or {}).items():
        monkeypatch.setenv(variable, value)
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(sys, "argv", ["supaschema", *args])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    out, err = capfd.readouterr()
    return CliResult(exited.value.code, out, err)


def assert_converges(throwaway, migrations, desired, scope, sql: str, prefix: str) -> list:
    """A database built from `migrations`, then `sql`: returns its drift items against `desired`, after
    checking that the plan for them, applied and then replayed, leaves no drift."""
    import psycopg

    from supaschema.catalog.states import snapshot_of
    from supaschema.drift.compare import compare
    from supaschema.plan.planner import make_plan
    from supaschema.plan.render import render_plan
    from supaschema.postgres.connection import apply_sql

    target = throwaway.create(migrations, prefix=prefix)
    try:
        with psycopg.connect(target.url, autocommit=True) as conn:
            conn.execute(sql)
            actual = snapshot_of(target, scope)
            drifts = compare(desired, actual)
            plan = make_plan(drifts, desired, actual, scope)
            sql_plan = render_plan(plan, ROOT / "templates", "test", allow_destructive=True)
            for attempt in ("first", "replay"):
                apply_sql(conn, sql_plan, f"plan ({attempt})")
                left = compare(desired, snapshot_of(target, scope))
                assert left == [], (attempt, sql_plan, [d.to_dict() for d in left])
    finally:
        throwaway.drop(target)
    return drifts
