"""Passwords never reach the output: hostile passwords, written every way a URL can be written,
given every way a command takes a database, through every command that takes one.

The matrix runs `supaschema.cli.main` in-process (hundreds of process starts would dominate the
suite); a few cases run as real processes too. A case passes when neither stream holds the
password nor any of its words of 3 characters or more, and the message is still a readable one.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import psycopg
import pytest

from supaschema.errors import UserError
from supaschema.postgres import conninfo

from .helpers import CliResult, committed_migrations, run_cli, run_main

HOSTILE_PASSWORDS = [
    "zqx kvw pjd",  # spaces: libpq's parse error quotes the value
    "Pq@Zkn9/wrt",  # an unencoded @ and /: libpq takes the tail for the host
    "it's \"Qvzu\" fine",  # both quotes
    "pct%zzRnd",  # not a valid percent escape
    "Xyq?Kqw#Wvz&Zzt=Mmp",  # URL delimiters
    "pässwörd-ÿKt",  # not ASCII
    "-Lead:Colon;Semi",  # starts like an option
    "Q" * 120 + " tail9Z",  # long
]

FORMS = {
    "url as typed": "postgresql://{user}:{pw}@127.0.0.1:{port}/{db}",
    "url encoded": "postgresql://{user}:{pw_url}@127.0.0.1:{port}/{db}",
    "password in the query": "postgresql://{user}@127.0.0.1:{port}/{db}?sslmode=disable&password={pw_url}",
    "keywords, quoted": "host=127.0.0.1 port={port} user={user} dbname={db} password='{pw_kw}'",
    "keywords, as typed": "host=127.0.0.1 port={port} user={user} dbname={db} password={pw}",
}


def words(password: str) -> list[str]:
    return [password, *(w for w in re.split(r"[\s@:/?#&='\";%]+", password) if len(w) >= 3)]


def assert_hidden(result: CliResult, password: str) -> None:
    shown = result.out + result.err
    for word in words(password):
        assert word not in shown, f"{word!r} leaked:\n{shown}"
    assert "Traceback" not in result.err, result.err
    assert "***ql" not in shown  # the old blind replace garbled postgresql:// itself
    if result.code == 2:
        assert result.err.startswith("error: ") and result.out == "", result.err  # one readable problem
    else:
        assert ":***@" in result.out or "password=***" in result.out or "would apply" in result.out, result.out  # names the target


@pytest.fixture(scope="module")
def leaky(server, throwaway):
    """A database with the schema, and one role per hostile password (LOGIN, asked for its password)."""
    live = throwaway.create(committed_migrations(), prefix="leaky")
    db = live.url.rsplit("/", 1)[1]
    with psycopg.connect(server.url(), autocommit=True) as conn:
        conn.execute("DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'leakers') THEN CREATE ROLE leakers; END IF; END$$")
        for i, password in enumerate(HOSTILE_PASSWORDS + ["postgres"]):
            conn.execute(f"DROP ROLE IF EXISTS leaky_{i}")
            conn.execute(f"CREATE ROLE leaky_{i} LOGIN BYPASSRLS IN ROLE leakers PASSWORD %s".replace("%s", "'" + password.replace("'", "''") + "'"))
    with psycopg.connect(live.url, autocommit=True) as conn:
        conn.execute("GRANT USAGE ON SCHEMA public TO leakers; GRANT SELECT ON public.model_pricing TO leakers")
    hba = server.data / "pg_hba.conf"
    line = "host all +leakers 127.0.0.1/32 scram-sha-256\n"
    if line not in hba.read_text():
        hba.write_text(line + hba.read_text())
        with psycopg.connect(server.url(), autocommit=True) as conn:
            conn.execute("SELECT pg_reload_conf()")
    yield {"port": server.port, "db": db, "shadow": server.url()}
    throwaway.drop(live)
    with psycopg.connect(server.url(), autocommit=True) as conn:
        for i in range(len(HOSTILE_PASSWORDS) + 1):
            conn.execute(f"DROP ROLE IF EXISTS leaky_{i}")


def url_for(leaky: dict, form: str, password: str, user: str) -> str:
    return FORMS[form].format(user=user, pw=password, pw_url=quote(password, safe=""), port=leaky["port"], db=leaky["db"],
                              pw_kw=password.replace("\\", "\\\\").replace("'", "\\'"))


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("index", range(len(HOSTILE_PASSWORDS)))
def test_every_way_of_writing_it(monkeypatch, capfd, leaky, index, form):
    """The right password: the report prints the target; a URL that cannot be parsed is described, not quoted."""
    password = HOSTILE_PASSWORDS[index]
    url = url_for(leaky, form, password, f"leaky_{index}")
    result = run_main(monkeypatch, capfd, "diff", "--db", url, "--shadow-url", leaky["shadow"])
    assert_hidden(result, password)
    if result.code != 2:
        assert f"leaky_{index}" in result.out  # the label is the URL rebuilt, password as ***
    else:
        assert "not a valid connection" in result.err, result.err


DELIVERIES = {
    "diff --db": lambda url, s: (["diff", "--db", url, "--shadow-url", s], {}),
    "diff --db=": lambda url, s: (["diff", f"--db={url}", "--shadow-url", s], {}),
    "diff json": lambda url, s: (["diff", "--format", "json", "--db", url, "--shadow-url", s], {}),
    "diff --from --to": lambda url, s: (["diff", "--from", url, "--to", url], {}),
    "diff --shadow-url": lambda url, s: (["diff", "--shadow-url", url], {}),
    "gen --check --shadow-url": lambda url, s: (["gen", "--check", "--shadow-url", url], {}),
    "plan --db": lambda url, s: (["plan", "--db", url, "--shadow-url", s], {}),
    "push --db": lambda url, s: (["push", "--db", url], {}),
    "push --dry-run": lambda url, s: (["push", "--dry-run", "--db", url], {}),
    "lint --db": lambda url, s: (["lint", "--db", url], {}),
    "pull --db": lambda url, s: (["pull", "--db", url, "--out", "/nonexistent/schema.yaml"], {}),
    "pull, positional": lambda url, s: (["pull", url], {}),
    "lint, positional": lambda url, s: (["lint", url], {}),
    "$DATABASE_URL": lambda url, s: (["diff", "--shadow-url", s], {"DATABASE_URL": url}),
    "$SUPABASE_DB_URL": lambda url, s: (["plan", "--shadow-url", s], {"SUPABASE_DB_URL": url}),
    "diff, positional": lambda url, s: (["diff", url], {}),
    "plan, positional": lambda url, s: (["plan", "--shadow-url", s, url], {}),
    "as a command": lambda url, s: ([url], {}),
    "as a --format": lambda url, s: (["diff", "--format", url], {}),
    "as a --schema path": lambda url, s: (["validate", "--schema", url], {}),
    "as a --name": lambda url, s: (["gen", "--name", url], {}),
}


@pytest.mark.parametrize("delivery", DELIVERIES)
@pytest.mark.parametrize("form", ["url as typed", "url encoded", "keywords, quoted"])
@pytest.mark.parametrize("password", [HOSTILE_PASSWORDS[0], HOSTILE_PASSWORDS[1]])
def test_every_way_of_giving_it(monkeypatch, capfd, leaky, password, form, delivery):
    """A wrong password (so the server answers with an error), given every way a command takes a URL."""
    url = url_for(leaky, form, password, "leaky_0" if password != HOSTILE_PASSWORDS[0] else "leaky_1")
    args, env = DELIVERIES[delivery](url, leaky["shadow"])
    result = run_main(monkeypatch, capfd, *args, env=env)
    assert result.code == 2
    assert_hidden(result, password)


@pytest.mark.parametrize("password", HOSTILE_PASSWORDS[:2])
def test_password_from_pgpassword(monkeypatch, capfd, leaky, password):
    url = f"postgresql://leaky_7@127.0.0.1:{leaky['port']}/{leaky['db']}"
    result = run_main(monkeypatch, capfd, "push", "--dry-run", "--db", url, env={"PGPASSWORD": password})
    assert result.code == 2 and "authentication failed" in result.err, result.err
    assert_hidden(result, password)


SUCCESSES = {
    "diff json": (["diff", "--format", "json"], '"actual": "postgresql://leaky_{i}:***@127.0.0.1:{port}/{db}"'),
    "plan": (["plan"], "-- no drift: postgresql://leaky_{i}:***@127.0.0.1:{port}/{db} matches schema.yaml"),
    "push --dry-run": (["push", "--dry-run"], "would apply 20251018000001_create_pricing_tables.sql"),
}


@pytest.mark.parametrize("command", SUCCESSES)
@pytest.mark.parametrize("index", range(len(HOSTILE_PASSWORDS)))
def test_reports_that_name_the_target(monkeypatch, capfd, leaky, index, command):
    """The right password, through every command that prints the target: the label, never the password."""
    password = HOSTILE_PASSWORDS[index]
    args, expected = SUCCESSES[command]
    url = url_for(leaky, "url encoded", password, f"leaky_{index}")
    result = run_main(monkeypatch, capfd, *args, "--db", url, *(["--shadow-url", leaky["shadow"]] if command != "push --dry-run" else []))
    assert result.code == 0, result.err
    assert expected.format(i=index, port=leaky["port"], db=leaky["db"]) in result.out
    assert_hidden(result, password)


def test_short_common_password_does_not_garble_messages(monkeypatch, capfd, leaky):
    """With the password `postgres`, messages stay readable (the old mask printed `***ql://***:***@`)."""
    index = len(HOSTILE_PASSWORDS)
    right = f"postgresql://leaky_{index}:postgres@127.0.0.1:{leaky['port']}/{leaky['db']}"
    result = run_main(monkeypatch, capfd, "diff", "--db", right, "--shadow-url", leaky["shadow"])
    assert result.code == 0, result.err
    assert f"actual:  postgresql://leaky_{index}:***@127.0.0.1:{leaky['port']}/{leaky['db']}" in result.out
    # The login roles' group `leakers` reads model_pricing: listed as not compared, never drift.
    assert "No drift in what is compared: the database matches schema.yaml." in result.out
    wrong = right.replace(f"leaky_{index}:", "leaky_0:")
    result = run_main(monkeypatch, capfd, "diff", "--db", wrong, "--shadow-url", leaky["shadow"])
    assert result.code == 2
    assert result.err.startswith(f"error: database postgresql://leaky_0:***@127.0.0.1:{leaky['port']}/{leaky['db']}: "
                                 "authentication failed (wrong user or password)"), result.err


def test_real_processes_positional_url_and_environment(leaky):
    """The same promises when run as users run it: a URL typed without --db, and one in $DATABASE_URL."""
    password = HOSTILE_PASSWORDS[0]
    url = url_for(leaky, "url as typed", password, "leaky_0")
    for args, env in (DELIVERIES["diff, positional"](url, ""), DELIVERIES["$DATABASE_URL"](url, leaky["shadow"])):
        result = run_cli(*args, env=env)
        assert result.code == 2
        assert_hidden(result, password)
    assert "unexpected argument" in run_cli("diff", url).err


def test_a_bug_traceback_does_not_carry_the_url(monkeypatch, capfd, leaky):
    """An internal error keeps its traceback, but a URL in its message (or a chained one) is scrubbed."""
    password = HOSTILE_PASSWORDS[4]
    url = url_for(leaky, "url encoded", password, "leaky_4")

    def broken(*_args, **_kwargs):
        try:
            raise ValueError(f"cannot use {url} (password {password})")
        except ValueError as exc:
            raise RuntimeError(f"bug while reading {url!r}") from exc

    monkeypatch.setattr("supaschema.workflows.schema_against", broken)
    result = run_main(monkeypatch, capfd, "diff", "--db", url)
    assert result.code == 2
    assert "Traceback" in result.err and "internal error in supaschema" in result.err
    assert "RuntimeError: bug while reading" in result.err
    for word in words(password):
        assert word not in result.err


LABELS = [
    ("postgresql://u:pw@db.example.com:5432/postgres", "postgresql://u:***@db.example.com:5432/postgres"),
    ("postgres://u@h/d", "postgresql://u@h/d"),
    ("postgresql://u:p%40ss@h/d?sslmode=require", "postgresql://u:***@h/d"),
    ("postgresql://h/d?password=x%20y", "postgresql://:***@h/d"),
    ("postgresql://u:pw@[::1]:6543/d", "postgresql://u:***@[::1]:6543/d"),
    ("postgresql://%2Fvar%2Frun/d", "postgresql://%2Fvar%2Frun/d"),
    ("host=h port=5 dbname=d user=u password='a b'", "host=h port=5 dbname=d user=u password=***"),
    ("host=h dbname='my db'", "host=h dbname='my db'"),
]


@pytest.mark.parametrize("text,label", LABELS)
def test_labels_are_rebuilt_from_the_parts(text, label):
    assert conninfo.parse(text, "--db").label == label


UNPARSEABLE = [
    ("postgresql://u:a b@h/d", "holds a space"),
    ("postgresql://u:a@b@h/d", "holds an '@'"),
    ("postgresql://u:a/b@h/d", "holds an '@'"),
    ("postgresql://u:a%zz@h/d", "write % itself as %25"),
    ("postgresql://u:pw@h:port/d", "the port is not a number"),
    ("postgresql://u:pw@h/d?novalue", "not key=value pairs"),
    ("host=h password=a b c", "quote values holding spaces"),
    ("host=h password='a b", "quoted value is not closed"),
    ("POSTGRESQL://u:pw@h/d", "lower case"),
    ("just words", "neither postgresql://"),
    ("   ", "empty"),
]


@pytest.mark.parametrize("text,reason", UNPARSEABLE)
def test_what_cannot_be_parsed_is_described_not_quoted(text, reason):
    with pytest.raises(UserError) as caught:
        conninfo.parse(text, "--db")
    message = str(caught.value)
    assert reason in message and message.startswith("--db: ")
    for word in re.split(r"[\s@:/?#&='%]+", text.split("//")[-1]):
        if len(word) >= 3 and word not in ("pw", "port", "password", "host"):
            assert word not in message.split("fix:")[0].replace("--db", ""), word


MASKS = [
    ("password authentication failed for user \"u\"", ["a"], "password authentication failed for user \"u\""),
    ("could not connect to postgresql://u:postgres@h", ["postgres"], "could not connect to postgresql://u:***@h"),
    ("role \"postgres\" does not exist", ["postgres"], "role \"***\" does not exist"),
    ("invalid value \"kvw\" for x", ["zqx kvw pjd"], "invalid value \"***\" for x"),
    ("host p%40ss and p@ss", ["p@ss"], "host *** and ***"),
    ("authentication failed", ["ent"], "authentication failed"),
]


@pytest.mark.parametrize("text,secrets,masked", MASKS)
def test_masking_takes_whole_tokens_only(text, secrets, masked):
    assert conninfo.mask(text, secrets) == masked
