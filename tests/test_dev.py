"""`supaschema dev`: a persistent local database per project, driven as a user drives it."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import psycopg
import pytest

from supaschema.postgres.dev import DevPaths, discard, project_port
from supaschema.postgres.server import free_port

from .helpers import GENERATED, ROOT, run_cli


@pytest.fixture
def project(tmp_path):
    """A project folder with schema.yaml and generated/; its local database is removed afterwards."""
    shutil.copy(ROOT / "schema.yaml", tmp_path / "schema.yaml")
    shutil.copytree(GENERATED, tmp_path / "generated")
    yield tmp_path
    discard(DevPaths(tmp_path))  # stops the server whatever state a failed test left it in


def dev(project, *args: str):
    return run_cli("dev", *args, cwd=project)


def url_of(result) -> str:
    line = result.out.strip()
    assert line.startswith("export DATABASE_URL=") and "\n" not in line, result.out
    return line.removeprefix("export DATABASE_URL=")


def test_daily_loop_start_push_diff_stop_keeps_data(project):
    started = dev(project, "start")
    assert started.code == 0, started.err
    url = url_of(started)
    assert f"127.0.0.1:{project_port(project)}/" in url  # stable: derived from the project's path
    assert "applied the Supabase stub" in started.err and "applied 20251018000004_" in started.err
    assert (project / ".supaschema" / ".gitignore").read_text().splitlines()[-1] == "*"

    again = dev(project, "start")
    assert again.code == 0 and "already running" in again.err and url_of(again) == url
    pushed = run_cli("push", "--db", url, cwd=project)
    assert pushed.code == 0 and "nothing to push" in pushed.out
    assert run_cli("diff", "--db", url, cwd=project).code == 0
    with psycopg.connect(url, autocommit=True) as conn:
        assert conn.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)
        conn.execute("INSERT INTO auth.users (id) VALUES ('00000000-0000-0000-0000-000000000001')")

    assert dev(project, "status").code == 0
    stopped = dev(project, "stop")
    assert stopped.code == 0 and "stopped" in stopped.err
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", project_port(project))) != 0
    idle = dev(project, "stop")
    assert (idle.code, idle.out) == (0, "") and "not running" in idle.err
    status = dev(project, "status")
    assert status.code == 1 and "stopped" in status.err

    restarted = dev(project, "start")
    assert restarted.code == 0 and url_of(restarted) == url
    with psycopg.connect(url) as conn:  # the data survived the stop, and the signup trigger ran on the insert
        assert conn.execute("SELECT count(*) FROM public.user_balances").fetchone() == (1,)


def test_start_pushes_new_migrations_to_a_running_database(project):
    port = free_port()
    assert dev(project, "start", "--port", str(port)).code == 0
    (project / "generated" / "20991231000000_add_note.sql").write_text("CREATE TABLE public.notes (id integer);\n")
    again = dev(project, "start")
    assert again.code == 0 and "applied 20991231000000_add_note.sql" in again.err
    assert f":{port}/" in url_of(again)  # --port is remembered


def test_port_taken_by_another_program(project):
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        result = dev(project, "start", "--port", str(port))
    assert result.code == 2 and result.out == ""
    assert f"127.0.0.1:{port} is taken by another program" in result.err and "--port" in result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize("args", [("start", "--port", "80"), ("reset", "--port", "70000"), ("start", "--port", "x")])
def test_bad_port(project, args):
    result = dev(project, *args)
    assert result.code == 2 and "Traceback" not in result.err and "port" in result.err.lower()


def corrupt_pg_version(folder):
    (folder / "data" / "PG_VERSION").write_text("garbage\n")


def corrupt_settings(folder):
    (folder / "dev.json").write_text("{not json")


def replace_with_file(folder):
    shutil.rmtree(folder)
    folder.write_text("oops")


@pytest.mark.parametrize("corrupt", [corrupt_pg_version, corrupt_settings, replace_with_file])
def test_reset_recovers_from_a_damaged_folder(project, corrupt):
    port = free_port()
    assert dev(project, "start", "--port", str(port)).code == 0
    corrupt(project / ".supaschema")  # while the server still runs: reset must stop it too
    refused = dev(project, "start")
    assert refused.code == 2 and "damaged" in refused.err and "supaschema dev reset" in refused.err
    status = dev(project, "status")
    assert status.code == 1 and "damaged" in status.err
    reset = dev(project, "reset", "--port", str(port))  # the same port: free only if the old server went
    assert reset.code == 0, reset.err
    assert "applied 20251018000001_" in reset.err
    with psycopg.connect(url_of(reset)) as conn:
        assert conn.execute("SELECT count(*) > 0 FROM public.model_pricing").fetchone() == (True,)


def test_stop_with_no_database_at_all(project):
    result = dev(project, "stop")
    assert (result.code, result.out) == (0, "") and "not running" in result.err
    assert not (project / ".supaschema").exists()


@pytest.mark.parametrize("strategy", ["userns", "setpriv"])
def test_root_runs_it_unprivileged_either_way(strategy, tmp_path):
    """As root, the same two ways as the throwaway server: a user namespace, or really `nobody`."""
    import os
    import tempfile

    if os.geteuid() != 0:
        pytest.skip("only root needs a strategy")
    env = {"SUPASCHEMA_ROOT_STRATEGY": strategy}
    # pytest's own tmp_path is private to root (0700): `nobody` could not reach a project there.
    shared = Path(tempfile.mkdtemp(prefix="supaschema-dev-", dir="/tmp"))
    os.chmod(shared, 0o755)
    shutil.copytree(GENERATED, shared / "generated")
    try:
        started = run_cli("dev", "start", "--port", str(free_port()), cwd=shared, env=env)
        assert started.code == 0, started.err
        with psycopg.connect(url_of(started)) as conn:
            applied = conn.execute("SELECT count(*) FROM supabase_migrations.schema_migrations").fetchone()[0]
            assert applied == len(list(GENERATED.glob("*.sql")))
        assert run_cli("dev", "stop", cwd=shared, env=env).code == 0
        if strategy == "setpriv":
            (tmp_path / "generated").mkdir()
            hidden = run_cli("dev", "start", cwd=tmp_path, env=env)
            assert hidden.code == 2 and "runs as `nobody` here and cannot reach this folder" in hidden.err
            discard(DevPaths(tmp_path))
    finally:
        discard(DevPaths(shared))
        shutil.rmtree(shared)
