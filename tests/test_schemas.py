"""Schemas beyond public, on a real PostgreSQL: declared schemas are compared with their USAGE
grants and the functions, views and enums inside them; every drift converges."""

from __future__ import annotations

import pytest

from supaschema.catalog.states import desired_snapshot, scope_for
from supaschema.render.migrations import render_migrations
from supaschema.spec.loader import load_spec

from .helpers import ROOT, assert_converges

SPEC = load_spec(ROOT / "tests" / "golden" / "schemas" / "schema.yaml")
SCOPE = scope_for(SPEC)
RENDERED = list(render_migrations(SPEC, ROOT / "templates").items())


@pytest.fixture(scope="module")
def desired(throwaway):
    return desired_snapshot(throwaway, SPEC, ROOT / "templates", SCOPE)


def test_scope_covers_the_declared_schema():
    assert SCOPE.schemas == ("public", "private")


CASES = [
    ("in sync", "SELECT 1", set()),
    ("USAGE granted to anon", "GRANT USAGE ON SCHEMA private TO anon", {("grant", "private", "extra")}),
    ("USAGE revoked from service_role", "REVOKE USAGE ON SCHEMA private FROM service_role", {("grant", "private", "missing")}),
    ("schema comment dropped", "COMMENT ON SCHEMA private IS NULL", {("schema", "private", "changed")}),
    ("everything in the schema gone", "DROP SCHEMA private CASCADE; ALTER TABLE public.jobs ADD COLUMN state text NOT NULL",
     {("schema", "private", "missing"), ("function", "private.queued_jobs()", "missing"),
      ("view", "private.job_counts", "missing"), ("enum", "private.job_state", "missing"),
      ("column", "public.jobs.state", "changed")}),
    ("extra function in the private schema", "CREATE FUNCTION private.helper() RETURNS int LANGUAGE sql AS 'SELECT 1'",
     {("function", "private.helper()", "extra")}),
]


@pytest.mark.parametrize("name,sql,expected", CASES, ids=[c[0] for c in CASES])
def test_schema_drift_converges(throwaway, desired, name, sql, expected):
    drifts = assert_converges(throwaway, RENDERED, desired, SCOPE, sql, "schemas")
    assert {(d.kind, d.object, d.change) for d in drifts} == expected, [d.to_dict() for d in drifts]


def test_undeclared_schema_is_refused_with_its_line():
    from supaschema.errors import UserError
    from supaschema.spec.loader import parse_spec

    text = (ROOT / "tests" / "golden" / "schemas" / "schema.yaml").read_text().replace("schemas:\n  private:", "schemas:\n  privat:", 1)
    with pytest.raises(UserError) as caught:
        parse_spec(text, "schema.yaml")
    messages = [str(p) for p in caught.value.problems]
    assert any("schema 'private' is not declared" in m and "schema.yaml:" in m for m in messages), messages
