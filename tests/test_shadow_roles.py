"""A --shadow-url server is borrowed: supaschema creates only the Supabase roles it lacks, drops them
again, and when the URL's role lacks a privilege, the message names that privilege, not the SQL.

Runs on a second, fresh server (roles are server-wide: the session server already has them)."""

from __future__ import annotations

import psycopg
import pytest

from supaschema.postgres.server import LocalPostgres
from supaschema.postgres.stub_roles import ROLES

from .helpers import run_cli

CASES = [
    # (attributes of the --shadow-url role, the server beforehand, exit code, what the message names)
    ("CREATEDB", "bare", 2, "it lacks CREATEROLE"),
    ("CREATEROLE", "bare", 2, "it lacks CREATEDB"),
    ("CREATEDB CREATEROLE", "bare", 0, None),
    ("CREATEDB", "roles exist", 2, "must be a member of supabase_auth_admin"),
    ("CREATEDB", "roles exist, member", 0, None),
    # Up to PostgreSQL 15, CREATEROLE may grant itself the membership (revoked after); from 16, only
    # roles it created itself are its to grant.
    ("CREATEDB CREATEROLE", "roles exist", {15: 0, 16: 2}, {15: None, 16: "must be a member of supabase_auth_admin"}),
]


def for_version(expected, major: int):
    if not isinstance(expected, dict):
        return expected
    return expected[max(v for v in expected if v <= major)]


@pytest.fixture(scope="module")
def borrowed(server):
    with LocalPostgres(server.binaries) as pg:
        yield pg


def server_state(conn) -> tuple:
    roles = {r for (r,) in conn.execute("SELECT rolname FROM pg_catalog.pg_roles WHERE rolname !~ '^pg_'")}
    members = set(conn.execute("SELECT roleid::regrole::text, member::regrole::text FROM pg_catalog.pg_auth_members "
                               "WHERE roleid::regrole::text !~ '^pg_'").fetchall())
    databases = {d for (d,) in conn.execute("SELECT datname FROM pg_catalog.pg_database")}
    return roles, members, databases


@pytest.mark.parametrize("number,attributes,before,code,named", [(i, *case) for i, case in enumerate(CASES)])
def test_borrowed_server_is_left_as_found(borrowed, number, attributes, before, code, named):
    role = f"ci_shadow_{number}"
    code, named = for_version(code, borrowed.binaries.major), for_version(named, borrowed.binaries.major)
    with psycopg.connect(borrowed.url(), autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN {attributes}")
        if before != "bare":
            for name, role_attributes in ROLES.items():
                conn.execute(f"CREATE ROLE {name} {role_attributes}")
        if before.endswith("member"):
            conn.execute(f"GRANT supabase_auth_admin TO {role}")
        state = server_state(conn)
        try:
            result = run_cli("diff", "--shadow-url", borrowed.url(user=role), env={"SUPASCHEMA_NO_CACHE": "1"})
            assert result.code == code, result.err
            assert server_state(conn) == state  # no role, membership or database left behind
            if named:
                assert result.out == "" and named in result.err, result.err
                assert result.err.startswith(f"error: shadow server postgresql://{role}@127.0.0.1:{borrowed.port}/postgres: ")
                assert "fix the SQL" not in result.err and "Traceback" not in result.err
            else:
                assert "No drift" in result.out
        finally:
            for name in [*ROLES, role]:
                conn.execute(f"DROP ROLE IF EXISTS {name}")
