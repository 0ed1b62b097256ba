"""What push reads from statement text before touching a busy database: which statements cannot run in a
transaction, the lock each one takes and what it does under it, what a type change costs, and the
durations, sizes and query lines users and servers hand it. Pure: no database."""

from __future__ import annotations

import pytest

from supaschema.errors import UserError
from supaschema.online.applying import _concurrent_build, parse_duration
from supaschema.online.blockers import first_line
from supaschema.online.hazards import parse_size
from supaschema.online.locks import pending_locks, statement_locks
from supaschema.plan.type_changes import rewrites
from supaschema.sqltext.transaction_blocks import outside_transaction, runs

OUTSIDE = [
    ("CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON public.t (a)", True),
    ("create unique index concurrently i on t (a)", True),
    ("DROP INDEX CONCURRENTLY IF EXISTS public.i", True),
    ("REINDEX INDEX CONCURRENTLY public.i", True),
    ("VACUUM (ANALYZE) public.t", True),
    ("-- a comment\nCREATE INDEX CONCURRENTLY i ON t (a)", True),
    ("CREATE INDEX i ON t (a)", False),
    ("COMMENT ON TABLE t IS 'CREATE INDEX CONCURRENTLY'", False),
    ("INSERT INTO notes VALUES ('VACUUM')", False),
    ("DO $$ BEGIN PERFORM 1; END $$", False),
]


@pytest.mark.parametrize("statement, expected", OUTSIDE)
def test_statements_postgresql_refuses_in_a_transaction(statement, expected):
    assert outside_transaction(statement) is expected


def test_a_file_runs_in_stretches_with_such_statements_alone():
    statements = ["ALTER TABLE t ADD COLUMN a int", "COMMENT ON COLUMN t.a IS 'x'", "CREATE INDEX CONCURRENTLY i ON t (a)",
                  "CREATE INDEX CONCURRENTLY j ON t (b)", "ALTER TABLE t VALIDATE CONSTRAINT c"]
    assert [(r.first, len(r.statements), r.alone) for r in runs(statements)] == [(1, 2, False), (3, 1, True), (4, 1, True), (5, 1, False)]


# statement -> [(table, level, work)] (None: not understood)
LOCKS = [
    ("CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON public.usage_records USING btree (a)",
     [("public.usage_records", "SHARE UPDATE EXCLUSIVE", "online")]),
    ("CREATE UNIQUE INDEX i ON ONLY public.\"Odd Name\" (a)", [('public."Odd Name"', "SHARE", "build")]),
    ("ALTER TABLE public.t ADD COLUMN a int", [("public.t", "ACCESS EXCLUSIVE", "catalog")]),
    ("ALTER TABLE public.t ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY", [("public.t", "ACCESS EXCLUSIVE", "rewrite")]),
    ("ALTER TABLE public.t ADD CONSTRAINT c CHECK ((a > 0))", [("public.t", "ACCESS EXCLUSIVE", "scan")]),
    ("ALTER TABLE public.t ADD CONSTRAINT c CHECK ((a > 0)) NOT VALID", [("public.t", "ACCESS EXCLUSIVE", "catalog")]),
    ("ALTER TABLE public.t VALIDATE CONSTRAINT c", [("public.t", "SHARE UPDATE EXCLUSIVE", "online")]),
    ("ALTER TABLE public.t ADD CONSTRAINT f FOREIGN KEY (m) REFERENCES public.m(id)",
     [("public.t", "SHARE ROW EXCLUSIVE", "scan"), ("public.m", "SHARE ROW EXCLUSIVE", "catalog")]),
    ("ALTER TABLE public.t ADD CONSTRAINT u UNIQUE (a)", [("public.t", "ACCESS EXCLUSIVE", "build")]),
    ("ALTER TABLE public.t ADD CONSTRAINT u UNIQUE USING INDEX i", [("public.t", "ACCESS EXCLUSIVE", "catalog")]),
    ("ALTER TABLE public.t ALTER COLUMN a TYPE bigint USING a::bigint", [("public.t", "ACCESS EXCLUSIVE", "rewrite")]),
    ("ALTER TABLE public.t ALTER COLUMN a SET NOT NULL", [("public.t", "ACCESS EXCLUSIVE", "scan")]),
    ("ALTER TABLE public.t ALTER COLUMN a SET DEFAULT 0, ALTER COLUMN b DROP NOT NULL",
     [("public.t", "ACCESS EXCLUSIVE", "catalog"), ("public.t", "ACCESS EXCLUSIVE", "catalog")]),
    ("DROP INDEX IF EXISTS public.i", [("public.i", "ACCESS EXCLUSIVE", "catalog")]),
    ("CREATE TRIGGER tr AFTER INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION f()", [("public.t", "SHARE ROW EXCLUSIVE", "catalog")]),
    ('DROP POLICY IF EXISTS "Users read" ON public.t', [("public.t", "ACCESS EXCLUSIVE", "catalog")]),
    ("LOCK TABLE public.t IN SHARE ROW EXCLUSIVE MODE", [("public.t", "SHARE ROW EXCLUSIVE", "catalog")]),
    ("VACUUM FULL public.t", [("public.t", "ACCESS EXCLUSIVE", "rewrite")]),
    ("CREATE TABLE public.n (a int)", []),
    ("GRANT SELECT ON public.t TO anon", []),
    ("REFRESH MATERIALIZED VIEW public.v", [("public.v", "ACCESS EXCLUSIVE", "rewrite")]),
    ("REFRESH MATERIALIZED VIEW CONCURRENTLY public.v", [("public.v", "EXCLUSIVE", "online")]),
    ("SECURITY LABEL ON TABLE public.t IS 'x'", None),
]


@pytest.mark.parametrize("statement, expected", LOCKS, ids=[s[:60] for s, _ in LOCKS])
def test_the_lock_a_statement_takes(statement, expected):
    locks = statement_locks(statement)
    assert (None if locks is None else [(lock.table, lock.level, lock.work) for lock in locks]) == expected


def test_set_not_null_after_a_validated_check_scans_nothing():
    statements = ["ALTER TABLE public.t ADD CONSTRAINT a_nn CHECK (a IS NOT NULL) NOT VALID",
                  "ALTER TABLE public.t VALIDATE CONSTRAINT a_nn", "ALTER TABLE public.t ALTER COLUMN a SET NOT NULL",
                  "ALTER TABLE public.t ALTER COLUMN b SET NOT NULL"]
    assert [locks[0].work for locks in pending_locks(statements)] == ["catalog", "online", "catalog", "scan"]


def test_a_volatile_default_is_left_to_the_catalog():
    [lock] = statement_locks("ALTER TABLE t ADD COLUMN s timestamptz DEFAULT clock_timestamp()")
    assert lock.default_functions == ("clock_timestamp",)


@pytest.mark.parametrize("old, new, expected", [
    ("character varying(10)", "character varying(20)", False), ("character varying(20)", "character varying(10)", True),
    ("character varying(10)", "text", False), ("text", "character varying", False), ("text", "character varying(5)", True),
    ("numeric(12,6)", "numeric(20,6)", False), ("numeric(12,6)", "numeric(20,10)", True), ("numeric(12,6)", "numeric", False),
    ("integer", "bigint", True), ("integer[]", "bigint[]", True), ("text", "text", False),
])
def test_which_type_changes_rewrite_the_table(old, new, expected):
    assert rewrites(old, new) is expected


def test_the_index_a_concurrent_build_makes():
    assert _concurrent_build('CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "Idx" ON ONLY public.t (a)') == ('"Idx"', "public.t")
    assert _concurrent_build("CREATE INDEX CONCURRENTLY ON t (a)") == (None, "t")
    assert _concurrent_build("CREATE INDEX i ON t (a)") is None


@pytest.mark.parametrize("text, ms", [("500ms", 500), ("3s", 3000), ("3", 3000), ("1.5s", 1500), ("2min", 120_000), ("0", 0),
                                      ("0.0001ms", 1), ("1.0005s", 1001), ("1.1s", 1100), ("596h", 2_145_600_000)])
def test_durations(text, ms):
    assert parse_duration(text, "--lock-timeout") == ms


@pytest.mark.parametrize("text, size", [("0", 0), ("500kB", 512_000), ("100MB", 100 * 1024 ** 2), ("2gb", 2 * 1024 ** 3)])
def test_sizes(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("bad", ["abc", "-1s", "3 days", ""])
def test_a_bad_duration_is_one_clear_error(bad):
    with pytest.raises(UserError, match="is not a duration"):
        parse_duration(bad, "--lock-timeout")


@pytest.mark.parametrize("huge", ["597h", "99999999999h", "3000000000"])
def test_a_duration_beyond_postgres_range_is_one_clear_error(huge):
    """PostgreSQL's timeouts are int4 milliseconds: a longer one was its error, as a traceback."""
    with pytest.raises(UserError, match="longer than PostgreSQL's limit"):
        parse_duration(huge, "--statement-timeout")


def test_a_blockers_query_never_shows_a_secret():
    line = first_line("\n-- rotate\nALTER ROLE api PASSWORD 'hunter2' VALID UNTIL 'infinity'")
    assert line == "ALTER ROLE api PASSWORD '***' VALID UNTIL 'infinity'"
    assert "s3cr3t" not in first_line("SELECT set_secret(key => 'x', token = 's3cr3t')")
    assert first_line("SELECT '\x1b[2J\x07' -- x") == "SELECT '\\x1b[2J\\x07' -- x"
