"""CI must not go green by accident: a missing secret, an empty URL or a diff that compared no
database is said plainly (exit 2, or a sentence naming what was compared), never a quiet fall-back."""

from __future__ import annotations

import pytest

from .helpers import run_cli, run_main

EMPTY_VARIABLES = [
    ({"DATABASE_URL": ""}, "$DATABASE_URL"),
    ({"DATABASE_URL": "   "}, "$DATABASE_URL"),
    ({"SUPABASE_DB_URL": ""}, "$SUPABASE_DB_URL"),
    ({"DATABASE_URL": "", "SUPABASE_DB_URL": "postgresql://x@127.0.0.1:1/d"}, "$DATABASE_URL"),  # no fall-back to the next
]
COMMANDS = [["diff"], ["plan"], ["push"], ["push", "--dry-run"]]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("env,variable", EMPTY_VARIABLES)
def test_a_variable_set_but_empty_is_an_error(monkeypatch, capfd, env, variable, command):
    result = run_main(monkeypatch, capfd, *command, env=env)
    assert result.code == 2 and result.out == "", result.out
    assert result.err.startswith(f"error: {variable}: is set but empty"), result.err


EMPTY_OPTIONS = [
    (["diff", "--db", ""], "--db: the URL is empty"),
    (["plan", "--db", " "], "--db: the URL is empty"),
    (["push", "--db", ""], "--db: the URL is empty"),
    (["diff", "--from", "", "--to", ""], "--from: the connection URL is empty"),
    (["diff", "--shadow-url", ""], "--shadow-url: the connection URL is empty"),
    (["gen", "--check", "--shadow-url", ""], "--shadow-url: the connection URL is empty"),
]


@pytest.mark.parametrize("args,message", EMPTY_OPTIONS)
def test_an_empty_option_is_an_error_not_the_default(monkeypatch, capfd, args, message):
    result = run_main(monkeypatch, capfd, *args)
    assert result.code == 2 and result.out == ""
    assert result.err.startswith(f"error: {message}"), result.err


def test_diff_without_a_database_says_none_was_compared():
    result = run_cli("diff")
    assert result.code == 0, result.err
    assert "No drift: generated/ replayed matches schema.yaml; no database was compared (give --db or DATABASE_URL)." in result.out
    assert "the database matches" not in result.out
