"""The function-body scanner behind security_definer_unqualified_names and auth_trigger_no_exception_handler:
which relation names a body uses without a schema. Cases as data: body, expected unqualified names."""

from __future__ import annotations

import pytest

from supaschema.lint.body_text import has_exception_handler, unqualified_relations

CASES = [
    ("UPDATE user_balances SET balance = 0", ["user_balances"]),
    ("UPDATE public.user_balances SET balance = 0", []),
    ('SELECT * FROM "Odd Name" JOIN public.t ON true', ['"Odd Name"']),
    ('SELECT * FROM public."Odd Name"', []),
    ("INSERT INTO public.t (a) VALUES (1) ON CONFLICT (a) DO UPDATE SET a = 2", []),
    ("INSERT INTO t (a) VALUES (1)", ["t"]),
    ("DELETE FROM t WHERE true; MERGE INTO m USING public.s ON true WHEN MATCHED THEN DO NOTHING", ["t", "m"]),
    ("SELECT count(*) INTO v_total FROM public.t", []),  # INTO a variable is not a relation
    ("SELECT extract(epoch FROM now()), substring(x FROM 2) FROM public.t", []),
    ("SELECT a IS DISTINCT FROM b FROM public.t", []),
    ("WITH recent AS (SELECT * FROM public.t) SELECT * FROM recent", []),
    ("SELECT * FROM unnest(ARRAY[1]) AS u, generate_series(1, 2)", []),
    ("SELECT * FROM public.t FOR UPDATE OF t NOWAIT", []),
    ("-- SELECT * FROM commented\n/* FROM block */ PERFORM 'FROM quoted'; RETURN $x$ FROM dollar $x$", []),
]


@pytest.mark.parametrize("body,expected", CASES)
def test_unqualified_relations(body, expected):
    assert unqualified_relations(body) == expected


@pytest.mark.parametrize("body,expected", [
    ("BEGIN RETURN NEW; EXCEPTION WHEN OTHERS THEN RETURN NEW; END", True),
    ("BEGIN RETURN NEW; exception\n  when unique_violation then RETURN NEW; END", True),
    ("BEGIN RAISE EXCEPTION 'no'; END", False),
    ("BEGIN -- EXCEPTION WHEN OTHERS\n RETURN NEW; END", False),
])
def test_exception_handler(body, expected):
    assert has_exception_handler(body) is expected
