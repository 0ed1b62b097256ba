"""The benchmark's generator stays valid: its schema.yaml loads, renders, applies, and its drifts are found."""

from __future__ import annotations

import sys

import psycopg

from supaschema.drift.compare import compare
from supaschema.render.migrations import render_migrations
from supaschema.spec.loader import parse_spec
from supaschema.catalog.states import desired_snapshot, scope_for, snapshot_of

from .helpers import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from synthetic import drift_sql, expected_drift_objects, schema_yaml  # noqa: E402


def test_synthetic_project_round_trip(throwaway, tmp_path):
    n = 7
    spec = parse_spec(schema_yaml(n, seed_rows=50), "bench.yaml")
    assert len(spec.tables) == n + 1 and len(spec.seeds[0].rows) == 50
    scope = scope_for(spec)
    desired = desired_snapshot(throwaway, spec, ROOT / "templates", scope)
    live = throwaway.create(list(render_migrations(spec, ROOT / "templates").items()), prefix="bench")
    with psycopg.connect(live.url, autocommit=True) as conn:
        conn.execute(drift_sql(n))
    drifts = compare(desired, snapshot_of(live, scope))
    throwaway.drop(live)
    assert {d.object for d in drifts} == expected_drift_objects(n)
