"""Function overloads in schema.yaml: a name maps to a list of functions, each with its own arguments.
What tells them apart is read at its line; gen evolves one overload without touching the other."""

from __future__ import annotations

import shutil

import pytest

from supaschema.errors import UserError
from supaschema.spec.loader import parse_spec
from supaschema.spec.types import input_types

from .helpers import ROOT, run_cli

FRAME = """tables:
  notes:
    columns:
      id: {{type: bigint, primary_key: true}}
      touched_at: {{type: timestamptz}}
functions:
{functions}{triggers}
migrations:
  - version: "20250101000001"
    name: notes
    tables: [notes]
    functions: [{names}]
{placed}"""

TOUCH = "returns: trigger, language: plpgsql, body: 'BEGIN RETURN NEW; END'"
LABEL = "returns: text, language: sql, body: SELECT 1"
TRIGGER = "triggers:\n  notes_touch: {table: notes, timing: before, events: [update], for_each: row, function: public.touch}\n"


def spec_text(functions: str, names: str, trigger: bool = False) -> str:
    return FRAME.format(functions=functions, names=names, triggers=TRIGGER if trigger else "",
                        placed="    triggers: [notes_touch]\n" if trigger else "")


# (id, the functions section, names placed, with the trigger, message fragment, text of the line it points at)
REFUSED = [
    ("same types, other names", f"  public.label:\n    - {{arguments: a integer, {LABEL}}}\n    - {{arguments: b integer, {LABEL}}}\n",
     "public.label", False, "has the same argument types (integer) as functions.public.label[0]", "    - {arguments: b integer"),
    ("aliases and modifiers", f"  public.label:\n    - {{arguments: 'a numeric(12,2), b int4', {LABEL}}}\n"
     f"    - {{arguments: 'x decimal, y integer DEFAULT 1', {LABEL}}}\n",
     "public.label", False, "(numeric, integer)", "    - {arguments: 'x decimal"),
    ("only an OUT argument more", f"  public.label:\n    - {{arguments: a text, {LABEL}}}\n    - {{arguments: 'a text, out b text', {LABEL}}}\n",
     "public.label", False, "has the same argument types (text)", "    - {arguments: 'a text, out b text'"),
    ("the same name bare and qualified", f"  label: {{arguments: a text, {LABEL}}}\n  public.label: {{arguments: b text, {LABEL}}}\n",
     "public.label", False, "as functions.public.label (line", "  public.label: {arguments: b text"),
    ("a trigger on overloads that all take arguments",
     f"  public.touch:\n    - {{arguments: a integer, {TOUCH}}}\n    - {{arguments: a text, {TOUCH}}}\n",
     "public.touch", True, "no overload of public.touch takes no arguments", "  notes_touch:"),
    ("a list item that is not a mapping", "  public.label:\n    - SELECT 1\n", "public.label", False,
     "functions.public.label[0]: expected a mapping", "    - SELECT 1"),
]


@pytest.mark.parametrize("case", REFUSED, ids=[c[0] for c in REFUSED])
def test_overload_mistakes_are_reported_at_their_line(case):
    _, functions, names, trigger, fragment, anchor = case
    text = spec_text(functions, names, trigger)
    with pytest.raises(UserError) as caught:
        parse_spec(text, "schema.yaml")
    matching = [p for p in caught.value.problems if fragment in str(p)]
    assert matching, [str(p) for p in caught.value.problems]
    assert matching[0].where == f"schema.yaml:{text.splitlines().index(next(l for l in text.splitlines() if l.startswith(anchor))) + 1}"
    assert matching[0].fix or "expected a mapping" in fragment  # the shape error every reader shares


ACCEPTED = [
    ("different types", f"  public.label:\n    - {{arguments: a integer, {LABEL}}}\n    - {{arguments: a text, {LABEL}}}\n", False, 2),
    ("one in a list", f"  public.label:\n    - {{arguments: a integer, {LABEL}}}\n", False, 1),
    ("a trigger picks the overload without arguments",
     f"  public.touch:\n    - {{arguments: p_id bigint, returns: void, language: sql, body: SELECT 1}}\n    - {{{TOUCH}}}\n", True, 2),
    ("timestamp and timestamptz differ", f"  public.label:\n    - {{arguments: a timestamp, {LABEL}}}\n    - {{arguments: a timestamptz, {LABEL}}}\n", False, 2),
]


@pytest.mark.parametrize("case", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_overloads_are_read(case):
    _, functions, trigger, count = case
    name = "public.touch" if "touch" in functions else "public.label"
    spec = parse_spec(spec_text(functions, name, trigger), "schema.yaml")
    assert len(spec.functions) == count
    assert len({f.input_types for f in spec.functions}) == count
    if trigger:
        assert spec.triggers[0].function == "touch"


@pytest.mark.parametrize("signature, expected", [
    ("", ()),
    ("p_user uuid, p_limit integer", ("uuid", "integer")),
    ("int4, out total numeric, inout n int8", ("integer", "bigint")),
    ('variadic v int[], "My, Type" text', ("integer[]", "text")),
    ("a timestamptz, b timestamp, c time with time zone", ("timestamp with time zone", "timestamp without time zone", "time with time zone")),
    ("a public.t, b private.t, c pg_catalog.int4", ("t", "private.t", "integer")),
    ("a character varying(20), b varchar", ("character varying", "character varying")),
])
def test_input_types(signature, expected):
    assert input_types(signature) == expected


OVERLOADS = """  public.label:
    - arguments: n integer
      returns: text
      language: sql
      body: SELECT n::text
    - arguments: t text
      returns: text
      language: sql
      body: SELECT t
      grant_execute_to: [authenticated]
"""
MIGRATION = '  - version: "20991231000001"\n    name: labels\n    functions: [public.label]\n'


def test_gen_evolves_one_overload_and_leaves_the_other(tmp_path):
    shutil.copy(ROOT / "schema.yaml", tmp_path / "schema.yaml")
    shutil.copytree(ROOT / "generated", tmp_path / "generated")
    schema = tmp_path / "schema.yaml"
    text = schema.read_text().replace("triggers:\n", "  " + OVERLOADS.strip(" ") + "\ntriggers:\n", 1) + MIGRATION
    schema.write_text(text)
    assert (result := run_cli("gen", "--name", "labels", "--no-lint", cwd=tmp_path)).code == 0, result.err
    added = next((tmp_path / "generated").glob("*_labels.sql")).read_text()
    assert "CREATE OR REPLACE FUNCTION public.label(n integer)" in added and "CREATE OR REPLACE FUNCTION public.label(t text)" in added
    assert "GRANT EXECUTE ON FUNCTION public.label(text) TO authenticated;" in added

    schema.write_text(text.replace("      body: SELECT t\n", "      body: SELECT upper(t)\n"))
    assert (result := run_cli("gen", "--name", "label_upper", "--no-lint", cwd=tmp_path)).code == 0, result.err
    changed = next((tmp_path / "generated").glob("*_label_upper.sql")).read_text()
    assert "CREATE OR REPLACE FUNCTION public.label(t text)" in changed and "upper(t)" in changed
    assert "label(n integer)" not in changed and "DROP FUNCTION" not in changed, changed
    assert (result := run_cli("gen", "--check", "--no-lint", cwd=tmp_path)).code == 0, result.out + result.err
