"""The data preflight through the CLI, against real rows: tests/preflight_cases.yaml, one case per kind.

With rows that violate a pending statement, push, push --dry-run and plan --db stop before
touching anything (exit 2, the rows named, the database and its migration history dumped
byte for byte the same); with rows that comply, the dry run and the push go through (plan --db
on complying rows is exercised by every plan test in test_evolve_and_push.py).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest
import yaml

from supaschema.postgres.connection import Target
from supaschema.push import push
from supaschema.render.files import list_migrations

from .helpers import GENERATED, ROOT, run_cli

CASES = yaml.safe_load((Path(__file__).parent / "preflight_cases.yaml").read_text("utf-8"))
USERS = ("INSERT INTO auth.users (id) VALUES "
         "('00000000-0000-0000-0000-000000000001'), ('00000000-0000-0000-0000-000000000002')")
MIGRATION = "20990101000000_pending.sql"


@pytest.fixture(scope="module")
def pushed(throwaway):
    """generated/ pushed (history recorded) and two users: every case starts from a copy."""
    target = throwaway.create([], prefix="pushed")
    push(target, list_migrations(GENERATED))
    with psycopg.connect(target.url, autocommit=True) as conn:
        conn.execute(USERS)
    yield target
    throwaway.drop(target)


@pytest.fixture
def database(throwaway, pushed):
    target = throwaway.copy(pushed, prefix="preflight")
    yield target
    throwaway.drop(target)


@pytest.fixture
def project(tmp_path) -> Path:
    shutil.copy(ROOT / "schema.yaml", tmp_path / "schema.yaml")
    shutil.copytree(GENERATED, tmp_path / "generated")
    return tmp_path


def dump(server, target: Target) -> str:
    """Schema and every row, supabase_migrations.schema_migrations included."""
    pg_dump = server.binaries.bindir / "pg_dump"
    out = subprocess.run([str(pg_dump), "-d", target.url], capture_output=True, text=True, check=True).stdout
    # Recent pg_dump fences its output with a random \restrict key: the only line that differs by run.
    return "\n".join(line for line in out.splitlines() if not line.startswith(("\\restrict ", "\\unrestrict ")))


def prepare(target: Target, project: Path, case: dict, rows: str) -> None:
    with psycopg.connect(target.url, autocommit=True) as conn:
        for sql in (case["setup"], rows):
            if sql.strip():
                conn.execute(sql)
    (project / "generated" / MIGRATION).write_text(case["migration"] + ";\n")


def commands(case: dict, url: str) -> list[list[str]]:
    runs = [["push", "--db", url], ["push", "--db", url, "--dry-run"]]
    return runs + ([["plan", "--db", url]] if case.get("plan", True) else [])


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_violating_rows_stop_everything_before_it_starts(case, database, project, server):
    prepare(database, project, case, case["bad_rows"])
    before = dump(server, database)
    for command in commands(case, database.url):
        result = run_cli(*command, cwd=project)
        assert result.code == 2, (command, result.out, result.err)
        assert case["message"] in result.err and "Traceback" not in result.err, (command, result.err)
        where = f"generated/{MIGRATION}: statement" if command[0] == "push" else "plan: statement"
        assert f"error: {where}" in result.err and "nothing was applied" in result.err, (command, result.err)
        assert result.out == "", (command, result.out)
    assert dump(server, database) == before


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_complying_rows_go_through(case, database, project):
    prepare(database, project, case, case["good_rows"])
    dry = run_cli("push", "--db", database.url, "--dry-run", cwd=project)
    assert dry.code == 0 and f"would apply {MIGRATION}" in dry.out, dry.err
    result = run_cli("push", "--db", database.url, cwd=project)
    assert result.code == 0 and f"applied {MIGRATION}" in result.out, result.err
    assert "preconditions hold on the current rows" in result.err


def test_a_replayed_add_column_if_not_exists_is_not_refused(database, project):
    """The column is there already: the statement is a no-op, whatever rows the table holds."""
    case = {"setup": "", "migration": "ALTER TABLE public.usage_records ADD COLUMN IF NOT EXISTS provider_id text NOT NULL"}
    prepare(database, project, case, CASES[0]["bad_rows"].replace("(user_id, model_id)", "(user_id, provider_id, model_id)")
            .replace("', 'gpt-4o')", "', 'openai', 'gpt-4o')"))
    result = run_cli("push", "--db", database.url, cwd=project)
    assert result.code == 0 and f"applied {MIGRATION}" in result.out, result.err
