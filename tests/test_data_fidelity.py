"""Bytes in, the same bytes in the database: values and bodies arrive unchanged.

Each tricky text travels schema.yaml -> gen -> push -> read back, once as a seed
value and once inside a function body, and must come back byte for byte. The YAML
is written the way the README says to write such values: double-quoted, with
escapes (plain and folded scalars normalise line breaks by YAML's own rules).
"""

from __future__ import annotations

import psycopg
import pytest

from supaschema.render.migrations import _tidy, bundled_templates, render_migrations
from supaschema.spec.loader import parse_spec
from supaschema.sqltext.quoting import dollar_quoted, literal
from supaschema.sqltext.statements import split_statements

from .helpers import run_cli

TRICKY = [
    ("crlf", "a\r\nb"),
    ("cr", "a\rb"),
    ("next-line", "a\x85b"),
    ("line-separator", "a\u2028b"),
    ("paragraph-separator", "a\u2029b"),
    ("vertical-tab", "a\x0bb"),
    ("form-feed", "a\x0cb"),
    ("file-group-record-separators", "a\x1c\x1d\x1eb"),
    ("trailing-spaces", "line   \nnext  "),
    ("blank-lines", "a\n\n\n\nb"),
    ("only-newlines", "\n\n"),
    ("tabs", "\ta\t\n\t"),
    ("quotes-and-dollars", "it's $$ $body$ \\ back"),
    ("non-ascii", "ü 𝄞 中"),
]


def yaml_quoted(text: str) -> str:
    """The README's advice: double quotes, and an escape for every line break and control character."""
    def escape(ch: str) -> str:
        if ch in '\\"':
            return "\\" + ch
        if ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F or ch in "\u2028\u2029":
            return f"\\u{ord(ch):04x}"
        return ch
    return '"' + "".join(map(escape, text)) + '"'


def schema_yaml(values: list[tuple[str, str]]) -> str:
    q = yaml_quoted
    rows = "\n".join(f"      - [{i}, {q(v)}]" for i, (_, v) in enumerate(values))
    functions = "\n".join(
        f"  public.body_{i}:\n    returns: integer\n    language: sql\n    body: {q('SELECT 1 /*' + v + '*/')}"
        for i, (_, v) in enumerate(values))
    names = ", ".join(f"public.body_{i}" for i in range(len(values)))
    return f"""tables:
  fidelity:
    columns:
      id: {{type: integer, primary_key: true}}
      v: {{type: text}}
functions:
{functions}
seeds:
  fidelity:
    key: [id]
    columns: [id, v]
    rows:
{rows}
migrations:
  - version: "20250101000001"
    name: fidelity
    tables: [fidelity]
    functions: [{names}]
    seeds: [fidelity]
"""


def test_yaml_double_quoted_escapes_arrive_as_written():
    spec = parse_spec(schema_yaml(TRICKY))
    assert [row[1] for row in spec.seeds[0].rows] == [v for _, v in TRICKY]
    assert [f.body for f in spec.functions] == [f"SELECT 1 /*{v}*/" for _, v in TRICKY]


def test_rendered_sql_holds_every_value_and_body_verbatim():
    sql = "".join(render_migrations(parse_spec(schema_yaml(TRICKY)), bundled_templates()).values())
    for _, value in TRICKY:
        assert literal(value) in sql
        assert dollar_quoted(f"SELECT 1 /*{value}*/") in sql


@pytest.mark.parametrize("text, expected", [
    ("SELECT 1;   \n\n\n\nSELECT 2;  \n\n", "SELECT 1;\n\nSELECT 2;\n"),
    ("SELECT 'a  \n\n\n\nb';\n", "SELECT 'a  \n\n\n\nb';\n"),
    ("SELECT $t$ x \n\n\n $t$;\n", "SELECT $t$ x \n\n\n $t$;\n"),
    ('SELECT "a  \n\n\nb";\n', 'SELECT "a  \n\n\nb";\n'),
    ("SELECT E'\\'  \n\n\n';\n", "SELECT E'\\'  \n\n\n';\n"),
    ("-- it's\nSELECT 'x \r\n';\n", "-- it's\nSELECT 'x \r\n';\n"),
])
def test_tidy_touches_only_supaschemas_own_layout(text, expected):
    assert _tidy(text) == expected


def test_split_statements_ends_a_line_comment_at_a_carriage_return():
    assert split_statements("SELECT 1 -- note\rSELECT 2;SELECT 3") == ["SELECT 1 -- note\rSELECT 2", "SELECT 3"]


def test_values_and_bodies_reach_the_database_byte_for_byte(throwaway, tmp_path):
    (tmp_path / "schema.yaml").write_text(schema_yaml(TRICKY), "utf-8")
    gen = run_cli("gen", "--schema", str(tmp_path / "schema.yaml"), "--out", str(tmp_path / "generated"))
    assert gen.code == 0, gen
    target = throwaway.create([], prefix="fidelity")
    try:
        push = run_cli("push", "--db", target.url, "--generated", str(tmp_path / "generated"))
        assert push.code == 0, push
        with psycopg.connect(target.url) as conn:
            values = dict(conn.execute("SELECT id, v FROM public.fidelity").fetchall())
            bodies = dict(conn.execute("SELECT proname, prosrc FROM pg_catalog.pg_proc WHERE proname LIKE 'body\\_%'").fetchall())
    finally:
        throwaway.drop(target)
    for i, (name, value) in enumerate(TRICKY):
        assert values[i] == value, name
        assert bodies[f"body_{i}"] == f"SELECT 1 /*{value}*/", name
