"""What only PostgreSQL can refuse is reported at the schema.yaml object and line it came from.

Each case edits the real schema.yaml into something validate accepts but PostgreSQL refuses when the
rendered SQL is applied on the shadow database; the error must name the object's path and line,
never the generated file.
"""

from __future__ import annotations

import shutil

import pytest

from supaschema.catalog.states import desired_snapshot, scope_for
from supaschema.errors import UserError
from supaschema.render.migrations import bundled_templates
from supaschema.spec.loader import parse_spec

from .helpers import ROOT, run_cli

SCHEMA = (ROOT / "schema.yaml").read_text("utf-8")
PROVIDER = "      provider_id: {type: text, nullable: false}\n      # numeric"
LOWERCASE_PROVIDER = "      provider_id: {type: text, nullable: false, check: \"provider_id ~ '^[a-z]+$'\"}\n      # numeric"

# (case id, [(old, new) edits], expected fragment, text of the line the error must point at)
CASES = [
    ("seed-row-breaks-a-check-python-cannot-decide",
     [(PROVIDER, LOWERCASE_PROVIDER), ("[anthropic, claude-3-opus-20240229,", "[Anthropic, claude-3-opus-20240229,")],
     "seeds.model_pricing.rows[8]: PostgreSQL refuses it: new row for relation \"model_pricing\" violates check constraint",
     "      - [Anthropic, claude-3-opus-20240229, 0.015, 0.075]"),
    ("policy-calls-a-missing-function",
     [("        using: (select auth.uid()) = user_id\n    # Usage", "        using: public.no_such_function(user_id)\n    # Usage")],
     "tables.usage_records.policies.Users can read their own usage: PostgreSQL refuses it: function public.no_such_function(uuid) does not exist",
     "      Users can read their own usage:"),
    ("function-body-does-not-compile",
     [("        RETURN NEW;\n      EXCEPTION", "        RETURN NEW\n      EXCEPTION")],
     "functions.public.handle_new_user_balance: PostgreSQL refuses it: syntax error",
     "  public.handle_new_user_balance:"),
    ("one-overload-does-not-compile",
     [("  public.set_updated_at:\n", "  public.label:\n    - {arguments: n integer, returns: text, language: sql, body: SELECT n::text}\n"
       "    - {arguments: t text, returns: text, language: sql, body: SELECT no_such_column}\n  public.set_updated_at:\n"),
      ("    functions: [public.set_updated_at, public.record_usage]", "    functions: [public.set_updated_at, public.record_usage, public.label]")],
     "functions.public.label[1]: PostgreSQL refuses it: column \"no_such_column\" does not exist",
     "    - {arguments: t text, returns: text, language: sql, body: SELECT no_such_column}"),
    ("view-reads-a-missing-column",
     [("             sum(total_cost) AS total_cost", "             sum(no_such_cost) AS total_cost")],
     "views.public.user_usage_daily: PostgreSQL refuses it: column \"no_such_cost\" does not exist",
     "  public.user_usage_daily:"),
    ("default-names-a-missing-sequence",
     [("      currency: {type: text, nullable: false, default: \"'USD'\"}\n      is_active",
       "      currency: {type: text, nullable: false, default: \"nextval('no_such_sequence')::text\"}\n      is_active")],
     "tables.model_pricing: PostgreSQL refuses it: relation \"no_such_sequence\" does not exist",
     "  model_pricing:"),
]


def edited(edits: list[tuple[str, str]]) -> str:
    text = SCHEMA
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_shadow_refusal_names_the_schema_object_and_line(throwaway, case):
    _, edits, fragment, anchor = case
    text = edited(edits)
    spec = parse_spec(text, "schema.yaml")  # validate accepts it: only PostgreSQL can tell
    with pytest.raises(UserError) as caught:
        desired_snapshot(throwaway, spec, bundled_templates(), scope_for(spec))
    problem = caught.value.problems[0]
    assert fragment in problem.what, str(problem)
    assert problem.where == f"schema.yaml:{text.splitlines().index(anchor) + 1}"
    assert ".sql" not in str(problem)


def test_cli_blames_schema_yaml_and_writes_nothing(tmp_path):
    shutil.copytree(ROOT / "generated", tmp_path / "generated")
    before = {p.name: p.read_bytes() for p in (tmp_path / "generated").iterdir()}
    _, edits, fragment, anchor = CASES[0]
    text = edited(edits)
    (tmp_path / "schema.yaml").write_text(text)
    result = run_cli("gen", "--check", cwd=tmp_path)
    assert result.code == 2 and "Traceback" not in result.err, result.err
    assert f"schema.yaml:{text.splitlines().index(anchor) + 1}: {fragment}" in result.err
    assert ".sql" not in result.err
    assert {p.name: p.read_bytes() for p in (tmp_path / "generated").iterdir()} == before
