"""Extensions (tests/golden/extensions), on a real PostgreSQL: the declared ones are compared with
their schema, undeclared ones in a managed schema are extra once schema.yaml lists `extensions:`,
and every drift converges."""

from __future__ import annotations

import psycopg
import pytest

from supaschema.catalog.states import desired_snapshot, scope_for, snapshot_of
from supaschema.drift.compare import compare
from supaschema.plan.planner import make_plan
from supaschema.plan.render import render_plan
from supaschema.postgres.connection import apply_sql
from supaschema.render.migrations import render_migrations
from supaschema.spec.loader import load_spec, parse_spec

from .helpers import ROOT, assert_converges

SPEC = load_spec(ROOT / "tests" / "golden" / "extensions" / "schema.yaml")
SCOPE = scope_for(SPEC)
RENDERED = list(render_migrations(SPEC, ROOT / "templates").items())


@pytest.fixture(scope="module")
def desired(throwaway):
    return desired_snapshot(throwaway, SPEC, ROOT / "templates", SCOPE)


def test_default_schema_is_supabases():
    assert {e.name: e.schema for e in SPEC.extensions} == {"citext": "extensions", "pg_trgm": "private", "uuid-ossp": "extensions"}
    assert SCOPE.extensions == ("citext", "pg_trgm", "uuid-ossp")


def test_a_declared_version_is_installed_on_create():
    text = (ROOT / "tests" / "golden" / "extensions" / "schema.yaml").read_text()
    spec = parse_spec(text.replace("  pg_trgm:\n    schema: private\n", '  pg_trgm:\n    schema: private\n    version: "1.6"\n'))
    assert "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA private VERSION '1.6';" in next(iter(render_migrations(spec, ROOT / "templates").values()))


CASES = [
    ("in sync", "SELECT 1", set()),
    ("in sync, written by hand", 'DROP EXTENSION pg_trgm; CREATE EXTENSION "pg_trgm" SCHEMA "private"', set()),
    ("moved to public", "ALTER EXTENSION pg_trgm SET SCHEMA public", {("extension", "pg_trgm", "changed", "schema")}),
    ("dropped", "DROP EXTENSION pg_trgm", {("extension", "pg_trgm", "missing", None)}),
    ("undeclared one in public", "CREATE EXTENSION hstore WITH SCHEMA public", {("extension", "hstore", "extra", None)}),
    ("undeclared one in the declared schema", "CREATE EXTENSION hstore WITH SCHEMA private", {("extension", "hstore", "extra", None)}),
    ("undeclared one in Supabase's extensions schema", "CREATE EXTENSION hstore WITH SCHEMA extensions", set()),
]


@pytest.mark.parametrize("name,sql,expected", CASES, ids=[c[0] for c in CASES])
def test_extension_drift_converges(throwaway, desired, name, sql, expected):
    drifts = assert_converges(throwaway, RENDERED, desired, SCOPE, sql, "extensions")
    assert {(d.kind, d.object, d.change, d.field) for d in drifts} == expected, [d.to_dict() for d in drifts]


def test_dropping_an_extension_deletes_data(throwaway, desired):
    target = throwaway.create(RENDERED + [("extra.sql", "CREATE EXTENSION hstore WITH SCHEMA public")], prefix="extensions")
    try:
        actual = snapshot_of(target, SCOPE)
        plan = make_plan(compare(desired, actual), desired, actual, SCOPE)
        assert [(op.action, op.destructive) for op in plan.operations] == [("drop_extension", True)]
        assert "-- DROP EXTENSION IF EXISTS hstore;" in render_plan(plan, ROOT / "templates", "test")
    finally:
        throwaway.drop(target)


def test_extension_of_a_column_type_is_created_before_the_table(throwaway, desired):
    """A fresh database: the plan creates the extensions first, then the table whose column uses citext."""
    target = throwaway.create([("schema.sql", "CREATE SCHEMA private")], prefix="extensions")
    try:
        actual = snapshot_of(target, SCOPE)
        plan = make_plan(compare(desired, actual), desired, actual, SCOPE)
        actions = [op.action for op in plan.operations]
        assert actions.index("create_extension") < actions.index("create_table")
        with psycopg.connect(target.url, autocommit=True) as conn:
            apply_sql(conn, render_plan(plan, ROOT / "templates", "test"), "plan")
        assert compare(desired, snapshot_of(target, SCOPE)) == []
    finally:
        throwaway.drop(target)


XML2 = parse_spec("""
tables:
  notes:
    columns: {id: {type: bigint, primary_key: true}}
extensions:
  xml2:
migrations:
  - {version: "20250101000001", name: xml, extensions: [xml2], tables: [notes]}
""")


def test_an_extension_that_cannot_move_is_dropped_and_created(throwaway):
    """xml2 is not relocatable: in the wrong schema, only DROP (deletes data: destructive) and CREATE move it."""
    scope = scope_for(XML2)
    rendered = list(render_migrations(XML2, ROOT / "templates").items())
    probe = throwaway.create([], prefix="extensions")
    try:
        with psycopg.connect(probe.url) as conn:
            if conn.execute("SELECT count(*) FROM pg_available_extensions WHERE name = 'xml2'").fetchone() == (0,):
                pytest.skip("xml2 is not available on this server")
    finally:
        throwaway.drop(probe)
    desired = desired_snapshot(throwaway, XML2, ROOT / "templates", scope)
    drifts = assert_converges(throwaway, rendered, desired, scope, "DROP EXTENSION xml2; CREATE EXTENSION xml2 WITH SCHEMA public",
                              "extensions")
    assert [(d.object, d.change, d.field) for d in drifts] == [("xml2", "changed", "schema")]
