"""The re-printers: what each kind of fragment becomes, and what is refused.

A case is (what the user wrote, what goes into SQL); a refusal is (what the user
wrote, a fragment of the reason). Canonical input comes back byte-identical, so
the committed generated/ files do not change.
"""

from __future__ import annotations

import pytest

from supaschema.spec.expressions import arguments_sql, parse_expression, parse_query
from supaschema.spec.types import TypeSyntaxError, returns_sql, type_sql
from supaschema.sqltext.fragments import Fragment
from supaschema.sqltext.quoting import ident

TYPES = [
    ("numeric(12,8)", "numeric(12,8)"),
    ("NUMERIC( 12 , 8 )", "numeric(12,8)"),
    ("bit varying(3)", "bit varying(3)"),
    ("double precision", "double precision"),
    ("character varying(40)", "character varying(40)"),
    ("timestamp(3) with time zone", "timestamp(3) with time zone"),
    ("time without time zone", "time without time zone"),
    ("timestamptz", "timestamptz"),
    ("citext", "citext"),
    ("tsvector", "tsvector"),
    ("extensions.citext", "extensions.citext"),
    ('"MyType"[]', '"MyType"[]'),
    ("integer[][]", "integer[][]"),
    ("int[3]", "int[3]"),
    ("user", '"user"'),
]
RETURNS = [
    ("trigger", "trigger"),
    ("void", "void"),
    ("SETOF public.model_pricing", "setof public.model_pricing"),
    ('table(id uuid, "Total" numeric(18,10))', 'TABLE (id uuid, "Total" numeric(18,10))'),
]
ARGUMENTS = [
    ("", ""),
    ("p_user uuid", "p_user uuid"),
    ("double precision", "double precision"),
    ("x double precision, inout y int", "x double precision, inout y int"),
    ("variadic vals text[]", "variadic vals text[]"),
    ("p_limit integer DEFAULT 10, p_tag text = 'a,b'", "p_limit integer DEFAULT 10, p_tag text DEFAULT 'a,b'"),
    ("p_at timestamptz default now() -- when", "p_at timestamptz DEFAULT now()"),
]
EXPRESSIONS = [
    ("now()", "now()"),
    ("(select auth.uid()) = user_id", "(select auth.uid()) = user_id"),
    ("interval '30 days'", "interval '30 days'"),
    ("date_trunc('day', created_at)", "date_trunc('day', created_at)"),
    ("x !~ '^a'", "x !~ '^a'"),
    ("label ~ '^\\d+$'", "label ~ '^\\d+$'"),
    ("label <> 'x''y; $$'", "label <> 'x''y; $$'"),
    ('"Mixed" > 0', '"Mixed" > 0'),
    ("a /* note */ +\n    1 -- trailing", "a +\n    1"),
    ("a\r\n\tand b", "a\n\tand b"),
    ("'{}'::text[]", "'{}'::text[]"),
    ("current_setting('request.jwt.claims', true)::jsonb ->> 'role'", "current_setting('request.jwt.claims', true)::jsonb ->> 'role'"),
]
QUERIES = [
    ("select 1", "select 1"),
    ("select a,\n       b -- the second\n  from public.t\n where a <> ';'", "select a,\n       b\n  from public.t\n where a <> ';'"),
    ("with x as (select 1 as n) select n from x", "with x as (select 1 as n) select n from x"),
]
REFUSED_QUERIES = [
    ("select 1; drop table t", "no ';'"),
    ("select $$x$$", "plain '...' literal"),
    ("select E'\\n'", "plain '...' literal"),
    ("delete from t", "must be a SELECT"),
]
REFUSED_TYPES = ["text); DROP TABLE t; --", "text -- c", "text /* c */", "text $$", "numeric(12,8", "varchar('x')", "text\u2028", ""]
REFUSED_RETURNS = ["setof", "table(", "trigger; select 1", "table(a int) x"]
REFUSED_ARGUMENTS = ["p uuid) RETURNS void AS $$ $$; --", "p int DEFAULT 1; select 1", "p int text", "p int DEFAULT", "p int DEFAULT E'\\n'"]
REFUSED_EXPRESSIONS = [
    ("now(); DROP TABLE t", "no ';'"),
    ("true) OR (true", "closing parenthesis"),
    ("E'a\\nb' = x", "plain '...' literal"),
    ("U&'\\0041' = x", "plain '...' literal"),
    ("$$x$$ = x", "plain '...' literal"),
    ("x = $1", "parameters"),
    ("x\u2028= 1", "is not SQL"),
    ("true /* open", "does not parse"),
]


@pytest.mark.parametrize("written, printed", TYPES)
def test_type(written, printed):
    assert type_sql(written) == printed and isinstance(type_sql(written), Fragment)


@pytest.mark.parametrize("written, printed", RETURNS)
def test_returns(written, printed):
    assert returns_sql(written) == printed


@pytest.mark.parametrize("written, printed", ARGUMENTS)
def test_arguments(written, printed):
    assert arguments_sql(written) == printed


@pytest.mark.parametrize("written, printed", EXPRESSIONS)
def test_expression(written, printed):
    parsed = parse_expression(written)
    assert parsed.error is None and parsed.sql == printed and isinstance(parsed.sql, Fragment)


@pytest.mark.parametrize("written", REFUSED_TYPES)
def test_type_refused(written):
    with pytest.raises(TypeSyntaxError):
        type_sql(written)


@pytest.mark.parametrize("written", REFUSED_RETURNS)
def test_returns_refused(written):
    with pytest.raises(TypeSyntaxError):
        returns_sql(written)


@pytest.mark.parametrize("written", REFUSED_ARGUMENTS)
def test_arguments_refused(written):
    with pytest.raises(ValueError):
        arguments_sql(written)


@pytest.mark.parametrize("written, reason", REFUSED_EXPRESSIONS)
def test_expression_refused(written, reason):
    parsed = parse_expression(written)
    assert parsed.sql is None and reason in parsed.error


@pytest.mark.parametrize("written, printed", QUERIES)
def test_view_query(written, printed):
    parsed = parse_query(written)
    assert parsed.error is None and parsed.sql == printed and isinstance(parsed.sql, Fragment)


@pytest.mark.parametrize("written, reason", REFUSED_QUERIES)
def test_view_query_refused(written, reason):
    parsed = parse_query(written)
    assert parsed.sql is None and reason in parsed.error


@pytest.mark.parametrize("name, quoted", [("x\n", '"x\n"'), ("select", '"select"'), ("ok_name", "ok_name"), ("Upper", '"Upper"')])
def test_ident_never_leaves_a_trailing_newline_bare(name, quoted):
    assert ident(name) == quoted
