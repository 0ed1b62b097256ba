"""The fifth migration, acting as the real roles: record_usage prices exactly and debits atomically,
set_updated_at moves updated_at, user_usage_daily shows each user only their own usage."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import psycopg
import pytest

from .test_generated_behaviour import act_as, new_user

RECORD = "SELECT * FROM public.record_usage(%s, %s, %s, %s, %s)"
COLUMNS = ("input_tokens", "output_tokens", "total_tokens", "input_cost", "output_cost", "total_cost")


def record(conn: psycopg.Connection, user: uuid.UUID, model: str, provider: str, tokens_in: int, tokens_out: int) -> dict:
    cur = conn.execute(RECORD, (user, model, provider, tokens_in, tokens_out))
    return dict(zip([c.name for c in cur.description], cur.fetchone()))


def price_of(conn: psycopg.Connection, model: str) -> tuple[Decimal, Decimal]:
    return conn.execute("SELECT input_price_per_1k_tokens, output_price_per_1k_tokens FROM model_pricing WHERE model_id = %s",
                        (model,)).fetchone()


def balance_of(conn: psycopg.Connection, user: uuid.UUID) -> tuple[Decimal, Decimal]:
    return conn.execute("SELECT balance, total_spent FROM user_balances WHERE user_id = %s", (user,)).fetchone()


# The seed's cheapest prices (gemini-1.5-flash-8b, both directions), its dearest input (gpt-4) and output (claude-3-opus).
@pytest.mark.parametrize("model,provider", [("gemini-1.5-flash-8b", "google"), ("gpt-4", "openai"),
                                            ("claude-3-opus-20240229", "anthropic")])
@pytest.mark.parametrize("tokens", [1, 10_000_000])
def test_exact_cost_as_service_role(admin, model, provider, tokens):
    user = new_user(admin)
    price_in, price_out = price_of(admin, model)
    act_as(admin, "service_role")
    row = record(admin, user, model, provider, tokens, tokens)
    cost_in, cost_out = tokens * price_in / 1000, tokens * price_out / 1000
    assert [row[c] for c in COLUMNS] == [tokens, tokens, 2 * tokens, cost_in, cost_out, cost_in + cost_out]
    assert row["user_id"] == user and row["model_id"] == model
    assert balance_of(admin, user) == (-(cost_in + cost_out), cost_in + cost_out)
    if tokens == 1 and model.startswith("gemini"):
        assert row["input_cost"] == Decimal("0.0000000375")  # the smallest cost there is, stored exactly


@pytest.mark.parametrize("role", ["authenticated", "anon"])
def test_execute_denied_to_api_users(admin, role):
    user = new_user(admin)
    act_as(admin, role, user if role == "authenticated" else None)
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied for function record_usage"):
        record(admin, user, "gpt-4o", "openai", 10, 10)


def test_unknown_and_inactive_models_are_refused_clearly(admin):
    user = new_user(admin)
    admin.execute("UPDATE model_pricing SET is_active = false WHERE model_id = 'gpt-4'")
    act_as(admin, "service_role")
    with pytest.raises(psycopg.errors.NoDataFound, match="unknown model gpt-9 of provider openai"):
        with admin.transaction():
            record(admin, user, "gpt-9", "openai", 1, 1)
    with pytest.raises(psycopg.errors.CheckViolation, match="model gpt-4 of provider openai is not active"):
        with admin.transaction():
            record(admin, user, "gpt-4", "openai", 1, 1)
    assert admin.execute("SELECT count(*) FROM usage_records").fetchone() == (0,)
    assert balance_of(admin, user) == (0, 0)


def test_missing_balance_row_is_created_and_may_go_negative(admin):
    user = new_user(admin)
    admin.execute("DELETE FROM user_balances WHERE user_id = %s", (user,))
    act_as(admin, "service_role")
    row = record(admin, user, "gpt-4o", "openai", 1000, 1000)
    assert balance_of(admin, user) == (-row["total_cost"], row["total_cost"]) and row["total_cost"] == Decimal("0.0125")


def test_concurrent_calls_for_one_user_lose_no_debit(admin, migrated):
    user = new_user(admin)

    def call(i: int) -> Decimal:
        with psycopg.connect(migrated.url, autocommit=True) as conn:
            act_as(conn, "service_role")
            return record(conn, user, "gpt-4o", "openai", 1000 + i, 7 * i + 1)["total_cost"]

    with ThreadPoolExecutor(max_workers=20) as pool:
        costs = list(pool.map(call, range(20)))
    total = sum(costs)
    assert len(set(costs)) == 20
    assert balance_of(admin, user) == (-total, total)
    assert admin.execute("SELECT count(*), sum(total_cost) FROM usage_records WHERE user_id = %s", (user,)).fetchone() == (20, total)


@pytest.mark.parametrize("table,key", [("model_pricing", "model_id = 'gpt-4o'"), ("user_balances", "true")])
def test_updated_at_moves_on_update(admin, table, key):
    new_user(admin)
    before = admin.execute(f"SELECT updated_at, created_at FROM {table} WHERE {key} LIMIT 1").fetchone()
    time.sleep(0.01)
    admin.execute(f"UPDATE {table} SET currency = 'USD' WHERE {key}")
    after = admin.execute(f"SELECT updated_at, created_at FROM {table} WHERE {key} LIMIT 1").fetchone()
    assert after[0] > before[0] and after[1] == before[1]


def test_daily_view_shows_each_user_only_their_own_usage(admin):
    alice, bob = new_user(admin), new_user(admin)
    act_as(admin, "service_role")
    for user, model, provider in ((alice, "gpt-4o", "openai"), (alice, "gpt-4o", "openai"), (alice, "gemini-1.5-pro", "google"),
                                  (bob, "gpt-4o", "openai")):
        record(admin, user, model, provider, 100, 50)
    admin.execute("RESET ROLE")
    act_as(admin, "authenticated", alice)
    rows = admin.execute("SELECT user_id, provider_id, model_id, calls, input_tokens, output_tokens, total_tokens, total_cost "
                         "FROM user_usage_daily ORDER BY model_id").fetchall()
    assert rows == [(alice, "google", "gemini-1.5-pro", 1, 100, 50, 150, Decimal("0.000375")),
                    (alice, "openai", "gpt-4o", 2, 200, 100, 300, Decimal("0.0015"))]
    admin.execute("RESET ROLE")
    act_as(admin, "anon")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        admin.execute("SELECT * FROM user_usage_daily")
