"""The generated migrations do what the seed README promises, checked by acting as real users."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

import psycopg
import pytest

from supaschema.postgres.connection import apply_sql

from .helpers import committed_migrations


def new_user(conn: psycopg.Connection, email: str = "") -> uuid.UUID:
    user_id = uuid.uuid4()
    conn.execute("INSERT INTO auth.users (id, email) VALUES (%s, %s)", (user_id, email or f"{user_id}@example.com"))
    return user_id


def act_as(conn: psycopg.Connection, role: str, user_id: uuid.UUID | None = None) -> None:
    """What PostgREST does per request: switch role and publish the JWT claims."""
    claims = {"role": role, **({"sub": str(user_id)} if user_id else {})}
    conn.execute("SELECT set_config('request.jwt.claims', %s, false)", (json.dumps(claims),))
    conn.execute(f"SET ROLE {role}")


def test_seed_readme_verification_queries(admin):
    tables = admin.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
        "AND table_name IN ('model_pricing', 'usage_records', 'user_balances') ORDER BY 1").fetchall()
    assert [t for (t,) in tables] == ["model_pricing", "usage_records", "user_balances"]

    prices = admin.execute("SELECT provider_id, model_id, input_price_per_1k_tokens, output_price_per_1k_tokens "
                           "FROM model_pricing ORDER BY provider_id, model_id").fetchall()
    assert len(prices) == 15
    assert ("google", "gemini-1.5-flash-8b", Decimal("0.0000375"), Decimal("0.00015")) in prices
    assert ("openai", "gpt-4o", Decimal("0.0025"), Decimal("0.01")) in prices

    policies = admin.execute("SELECT tablename, policyname, cmd FROM pg_policies "
                             "WHERE tablename IN ('model_pricing', 'usage_records', 'user_balances') ORDER BY 1, 2").fetchall()
    assert policies == [
        ("model_pricing", "Anyone can read model pricing", "SELECT"),
        ("usage_records", "Users can read their own usage", "SELECT"),
        ("user_balances", "Users can create their own zero balance", "INSERT"),
        ("user_balances", "Users can read their own balance", "SELECT"),
    ]


def test_signup_creates_zero_balance(admin):
    user_id = new_user(admin)
    row = admin.execute("SELECT balance, total_spent, currency FROM user_balances WHERE user_id = %s", (user_id,)).fetchone()
    assert row == (Decimal("0"), Decimal("0"), "USD")


def test_signup_succeeds_when_balance_insert_fails(admin):
    # Break the balance insert the way production could: a constraint that every new row violates.
    admin.execute("ALTER TABLE user_balances ADD CONSTRAINT refuse_all CHECK (false) NOT VALID")
    notices: list[str] = []
    admin.add_notice_handler(lambda diag: notices.append(diag.message_primary or ""))
    user_id = new_user(admin)
    assert admin.execute("SELECT count(*) FROM auth.users WHERE id = %s", (user_id,)).fetchone() == (1,)
    assert admin.execute("SELECT count(*) FROM user_balances WHERE user_id = %s", (user_id,)).fetchone() == (0,)
    assert any("no balance created" in n for n in notices), notices


def test_trigger_function_not_callable_by_api_roles(admin):
    for role in ("anon", "authenticated"):
        allowed = admin.execute("SELECT has_function_privilege(%s, 'public.handle_new_user_balance()', 'EXECUTE')", (role,)).fetchone()
        assert allowed == (False,), role
    assert admin.execute("SELECT prosecdef, proconfig FROM pg_proc WHERE proname = 'handle_new_user_balance'").fetchone() == (
        True, ['search_path=""'])


def test_users_see_only_their_own_usage_and_balance(admin):
    alice, bob = new_user(admin), new_user(admin)
    for user in (alice, bob):
        admin.execute("INSERT INTO usage_records (user_id, model_id, provider_id, input_tokens, output_tokens, total_tokens) "
                      "VALUES (%s, 'gpt-4o', 'openai', 10, 5, 15)", (user,))
    act_as(admin, "authenticated", alice)
    assert admin.execute("SELECT user_id FROM usage_records").fetchall() == [(alice,)]
    assert admin.execute("SELECT user_id FROM user_balances").fetchall() == [(alice,)]
    assert admin.execute("SELECT count(*) FROM usage_records WHERE user_id = %s", (bob,)).fetchone() == (0,)


def test_user_cannot_insert_foreign_or_nonzero_balance(admin):
    alice, bob = new_user(admin), new_user(admin)
    admin.execute("DELETE FROM user_balances")
    act_as(admin, "authenticated", alice)
    for user, balance in ((bob, 0), (alice, 100)):
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            with admin.transaction():
                admin.execute("INSERT INTO user_balances (user_id, balance) VALUES (%s, %s)", (user, balance))
    admin.execute("INSERT INTO user_balances (user_id) VALUES (%s)", (alice,))  # the fallback itself works
    assert admin.execute("SELECT balance FROM user_balances").fetchall() == [(Decimal("0"),)]


def test_user_cannot_update_balance(admin):
    alice = new_user(admin)
    act_as(admin, "authenticated", alice)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        admin.execute("UPDATE user_balances SET balance = 1000 WHERE user_id = %s", (alice,))


def test_anon_reads_prices_but_not_usage(admin):
    user = new_user(admin)
    admin.execute("INSERT INTO usage_records (user_id, model_id, provider_id) VALUES (%s, 'gpt-4o', 'openai')", (user,))
    act_as(admin, "anon")
    assert admin.execute("SELECT count(*) FROM model_pricing").fetchone() == (15,)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with admin.transaction():
            admin.execute("SELECT * FROM usage_records")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        admin.execute("UPDATE model_pricing SET input_price_per_1k_tokens = 0")


def test_only_service_role_writes_prices(admin):
    act_as(admin, "authenticated", new_user(admin))
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with admin.transaction():
            admin.execute("INSERT INTO model_pricing (model_id, provider_id, input_price_per_1k_tokens, output_price_per_1k_tokens) "
                          "VALUES ('x', 'y', 1, 1)")
    admin.execute("RESET ROLE")
    act_as(admin, "service_role")
    admin.execute("UPDATE model_pricing SET input_price_per_1k_tokens = 0.003 WHERE model_id = 'gpt-4o'")
    assert admin.execute("SELECT input_price_per_1k_tokens FROM model_pricing WHERE model_id = 'gpt-4o'").fetchone() == (Decimal("0.003"),)


def test_new_objects_in_public_grant_the_api_roles_nothing(admin):
    """The last migration takes back Supabase's default privileges: what the owner creates next in public
    reaches anon and authenticated only through its own grants; service_role keeps everything."""
    admin.execute("CREATE TABLE public.scratch (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, note text)")
    admin.execute("CREATE SEQUENCE public.scratch_numbers")
    admin.execute("CREATE FUNCTION public.scratch_answer() RETURNS integer LANGUAGE sql AS 'SELECT 42'")
    for role in ("anon", "authenticated"):
        act_as(admin, role, new_user(admin) if role == "authenticated" else None)
        for statement in ("INSERT INTO public.scratch (note) VALUES ('x')", "SELECT * FROM public.scratch",
                          "SELECT nextval('public.scratch_numbers')", "SELECT public.scratch_answer()"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                with admin.transaction():
                    admin.execute(statement)
        admin.execute("RESET ROLE")
    act_as(admin, "service_role")
    admin.execute("INSERT INTO public.scratch (note) VALUES ('x')")
    assert admin.execute("SELECT public.scratch_answer(), nextval('public.scratch_numbers')").fetchone() == (42, 1)


def test_prices_never_negative(admin):
    with pytest.raises(psycopg.errors.CheckViolation):
        admin.execute("UPDATE model_pricing SET output_price_per_1k_tokens = -0.01 WHERE model_id = 'gpt-4'")


def test_applying_everything_twice_changes_nothing(admin, migrated):
    def state():
        return admin.execute("""
            SELECT (SELECT json_agg(x ORDER BY x::text) FROM (SELECT c.relname, c.relrowsecurity, c.relacl::text
                      FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace) x),
                   (SELECT json_agg(p ORDER BY p::text) FROM pg_policies p WHERE schemaname = 'public'),
                   (SELECT json_agg(t ORDER BY t::text) FROM (SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal) t),
                   (SELECT json_agg(f ORDER BY f::text) FROM (SELECT proname, prosrc, proacl::text, proconfig FROM pg_proc WHERE pronamespace = 'public'::regnamespace) f),
                   (SELECT json_agg(m ORDER BY m::text) FROM (SELECT model_id, provider_id, input_price_per_1k_tokens FROM model_pricing) m)
        """).fetchone()

    before = state()
    admin.execute("UPDATE model_pricing SET input_price_per_1k_tokens = 0.5 WHERE model_id = 'gpt-4'")
    expected = state()
    for name, sql in committed_migrations():
        apply_sql(admin, sql, name)
    assert state() == expected  # re-running the seed keeps a changed price and adds no row
    assert before != expected
    assert admin.execute("SELECT count(*) FROM model_pricing").fetchone() == (15,)
