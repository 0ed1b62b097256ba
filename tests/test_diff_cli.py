"""`supaschema diff` as users run it: exit codes, formats, sources of the URL, and production safety."""

from __future__ import annotations

import json
import shutil
import socket
import threading

import psycopg
import pytest

from .helpers import ROOT, committed_migrations, run_cli

PASSWORD = "s3cr3t-Pa55word"


@pytest.fixture
def live(throwaway):
    target = throwaway.create(committed_migrations(), prefix="live")
    yield target
    throwaway.drop(target)


def test_embedded_default_reports_no_drift():
    result = run_cli("diff")
    assert result.code == 0, result.err
    assert "no database was compared" in result.out and "embedded default" in result.out


def test_drift_exit_1_with_text_report(live):
    with psycopg.connect(live.url, autocommit=True) as conn:
        conn.execute("ALTER TABLE public.usage_records DISABLE ROW LEVEL SECURITY")
        conn.execute("UPDATE public.model_pricing SET input_price_per_1k_tokens = 0.0026 WHERE model_id = 'gpt-4o'")
    result = run_cli("diff", "--db", live.url)
    assert result.code == 1, result.err
    lines = result.out.splitlines()
    assert lines.index("SECURITY (listed first: access to data)") < lines.index("DATA")  # security first
    assert "  table public.usage_records" in lines
    assert any(line.split() == ["~", "rls_enabled", "expected", "true", "actual", "false"] for line in lines)
    assert any(line.split()[-3:] == ["0.0025", "actual", "0.0026"] for line in lines)
    assert lines[-1] == "2 drift items (1 security, 1 data)"
    assert "\x1b[" not in result.out  # not a terminal: no colour
    assert "\x1b[1;31mSECURITY" in run_cli("diff", "--db", live.url, "--color", "always").out


def test_control_characters_in_database_names_and_values_are_escaped_in_text_reports(live):
    """A name or comment holding ESC or CR could rewrite the user's terminal, or the line it is reported on."""
    with psycopg.connect(live.url, autocommit=True) as conn:
        conn.execute('CREATE TABLE public."evil\x1b[2J\rname" (id int)')
        conn.execute("COMMENT ON TABLE public.model_pricing IS E'bell\\x07 back\\x08 \\u2028 esc\\x1b[31m'")
        conn.execute('CREATE TABLE public.no_key (id int)')
        conn.execute('CREATE TABLE public."admin\u202egnp.x" (id int)')
        conn.execute('CREATE FUNCTION public."f\nn"() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$')
    result = run_cli("diff", "--db", live.url)
    assert result.code == 1, result.err
    assert not set(result.out) & {"\x1b", "\r", "\x07", "\x08", "\u2028", "\u202e"}, repr(result.out)
    assert 'public."admin\\u202egnp.x"' in result.out
    assert 'public."evil\\x1b[2J\\x0dname"' in result.out and "esc\\x1b[31m" in result.out
    linted = run_cli("lint", "--db", live.url)
    assert linted.code in (0, 1) and "\x1b" not in linted.out and 'evil\\x1b[2J' in linted.out, linted.out
    assert 'public."f\\x0an"()' in linted.out and not any(line.startswith('n"') for line in linted.out.splitlines()), linted.out


def test_json_format_is_one_object_per_item(live):
    with psycopg.connect(live.url, autocommit=True) as conn:
        conn.execute("GRANT EXECUTE ON FUNCTION public.handle_new_user_balance() TO anon")
    result = run_cli("diff", "--db", live.url, "--format", "json")
    assert result.code == 1
    document = json.loads(result.out)
    assert document["version"] == 1 and document["summary"] == {"total": 1, "security": 1, "schema": 0, "data": 0, "cosmetic": 0}
    assert document["drift"] == [{
        "kind": "grant", "object": "public.handle_new_user_balance()", "change": "extra",
        "field": "EXECUTE to anon", "expected": None, "actual": "granted", "severity": "security",
    }]


def test_database_url_from_environment(live):
    with psycopg.connect(live.url, autocommit=True) as conn:
        conn.execute("DROP POLICY \"Users can read their own usage\" ON public.usage_records")
    for variable in ("DATABASE_URL", "SUPABASE_DB_URL"):
        result = run_cli("diff", env={variable: live.url})
        assert result.code == 1 and '"Users can read their own usage"' in result.out, variable


def test_from_to_compares_two_databases(throwaway, live):
    other = throwaway.create(committed_migrations(), prefix="other")
    with psycopg.connect(other.url, autocommit=True) as conn:
        conn.execute("ALTER TABLE public.user_balances ADD COLUMN note text")
    assert run_cli("diff", "--from", live.url, "--to", live.url).code == 0
    result = run_cli("diff", "--from", live.url, "--to", other.url, "--format", "json")
    assert result.code == 1
    assert [(d["kind"], d["object"], d["change"]) for d in json.loads(result.out)["drift"]] == [
        ("column", "public.user_balances.note", "extra")]
    throwaway.drop(other)


def with_password_auth(server, role: str) -> None:
    """Make the throwaway server ask `role` for a password (it trusts everyone else)."""
    hba = server.data / "pg_hba.conf"
    line = f"host all {role} 127.0.0.1/32 scram-sha-256\n"
    if line not in hba.read_text():
        hba.write_text(line + hba.read_text())
        with psycopg.connect(server.url(), autocommit=True) as conn:
            conn.execute("SELECT pg_reload_conf()")


@pytest.fixture
def reader(server, live):
    """A role that can read the catalogs and the seeded table, nothing else, on a read-only database."""
    dbname = live.url.rsplit("/", 1)[1]
    with psycopg.connect(server.url(), autocommit=True) as conn:
        conn.execute(f"DROP ROLE IF EXISTS reader_{dbname}")
        conn.execute(f"CREATE ROLE reader_{dbname} LOGIN BYPASSRLS PASSWORD '{PASSWORD}'")
    with psycopg.connect(live.url, autocommit=True) as conn:
        conn.execute(f"GRANT USAGE ON SCHEMA public TO reader_{dbname}")
        conn.execute(f"GRANT SELECT ON public.model_pricing TO reader_{dbname}")
        conn.execute(f"ALTER DATABASE {dbname} SET default_transaction_read_only = on")
    with_password_auth(server, f"reader_{dbname}")
    return f"postgresql://reader_{dbname}:{PASSWORD}@127.0.0.1:{server.port}/{dbname}"


def test_read_only_role_on_read_only_database(reader):
    """Any write by diff would fail here (read-only database, SELECT-only role), so exit 0 proves there is none."""
    result = run_cli("diff", "--db", reader)
    assert result.code == 0, result.out + result.err
    assert "No drift" in result.out
    assert PASSWORD not in result.out + result.err
    assert "reader_" in result.out and ":***@" in result.out


READ_PRIVILEGES = [
    # (SELECT on the seeded table, BYPASSRLS) -> what the message must name, and must not
    (False, True, "permission denied for table public.model_pricing", "BYPASSRLS"),
    (False, False, "permission denied for table public.model_pricing", "BYPASSRLS"),  # PostgreSQL says RLS first
    (True, False, "seeded rows are hidden from this role", "grant SELECT"),
]


@pytest.mark.parametrize("select,bypassrls,named,not_named", READ_PRIVILEGES)
def test_a_missing_read_privilege_is_named(server, live, reader, select, bypassrls, named, not_named):
    role = reader.split("//")[1].split(":")[0]
    with psycopg.connect(server.url(), autocommit=True) as conn:
        conn.execute(f"ALTER ROLE {role} {'BYPASSRLS' if bypassrls else 'NOBYPASSRLS'}")
    if not select:
        with psycopg.connect(live.url, autocommit=True, options="-c default_transaction_read_only=off") as conn:
            conn.execute(f"REVOKE SELECT ON public.model_pricing FROM {role}")
    result = run_cli("diff", "--db", reader)
    assert result.code == 2 and result.out == ""
    assert named in result.err and not_named not in result.err, result.err
    if not select:
        assert "fix: grant SELECT on it to this role (GRANT SELECT ON ... TO role), or connect as postgres" in result.err


def test_wrong_password(reader):
    wrong = reader.replace(PASSWORD, "not-the-password")
    result = run_cli("diff", "--db", wrong)
    assert result.code == 2
    assert "authentication failed" in result.err and "not-the-password" not in result.err + result.out
    assert "Traceback" not in result.err


def silent_or_garbage_server(reply: bytes | None):
    """A TCP server that never answers (reply None) or answers like a non-PostgreSQL service."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def serve():
        try:
            while True:
                conn, _ = listener.accept()
                if reply is not None:
                    conn.recv(1024)
                    conn.sendall(reply)
                    conn.close()
        except OSError:
            return

    threading.Thread(target=serve, daemon=True).start()
    return listener


@pytest.mark.parametrize("url,message", [
    ("postgresql://postgres:{pw}@127.0.0.1:1/postgres", "cannot reach the server"),
    ("postgresql://postgres:{pw}@no-such-host.invalid:5432/postgres", "cannot reach the server"),
    ("postgresql://postgres:{pw}@127.0.0.1:{port}/no_such_database", "the database does not exist"),
    ("postgresql://postgres:{pw}@127.0.0.1:notaport/postgres", "not a valid connection URL"),
    ("just some words", "not a valid connection URL"),
])
def test_connection_errors_are_one_clear_line(server, url, message):
    result = run_cli("diff", "--db", url.format(pw=PASSWORD, port=server.port), "--schema", str(ROOT / "schema.yaml"))
    assert result.code == 2, result.out
    assert message in result.err
    assert PASSWORD not in result.err + result.out
    assert "Traceback" not in result.err
    assert result.out == ""  # never a "no drift" report


def test_non_postgres_server():
    listener = silent_or_garbage_server(b"HTTP/1.1 400 Bad Request\r\n\r\n")
    port = listener.getsockname()[1]
    result = run_cli("diff", "--db", f"postgresql://u:{PASSWORD}@127.0.0.1:{port}/db?sslmode=disable")
    listener.close()
    assert result.code == 2 and "did not answer as PostgreSQL does" in result.err, result.err


def test_silent_server_times_out_within_connect_timeout():
    listener = silent_or_garbage_server(None)
    port = listener.getsockname()[1]
    result = run_cli("diff", "--db", f"postgresql://u:{PASSWORD}@127.0.0.1:{port}/db?sslmode=disable",
                     env={"PGCONNECT_TIMEOUT": "2"}, timeout=30)
    listener.close()
    assert result.code == 2 and "no answer within 2s" in result.err, result.err


def test_shadow_failure_is_an_error_not_no_drift(tmp_path):
    (tmp_path / "schema.yaml").write_text(
        (ROOT / "schema.yaml").read_text().replace("default: gen_random_uuid()}", "default: no_such_function()}", 1))
    shutil.copytree(ROOT / "generated", tmp_path / "generated")
    result = run_cli("diff", cwd=tmp_path)
    assert result.code == 2 and result.out == ""
    # Blamed on the table in schema.yaml that the user wrote, not on the rendered file they never saw.
    line = (tmp_path / "schema.yaml").read_text().splitlines().index("  model_pricing:") + 1
    assert f"schema.yaml:{line}: tables.model_pricing: PostgreSQL refuses it: function no_such_function() does not exist" in result.err
    assert ".sql" not in result.err


def test_from_without_to():
    result = run_cli("diff", "--from", "postgresql://x@127.0.0.1/db")
    assert result.code == 2 and "--from and --to go together" in result.err


UNMODELLED = """
CREATE TYPE public.price_range AS RANGE (subtype = numeric);
CREATE AGGREGATE public.product(numeric) (sfunc = numeric_mul, stype = numeric, initcond = '1');
CREATE SEQUENCE public.invoice_numbers START 1000;
CREATE DOMAIN public.positive_amount AS numeric CHECK (VALUE > 0);
CREATE TYPE public.money_pair AS (amount numeric, currency text);
CREATE TABLE public.numbered (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, other bigserial);
"""


def test_objects_not_modelled_are_listed_never_silent(live):
    """A range type or an aggregate in public is shown as not compared; a standalone sequence, a domain
    and a composite type are compared (extra), and the sequences behind identity and serial columns
    belong to their columns and are reported nowhere."""
    with psycopg.connect(live.url, autocommit=True) as conn:
        conn.execute(UNMODELLED)
    text = run_cli("diff", "--db", live.url)
    assert text.code == 1, text.err  # the extra table is drift; the rest is listed, not compared
    assert "NOT COMPARED (outside what this comparison covers; check them by hand)" in text.out
    for line in ("range type public.price_range  (actual only)", "aggregate public.product(numeric)  (actual only)"):
        assert f"  {line}" in text.out.splitlines(), text.out
    for line in ("sequence public.invoice_numbers", "domain public.positive_amount", "composite_type public.money_pair"):
        assert f"  {line}" in text.out.splitlines(), text.out
    assert "numbered_id_seq" not in text.out and "numbered_other_seq" not in text.out
    document = json.loads(run_cli("diff", "--db", live.url, "--format", "json").out)
    assert {"kind": "range type", "object": "public.price_range", "on": ["actual"]} in document["not_compared"]
    assert len(document["not_compared"]) == 2


def test_roles_beyond_the_api_roles_only_when_asked(throwaway, live):
    """Grants to other roles are not compared unless --roles names them (or says all), but such a role is
    listed as not compared; Supabase's internal roles never are."""
    other = throwaway.create(committed_migrations(), prefix="roles")
    try:
        with psycopg.connect(other.url, autocommit=True) as conn:
            conn.execute("DO $$ BEGIN CREATE ROLE app_user NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
            conn.execute("GRANT SELECT ON public.model_pricing TO app_user, supabase_auth_admin")
        quiet = run_cli("diff", "--from", live.url, "--to", other.url)
        assert quiet.code == 0, quiet.err
        # Left out, but said: the role whose grants were not compared, and how to compare them.
        assert "  privileges of role app_user  (actual only): compare them with --roles" in quiet.out, quiet.out
        assert "supabase_auth_admin" not in quiet.out
        document = json.loads(run_cli("diff", "--from", live.url, "--to", other.url, "--format", "json").out)
        assert document["not_compared"] == [{"kind": "privileges of role", "object": "app_user", "on": ["actual"]}]
        for roles in ("app_user", "all"):
            result = run_cli("diff", "--from", live.url, "--to", other.url, "--roles", roles)
            assert result.code == 1, result.err
            assert "+ extra   SELECT to app_user: granted" in result.out and "supabase_auth_admin" not in result.out
        bad = run_cli("diff", "--from", live.url, "--to", other.url, "--roles", "x" * 70)
        assert bad.code == 2 and "--roles" in bad.err
    finally:
        throwaway.drop(other)
