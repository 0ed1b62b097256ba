"""Triggers with their whole definition (tests/golden/triggers): arguments, WHEN, UPDATE OF and
transition tables reach the database as declared, other spellings show no drift, and every
change of one part is reported on its own and converges."""

from __future__ import annotations

import pytest

from supaschema.catalog import snapshot as snap
from supaschema.catalog.states import desired_snapshot, scope_for, snapshot_of
from supaschema.drift.compare import compare
from supaschema.render.migrations import render_migrations
from supaschema.spec.loader import load_spec

from .helpers import ROOT, assert_converges

SPEC = load_spec(ROOT / "tests" / "golden" / "triggers" / "schema.yaml")
SCOPE = scope_for(SPEC)
RENDERED = list(render_migrations(SPEC, ROOT / "templates").items())

HANDWRITTEN = (ROOT / "tests" / "pull_cases" / "trigger_definitions.sql").read_text("utf-8")


@pytest.fixture(scope="module")
def desired(throwaway):
    return desired_snapshot(throwaway, SPEC, ROOT / "templates", SCOPE)


def test_every_part_reaches_the_database(desired):
    triggers = {t.name: t for t in desired.of(snap.Trigger).values()}
    amount = triggers["prices_log_amount"]
    assert (amount.update_of, amount.arguments) == (("amount", "currency"), ("update", "it's 1"))
    assert amount.when == "((old.amount IS DISTINCT FROM new.amount) OR (old.currency <> new.currency))"
    assert triggers["prices_count_inserts"].referencing == "NEW TABLE AS changed"


def test_handwritten_spelling_shows_no_drift(throwaway, desired):
    target = throwaway.create([("handwritten.sql", HANDWRITTEN)], prefix="triggers")
    try:
        drifts = compare(desired, snapshot_of(target, SCOPE))
    finally:
        throwaway.drop(target)
    assert drifts == [], [d.to_dict() for d in drifts]


ON = "public.prices"
CASES = [
    ("WHEN changed alone",
     "CREATE OR REPLACE TRIGGER prices_log_amount AFTER UPDATE OF amount, currency ON public.prices FOR EACH ROW "
     "WHEN (OLD.amount < NEW.amount) EXECUTE FUNCTION public.log_price_change('update', 'it''s 1')",
     {("prices_log_amount", "when")}),
    ("WHEN dropped with the events changed",
     "CREATE OR REPLACE TRIGGER prices_log_amount AFTER UPDATE OR DELETE ON public.prices FOR EACH ROW "
     "EXECUTE FUNCTION public.log_price_change('update', 'it''s 1')",
     {("prices_log_amount", "events"), ("prices_log_amount", "when"), ("prices_log_amount", "update_of")}),
    ("arguments changed",
     "CREATE OR REPLACE TRIGGER prices_log_insert AFTER INSERT OR DELETE ON public.prices FOR EACH ROW "
     "EXECUTE FUNCTION public.log_price_change('other')",
     {("prices_log_insert", "arguments")}),
    ("UPDATE OF narrowed",
     "CREATE OR REPLACE TRIGGER prices_log_amount AFTER UPDATE OF amount ON public.prices FOR EACH ROW "
     "WHEN (OLD.amount IS DISTINCT FROM NEW.amount OR OLD.currency <> NEW.currency) "
     "EXECUTE FUNCTION public.log_price_change('update', 'it''s 1')",
     {("prices_log_amount", "update_of")}),
    ("transition table renamed",
     "DROP TRIGGER prices_count_inserts ON public.prices; CREATE TRIGGER prices_count_inserts AFTER INSERT ON public.prices "
     "REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION public.count_price_changes('bulk')",
     {("prices_count_inserts", "referencing")}),
]


@pytest.mark.parametrize("name,sql,expected", CASES, ids=[c[0] for c in CASES])
def test_trigger_drift_converges(throwaway, desired, name, sql, expected):
    drifts = assert_converges(throwaway, RENDERED, desired, SCOPE, sql, "triggers")
    assert {(d.object.rsplit(".", 1)[1], d.field) for d in drifts} == expected, [d.to_dict() for d in drifts]
    assert {d.object.rsplit(".", 1)[0] for d in drifts} == {ON}
