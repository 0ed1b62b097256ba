"""schema.yaml's JSON Schema: current, valid for every schema.yaml we ship, and rejecting what the
loader rejects for the mistakes a schema can see (unknown keys, wrong types, missing keys, bad choices)."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from supaschema.errors import UserError
from supaschema.json_schema import json_schema
from supaschema.spec.loader import parse_spec

from .helpers import ROOT, run_cli
from .test_spec_errors import CASES, SCHEMA, edited

COMMITTED = ROOT / "schema.json"
VALIDATOR = jsonschema.Draft202012Validator(json_schema())

# Cases of tests/test_spec_errors.py that are about shape, so the JSON Schema must reject them too.
SHAPE_CASES = {"unknown-key", "unknown-key-suggests", "unknown-top-key", "wrong-type-bool", "wrong-type-list",
               "missing-type", "fk-bad-action", "bad-version", "renamed-from-not-a-name", "renamed-enum-value-two-labels"}
# More, one line each: (case id, old text, new text).
MORE_CASES = [
    ("unknown-table-key", "    rls: {enabled: true}\n    policies:\n      Anyone", "    rls: {enabled: true}\n    polices:\n      Anyone"),
    ("unknown-function-key", "    security_definer: true", "    security_definer: true\n    owner: postgres"),
    ("unknown-migration-key", "    name: seed_model_pricing", "    name: seed_model_pricing\n    author: me"),
    ("columns-as-list", "    columns:\n      id: {type: uuid, primary_key: true, default: gen_random_uuid()}\n      model_id",
     "    columns: [id]\n    xcolumns:\n      id: {type: uuid, primary_key: true, default: gen_random_uuid()}\n      model_id"),
    ("rls-not-a-mapping", "    rls: {enabled: true}\n    policies:\n      Anyone", "    rls: true\n    policies:\n      Anyone"),
    ("nullable-as-text", "      model_id: {type: text, nullable: false}", "      model_id: {type: text, nullable: \"no\"}"),
    ("rows-as-mapping", "    rows:\n", "    rows: {}\n    xrows:\n"),
    ("policy-without-command", "        command: select\n        roles: [anon, authenticated]", "        roles: [anon, authenticated]"),
    ("bad-command", "        command: select\n        roles: [anon, authenticated]", "        command: selct\n        roles: [anon, authenticated]"),
    ("bad-privilege", "      anon: [select]", "      anon: [selec]"),
    ("bad-timing", "    timing: after", "    timing: whenever"),
    ("function-without-body", "    body: |", "    xbody: |"),
    ("trigger-without-function", "    function: public.handle_new_user_balance", ""),
    ("migration-without-name", "    name: seed_model_pricing\n", ""),
    ("version-too-short", "  - version: \"20251018000002\"", "  - version: 2025"),
    ("no-migrations", "\nmigrations:", "\nxmigrations:"),
]


def schema_yaml_files():
    return [ROOT / "schema.yaml", *sorted((ROOT / "tests" / "golden").glob("*/schema.yaml"))]


def test_the_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(json_schema())
    assert json_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "cross-references" in json_schema()["description"] and "not checked" in json_schema()["description"]


def test_the_committed_copy_is_current_and_schema_yaml_points_at_it():
    result = run_cli("json-schema")
    assert result.code == 0, result.err
    assert json.loads(result.out) == json_schema()
    assert COMMITTED.read_text("utf-8") == result.out, "schema.json is stale: run `supaschema json-schema > schema.json`"
    assert SCHEMA.splitlines()[0] == "# yaml-language-server: $schema=schema.json"


@pytest.mark.parametrize("path", schema_yaml_files(), ids=lambda p: p.parent.name if p.parent != ROOT else "project")
def test_every_schema_yaml_we_ship_validates(path):
    errors = [f"{'.'.join(map(str, e.path))}: {e.message}" for e in VALIDATOR.iter_errors(yaml.safe_load(path.read_text()))]
    assert errors == []


def rejected_by_both(text: str) -> list[str]:
    with pytest.raises(UserError):
        parse_spec(text)
    return [e.message for e in VALIDATOR.iter_errors(yaml.safe_load(text))]


@pytest.mark.parametrize("case", [c for c in CASES if c[0] in SHAPE_CASES] + MORE_CASES, ids=lambda c: c[0])
def test_common_mistakes_are_rejected_by_the_loader_and_the_schema(case):
    _, old, new = case[:3]
    text, _ = edited(old, new)
    assert rejected_by_both(text), "the loader rejects it, the JSON Schema let it through"


@pytest.mark.parametrize("case", [c for c in CASES if c[0] in {"fk-missing-table", "migration-unknown-table", "policy-missing-column"}],
                         ids=lambda c: c[0])
def test_cross_references_are_the_loaders_alone(case):
    """The documented exception: a JSON Schema cannot see that a name refers to nothing."""
    text, _ = edited(*case[1:3])
    assert rejected_by_both(text) == []


def test_choices_are_matched_as_the_loader_matches_them():
    text, _ = edited("    timing: after", "    timing: AFTER")
    parse_spec(text)
    assert list(VALIDATOR.iter_errors(yaml.safe_load(text))) == []


def test_json_schema_takes_no_arguments():
    result = run_cli("json-schema", "extra")
    assert result.code == 2 and "Traceback" not in result.err
