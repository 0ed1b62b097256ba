"""Hostile schema.yaml: every field that reaches SQL is refused at its line, or re-printed harmlessly.

Each case replaces one value of the real schema.yaml with a payload (written as a
JSON string, which YAML reads as a double-quoted scalar, so escapes like \\u2028
arrive as the character). `gen` must exit 2 naming schema.yaml:LINE and write
nothing; `gen --check --shadow-url` (CI, as the server's admin) must run none of it.
"""

from __future__ import annotations

import json
import shutil

import psycopg
import pytest

from supaschema.spec.loader import parse_spec

from .helpers import GENERATED, ROOT, run_cli

SCHEMA = (ROOT / "schema.yaml").read_text("utf-8")
DROP = "DROP TABLE public.canary"

# (case id, text in schema.yaml, its replacement with {} for the JSON-quoted payload, payload)
CASES = [
    ("type-closes-paren", "      model_id: {type: text, nullable: false}", "      model_id: {type: {}, nullable: false}",
     f"text); {DROP}; CREATE TABLE x (b text"),
    ("type-line-comment", "      model_id: {type: text, nullable: false}", "      model_id: {type: {}, nullable: false}", "text -- swallow"),
    ("type-block-comment", "      model_id: {type: text, nullable: false}", "      model_id: {type: {}, nullable: false}", "text /* x */"),
    ("type-dollar", "      model_id: {type: text, nullable: false}", "      model_id: {type: {}, nullable: false}", "text $$"),
    ("type-newline", "      model_id: {type: text, nullable: false}", "      model_id: {type: {}, nullable: false}", f"text\n; {DROP}"),
    ("type-line-separator", "      model_id: {type: text, nullable: false}", "      model_id: {type: {}, nullable: false}", "text\u2028"),
    ("returns-trailing", "    returns: trigger", "    returns: {}", f"trigger; {DROP}"),
    ("returns-as-body", "    returns: trigger", "    returns: {}", f"trigger AS $$ $$ LANGUAGE sql; {DROP}; --"),
    ("arguments-close-paren", "    returns: trigger", "    arguments: {}\n    returns: trigger", f"p uuid) RETURNS void AS $$ $$ LANGUAGE sql; {DROP}; --"),
    ("arguments-default", "    returns: trigger", "    arguments: {}\n    returns: trigger", f"p int DEFAULT 1); {DROP}; --"),
    ("arguments-comment", "    returns: trigger", "    arguments: {}\n    returns: trigger", "p int /* x"),
    ("language", "    language: plpgsql", "    language: {}", f"plpgsql; {DROP}"),
    ("default-statement", "      created_at: {type: timestamptz, nullable: false, default: now()}\n      updated_at",
     "      created_at: {type: timestamptz, nullable: false, default: {}}\n      updated_at", f"now(); {DROP}"),
    ("check-unbalanced", "check: total_spent >= 0}", "check: {}}", "total_spent >= 0) OR (true"),
    ("using-dollar", "        using: \"true\"", "        using: {}", "$$x$$ = 'x'"),
    ("using-open-comment", "        using: \"true\"", "        using: {}", "true /* never closed"),
    ("using-line-separator", "        using: \"true\"", "        using: {}", "true\u2028OR true"),
    ("using-escape-string", "        using: \"true\"", "        using: {}", "E'\\\\'' = ''"),
    ("index-where-parameter", "        columns: [user_id, created_at desc]", "        columns: [user_id, created_at desc]\n        where: {}", "user_id = $1"),
    ("table-name-newline", "  usage_records:\n    comment:", "  {}:\n    columns: {{x: {{type: text}}}}\n  usage_records:\n    comment:", "canary\n"),
    ("column-name-cr", "      model_id: {type: text, nullable: false}", "      {}: {type: text, nullable: false}", "model\rid"),
    ("policy-name-separator", "      Anyone can read model pricing:", "      {}:", "Anyone\u2029can read"),
    ("policy-role-newline", "        roles: [authenticated]", "        roles: [{}]", "authenticated\n"),
    ("grant-role-newline", "      anon: [select]", "      {}: [select]", "anon\n"),
    ("function-schema-newline", "  public.handle_new_user_balance:", "  {}:", "pub\nlic.handle_new_user_balance"),
    # A NUL (written as an escape: YAML refuses the raw byte) in any field, caught once when the file is read.
    ("trigger-argument-nul", "    function: public.handle_new_user_balance", "    function: public.handle_new_user_balance\n    arguments: [{}]", "a\x00b"),
    ("comment-nul", "    comment: One balance per user, created by the signup trigger.", "    comment: {}", "a\x00b"),
    ("table-name-nul", "  usage_records:\n    comment:", "  {}:\n    columns: {{x: {{type: text}}}}\n  usage_records:\n    comment:", "canary\x00"),
    ("collation-newline", "      model_id: {type: text, nullable: false}", "      model_id: {type: text, nullable: false, collation: {}}", "C\n"),
]


def hostile(old: str, new: str, payload: str) -> tuple[str, int]:
    assert old in SCHEMA, old
    line = SCHEMA[: SCHEMA.index(old)].count("\n") + 1
    return SCHEMA.replace(old, new.replace("{}", json.dumps(payload)).replace("{{", "{").replace("}}", "}"), 1), line


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_hostile_value_is_refused_at_its_line(case, tmp_path):
    _, old, new, payload = case
    text, line = hostile(old, new, payload)
    (tmp_path / "schema.yaml").write_text(text, "utf-8")
    result = run_cli("gen", "--schema", str(tmp_path / "schema.yaml"), "--out", str(tmp_path / "out"))
    assert result.code == 2, result
    assert "Traceback" not in result.err
    lines = {int(part.split(":")[0]) for part in result.err.split("schema.yaml:")[1:]}
    assert lines & set(range(line, line + new.count("\n") + 2)), result.err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


# Harmless once re-printed: the comment is dropped, the value kept.
REPRINTED = [
    ("default now() -- trailing comment", "default: now()}\n      updated_at", "default: {}}}\n      updated_at", "now() -- swallows the rest", "NOT NULL DEFAULT now(),"),
    ("check with block comment", "check: total_spent >= 0}", "check: {}}}", "total_spent /* c */ >= 0", "CHECK (total_spent >= 0)"),
    ("type spelled loosely", "{type: \"numeric(18,10)\", nullable: false, default: \"0\", check: total_spent", "{type: {}, nullable: false, default: \"0\", check: total_spent",
     "NUMERIC( 18 , 10 )", "total_spent numeric(18,10)"),
    ("semicolon inside a string", "        using: \"true\"", "        using: {}", "'a;b' <> 'c'", "USING ('a;b' <> 'c')"),
]


@pytest.mark.parametrize("case", REPRINTED, ids=[c[0] for c in REPRINTED])
def test_harmless_spelling_is_reprinted(case):
    from supaschema.render.migrations import bundled_templates, render_migrations

    _, old, new, payload, expected = case
    text, _ = hostile(old, new, payload)
    sql = "".join(render_migrations(parse_spec(text), bundled_templates()).values())
    assert expected in sql
    assert "--" not in "".join(line.split("--")[0] for line in sql.splitlines())  # no comment after code
    assert "swallows" not in sql and "/* c */" not in sql


def test_check_on_a_shadow_server_runs_none_of_it(server, migrated, tmp_path):
    """CI's `gen --check --shadow-url` connects as the server's admin: a payload must not reach it."""
    with psycopg.connect(migrated.url, autocommit=True) as conn:
        conn.execute("CREATE TABLE public.canary (id int)")
    payload = "text); CREATE ROLE supaschema_pwned SUPERUSER; DROP TABLE public.canary; CREATE TABLE x (b text"
    text, _ = hostile(*CASES[0][1:3], payload)
    (tmp_path / "schema.yaml").write_text(text, "utf-8")
    shutil.copytree(GENERATED, tmp_path / "generated")
    result = run_cli("gen", "--check", "--schema", str(tmp_path / "schema.yaml"), "--generated", str(tmp_path / "generated"),
                     "--shadow-url", server.url())
    assert result.code == 2 and "schema.yaml:" in result.err, result
    with psycopg.connect(migrated.url, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM public.canary").fetchone() == (0,)
        assert conn.execute("SELECT 1 FROM pg_roles WHERE rolname = 'supaschema_pwned'").fetchone() is None
