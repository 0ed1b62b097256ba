"""Tables in a declared schema (tests/golden/schema_tables): keyed `schema.table` in schema.yaml,
with their children, seeds, triggers and foreign keys to and from public; every drift converges."""

from __future__ import annotations

import pytest

from supaschema.catalog.states import desired_snapshot, scope_for
from supaschema.errors import UserError
from supaschema.render.migrations import render_migrations
from supaschema.spec.loader import load_spec, parse_spec

from .helpers import ROOT, assert_converges

SOURCE = ROOT / "tests" / "golden" / "schema_tables" / "schema.yaml"
SPEC = load_spec(SOURCE)
SCOPE = scope_for(SPEC)
RENDERED = list(render_migrations(SPEC, ROOT / "templates").items())


@pytest.fixture(scope="module")
def desired(throwaway):
    return desired_snapshot(throwaway, SPEC, ROOT / "templates", SCOPE)


def test_keys_name_the_schema():
    assert [(t.schema, t.name, t.key) for t in SPEC.tables] == [
        ("public", "accounts", "accounts"), ("private", "plans", "private.plans"), ("private", "audit_log", "private.audit_log")]
    assert [(sd.schema, sd.table) for sd in SPEC.seeds] == [("private", "plans")]


CASES = [
    ("in sync", "SELECT 1", set()),
    ("table dropped", "DROP TABLE private.audit_log", {("table", "private.audit_log", "missing")}),
    ("extra column", "ALTER TABLE private.plans ADD COLUMN legacy text", {("column", "private.plans.legacy", "extra")}),
    ("rls off", "ALTER TABLE private.audit_log DISABLE ROW LEVEL SECURITY", {("table", "private.audit_log", "changed")}),
    ("policy widened", "ALTER POLICY \"Service reads everything\" ON private.audit_log TO service_role, authenticated",
     {("policy", 'private.audit_log."Service reads everything"', "changed")}),
    ("seed row changed", "UPDATE private.plans SET monthly_fee = 25 WHERE id = 'pro'", {("seed_row", "private.plans[pro]", "changed")}),
    ("trigger WHEN dropped", "CREATE OR REPLACE TRIGGER plans_touch BEFORE UPDATE ON private.plans FOR EACH ROW EXECUTE FUNCTION private.touch()",
     {("trigger", "private.plans.plans_touch", "changed")}),
    ("extra table in the schema", "CREATE TABLE private.scratch (id int)", {("table", "private.scratch", "extra")}),
    ("foreign key to public dropped", "ALTER TABLE private.audit_log DROP CONSTRAINT audit_log_account_id_fkey",
     {("constraint", "private.audit_log.audit_log_account_id_fkey", "missing")}),
]


@pytest.mark.parametrize("name,sql,expected", CASES, ids=[c[0] for c in CASES])
def test_drift_in_a_declared_schema_converges(throwaway, desired, name, sql, expected):
    drifts = assert_converges(throwaway, RENDERED, desired, SCOPE, sql, "schematables")
    assert {(d.kind, d.object, d.change) for d in drifts} == expected, [d.to_dict() for d in drifts]


def _problems(old: str, new: str) -> list[str]:
    text = SOURCE.read_text("utf-8")
    assert old in text
    with pytest.raises(UserError) as caught:
        parse_spec(text.replace(old, new, 1), "schema.yaml")
    return [str(p) for p in caught.value.problems]


def test_undeclared_schema_is_refused_at_the_table_line():
    problems = _problems("  private.audit_log:\n    columns:", "  privat.audit_log:\n    columns:")
    assert any("schema.yaml:21:" in p and "schema 'privat' is not declared" in p and "did you mean 'private'" in p
               for p in problems), problems


def test_table_before_its_schema_is_refused():
    problems = _problems("    schemas: [private]\n    tables: [private.plans, accounts, private.audit_log]",
                         "    tables: [private.plans, accounts, private.audit_log]")
    assert any("schema private is not in any migration" in p for p in problems), problems
    problems = _problems("  - version: \"20250101000001\"\n    name: private_tables\n    schemas: [private]\n",
                         "  - version: \"20250101000000\"\n    name: first\n    tables: [accounts]\n"
                         "  - version: \"20250101000001\"\n    name: private_tables\n    schemas: [private]\n")
    assert any("table accounts is in migrations[0] but needs table private.plans from migrations[1]" in p for p in problems), problems
