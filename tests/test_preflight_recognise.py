"""Which statements carry which data preconditions (pure: SQL text in, typed preconditions out).

One case a line: the pending statements, then what must be checked against today's rows, as
(kind, table, detail). Statements not understood, and tables that earlier pending statements
created or wrote to, yield nothing: they are not guessed at.
"""

from __future__ import annotations

import pytest

from supaschema.preflight.preconditions import Cast, Check, ForeignKey, Located, NewNotNullColumn, NoNulls, Unique
from supaschema.preflight.recognise import preconditions


def described(pre) -> tuple:
    detail = {
        NewNotNullColumn: lambda p: p.column,
        NoNulls: lambda p: p.column,
        Unique: lambda p: (p.label, p.predicate, p.nulls_distinct),
        Check: lambda p: p.expression,
        ForeignKey: lambda p: (p.columns, p.referenced.label, p.referenced_columns),
        Cast: lambda p: (p.column, p.type, p.using),
    }[type(pre)](pre)
    return type(pre).__name__, pre.table.label, detail, pre.at.number


CASES = [
    (["ALTER TABLE public.t ADD COLUMN IF NOT EXISTS c integer NOT NULL"], [("NewNotNullColumn", "public.t", "c", 1)]),
    (["ALTER TABLE t ADD COLUMN c integer NOT NULL DEFAULT 0"], []),
    (["ALTER TABLE t ADD COLUMN c bigint NOT NULL GENERATED ALWAYS AS IDENTITY"], []),
    (["ALTER TABLE t ADD COLUMN c int GENERATED ALWAYS AS (a + 1) STORED NOT NULL"], []),
    (["ALTER TABLE t ADD COLUMN c text"], []),
    (['ALTER TABLE ONLY "My"."T" ALTER COLUMN c SET NOT NULL'], [("NoNulls", "My.T", "c", 1)]),
    (["ALTER TABLE t ALTER COLUMN c DROP NOT NULL"], []),
    (["ALTER TABLE t ADD CONSTRAINT k UNIQUE (a, b)"], [("Unique", "public.t", ("a, b", None, True), 1)]),
    (["ALTER TABLE t ADD CONSTRAINT k UNIQUE NULLS NOT DISTINCT (a)"], [("Unique", "public.t", ("a", None, False), 1)]),
    (["ALTER TABLE t ADD PRIMARY KEY (a)"], [("NoNulls", "public.t", "a", 1), ("Unique", "public.t", ("a", None, True), 1)]),
    (["CREATE UNIQUE INDEX i ON public.t (a, lower(b)) WHERE c > 0"], [("Unique", "public.t", ("a, LOWER(b)", "c > 0", True), 1)]),
    (["CREATE INDEX i ON public.t (a)"], []),
    (["ALTER TABLE t ADD CONSTRAINT k CHECK ((a > 0))"], [("Check", "public.t", "a > 0", 1)]),
    (["ALTER TABLE t ADD CONSTRAINT k CHECK (a > 0) NOT VALID"], []),
    (["ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a, b) REFERENCES s.u (x, y) ON DELETE CASCADE"],
     [("ForeignKey", "public.t", (("a", "b"), "s.u", ("x", "y")), 1)]),
    (["ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES u"], [("ForeignKey", "public.t", (("a",), "public.u", None), 1)]),
    (["ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES u (id) NOT VALID"], []),
    (["ALTER TABLE t ALTER COLUMN c TYPE integer"], [("Cast", "public.t", ("c", "INT", None), 1)]),
    (["ALTER TABLE t ALTER COLUMN c TYPE integer USING c::integer"], [("Cast", "public.t", ("c", "INT", "CAST(c AS INT)"), 1)]),
    # a statement's own conditions count; the new values it makes end checks on that table
    (["ALTER TABLE t ADD COLUMN c int NOT NULL", "ALTER TABLE t ADD CONSTRAINT k CHECK (c > 0)",
      "ALTER TABLE u ALTER COLUMN d SET NOT NULL"],
     [("NewNotNullColumn", "public.t", "c", 1), ("NoNulls", "public.u", "d", 3)]),
    # tables created or written to earlier in the pending set: their rows are not today's
    (["CREATE TABLE IF NOT EXISTS public.n (a int)", "ALTER TABLE n ADD CONSTRAINT k UNIQUE (a)"], []),
    (["UPDATE t SET c = 0 WHERE c IS NULL", "ALTER TABLE t ALTER COLUMN c SET NOT NULL"], []),
    (["INSERT INTO u (id) VALUES (1)", "ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES u (id)"], []),
    # a write's triggers and cascades reach other tables
    (["INSERT INTO auth.users (id) VALUES (gen_random_uuid())", "ALTER TABLE user_balances ALTER COLUMN c SET NOT NULL"], []),
    (["DELETE FROM auth.users", "ALTER TABLE usage_records ADD CONSTRAINT k UNIQUE (a)"], []),
    (["CREATE TABLE u (id int PRIMARY KEY)", "ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES u (id)"], []),
    # statements that may write anywhere end all checking
    (["DO $$ BEGIN UPDATE t SET c = 0; END $$", "ALTER TABLE t ALTER COLUMN c SET NOT NULL"], []),
    (["SELECT public.backfill()", "ALTER TABLE t ALTER COLUMN c SET NOT NULL"], []),
    (["SET search_path = other", "ALTER TABLE t ALTER COLUMN c SET NOT NULL"], []),
    # statements that change no rows keep checking on
    (["CREATE POLICY p ON t USING (true)", "GRANT SELECT ON t TO anon", "COMMENT ON TABLE t IS 'x'",
      "-- a comment\nALTER TABLE t ALTER COLUMN c SET NOT NULL"], [("NoNulls", "public.t", "c", 4)]),
    # not understood: nothing checked, and that table's later conditions are not trusted either
    (["ALTER TABLE t ADD CONSTRAINT u UNIQUE USING INDEX i", "ALTER TABLE t ALTER COLUMN c SET NOT NULL"], []),
    (["ALTER TABLE t ADD CHECK (a > 0)"], []),  # sqlglot does not read an unnamed CHECK
    (["ALTER TABLE t ADD UNIQUE (a)"], [("Unique", "public.t", ("a", None, True), 1)]),
    (["ALTER TABLE t ADD COLUMN", "this is not SQL"], []),
]


@pytest.mark.parametrize("statements, expected", CASES, ids=[" / ".join(s)[:70] for s, _ in CASES])
def test_recognised_preconditions(statements, expected):
    found = preconditions([(Located("m.sql", n), sql) for n, sql in enumerate(statements, 1)])
    assert [described(p) for p in found] == expected


def test_check_queries_quote_names_and_reprint_expressions():
    [unique] = preconditions([(Located("m.sql", 1), 'CREATE UNIQUE INDEX i ON "We""ird".t (lower("Mixed Case"))')])
    assert unique.query() == (
        'SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM "We""ird".t WHERE (LOWER("Mixed Case")) IS NOT NULL '
        'GROUP BY (LOWER("Mixed Case")) HAVING count(*) > 1) AS duplicated')
    [check] = preconditions([(Located("m.sql", 1), "ALTER TABLE t ADD CONSTRAINT k CHECK (a > 0 -- trailing\n)")])
    assert check.query() == "SELECT count(*) FROM public.t WHERE NOT (a > 0)"
