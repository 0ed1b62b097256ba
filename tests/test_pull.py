"""pull, unmanaged objects and verified adoption, against a real PostgreSQL.

The proof of `pull` is the round trip: database D -> pull -> gen -> push into a fresh
database E, then D and E both show no drift against the pulled schema.yaml, and
`diff --from D --to E` is clean. A new case is a SQL file in tests/pull_cases/.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import jsonschema
import psycopg
import pytest
import yaml

from supaschema.json_schema import json_schema

from .helpers import GENERATED, ROOT, committed_migrations, run_cli

CASES = Path(__file__).parent / "pull_cases"
EDITOR_SCHEMA = jsonschema.Draft202012Validator(json_schema())


def _case_sql(name: str) -> list[tuple[str, str]]:
    if name == "project":
        return committed_migrations()
    if name == "handwritten":
        return [("handwritten.sql", (Path(__file__).parent / "fixtures" / "handwritten.sql").read_text("utf-8"))]
    if name == "handwritten on supabase":  # with the platform's own schemas, extensions, roles and default privileges
        return [*_case_sql("handwritten"), ("supabase_extras.sql", (Path(__file__).parent / "fixtures" / "supabase_extras.sql").read_text("utf-8"))]
    return [(name, (CASES / name).read_text("utf-8"))]


ROUND_TRIPS = ["project", "handwritten", "handwritten on supabase", *sorted(p.name for p in CASES.glob("*.sql"))]
SEEDS = {"project": ["model_pricing"], "handwritten": ["model_pricing"], "handwritten on supabase": ["model_pricing"]}


def _seeds(name: str, migrations) -> list[str]:
    declared = [m.group(1).strip() for _, sql in migrations for m in re.finditer(r"^-- seed: (.+)$", sql, re.M)]
    return SEEDS.get(name, declared)


def _roles(migrations) -> tuple[str, ...]:
    """`-- roles: a, b`: roles the case grants to, made first (roles are cluster-wide, the platform's job)."""
    return tuple(role.strip() for _, sql in migrations for m in re.finditer(r"^-- roles: (.+)$", sql, re.M)
                 for role in m.group(1).split(","))


@pytest.mark.parametrize("case", ROUND_TRIPS)
def test_round_trip(case, throwaway, tmp_path):
    migrations = _case_sql(case)
    if roles := _roles(migrations):
        throwaway.ensure_project_roles(roles)
    source = throwaway.create(migrations, prefix="pullsrc")
    fresh = throwaway.create([], prefix="pulldst")
    try:
        seeds = [arg for table in _seeds(case, migrations) for arg in ("--seed", table)]
        pulled = run_cli("pull", "--db", source.url, "--version", "20250101000000", *seeds, cwd=tmp_path)
        assert pulled.code == 0, pulled.err
        first = (tmp_path / "schema.yaml").read_text("utf-8")
        # The editor's view agrees with the loader's: the first line points at schema.json, which accepts the file.
        assert first.startswith("# yaml-language-server: $schema=schema.json\n")
        assert [e.message for e in EDITOR_SCHEMA.iter_errors(yaml.safe_load(first))] == []
        assert run_cli("gen", cwd=tmp_path).code == 0
        pushed = run_cli("push", "--db", fresh.url, cwd=tmp_path)
        assert pushed.code == 0, pushed.err
        for url in (source.url, fresh.url):
            result = run_cli("diff", "--db", url, cwd=tmp_path)
            assert result.code == 0 and "No drift" in result.out, result.out + result.err
        both = run_cli("diff", "--from", source.url, "--to", fresh.url, "--schema", "schema.yaml", cwd=tmp_path)
        assert both.code == 0, both.out + both.err
        # Deterministic: pulling the copy gives the same text.
        again = run_cli("pull", "--db", fresh.url, "--version", "20250101000000", "--out", "again.yaml", *seeds, cwd=tmp_path)
        assert again.code == 0 and (tmp_path / "again.yaml").read_text("utf-8") == first
    finally:
        throwaway.drop(source)
        throwaway.drop(fresh)


def test_pulled_project_reads_like_a_hand_written_file(throwaway, tmp_path):
    source = throwaway.create(committed_migrations(), prefix="pullsrc")
    try:
        assert run_cli("pull", "--db", source.url, "--seed", "model_pricing", cwd=tmp_path).code == 0
    finally:
        throwaway.drop(source)
    text = (tmp_path / "schema.yaml").read_text("utf-8")
    assert "      model_id: {type: text, nullable: false}\n" in text
    assert "      id: {type: uuid, primary_key: true, default: gen_random_uuid()}\n" in text
    assert "  Users can read their own balance:\n" in text
    assert "      - [gpt-4o, openai, 0.0025, 0.01, USD, true]\n" in text  # prices exactly as stored, keyed by model and provider
    assert "    key: [model_id, provider_id]\n" in text


def test_other_creators_default_privileges_are_written_under_for_role(throwaway, tmp_path):
    """The round trip alone would pass without them: a creator no file names is not watched."""
    migrations = _case_sql("other_creators.sql")
    throwaway.ensure_project_roles(_roles(migrations))
    source = throwaway.create(migrations, prefix="pullsrc")
    try:
        assert run_cli("pull", "--db", source.url, cwd=tmp_path).code == 0
    finally:
        throwaway.drop(source)
    declared = yaml.safe_load((tmp_path / "schema.yaml").read_text("utf-8"))["default_privileges"]
    assert declared["public"]["for_role"] == {"app_admin": {
        "tables": {"service_role": ["delete", "insert", "update"], "app_reader": ["select"]},
        "sequences": {"app_reader": ["usage"]}}}
    assert declared["reporting"] == {"for_role": {"app_admin": {"functions": {"app_reader": ["execute"]}}}}


# A construct schema.yaml cannot express: (name, SQL, what the error names). Nothing is written.
REFUSED = [
    ("exclusion constraint", "CREATE TABLE public.r (a int, EXCLUDE USING btree (a WITH =))", ("constraint public.r.r_a_excl", "exclusion")),
    ("not valid check", "CREATE TABLE public.r (a int); ALTER TABLE public.r ADD CONSTRAINT r_pos CHECK (a > 0) NOT VALID",
     ("constraint public.r.r_pos", "NOT VALID")),
    ("expression index", "CREATE TABLE public.r (a text); CREATE INDEX r_lower ON public.r (lower(a))", ("index public.r.r_lower", "index")),
    ("deferrable foreign key", "CREATE TABLE public.p (id int PRIMARY KEY); CREATE TABLE public.r (p int REFERENCES public.p DEFERRABLE)",
     ("constraint public.r.r_p_fkey", "DEFERRABLE")),
    ("disabled trigger", "CREATE TABLE public.r (a int); CREATE FUNCTION public.f() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;"
     "CREATE TRIGGER t BEFORE UPDATE ON public.r FOR EACH ROW WHEN (OLD.a IS DISTINCT FROM NEW.a) EXECUTE FUNCTION public.f();"
     "ALTER TABLE public.r DISABLE TRIGGER t", ("trigger public.r.t", "disabled")),
    ("function setting", "CREATE FUNCTION public.f() RETURNS int LANGUAGE sql SET work_mem = '64MB' AS 'SELECT 1'", ("function public.f()", "SET work_mem")),
    ("procedure", "CREATE PROCEDURE public.p() LANGUAGE sql AS 'SELECT 1'", ("function public.p()", "procedure")),
    ("grant option", "CREATE TABLE public.r (a int); GRANT SELECT ON public.r TO anon WITH GRANT OPTION", ("table public.r", "GRANT OPTION")),
    ("default grant option", "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO anon WITH GRANT OPTION",
     ("default privileges: new tables in public to anon", "GRANT OPTION")),
    ("attribute collation", 'CREATE TYPE public.t AS (a text COLLATE "C")', ("composite type public.t", "collation (a)")),
    ("aggregate", "CREATE AGGREGATE public.total(integer) (SFUNC = int4pl, STYPE = integer)", ("aggregate public.total(integer)", "does not model")),
    ("foreign key outside", "CREATE SCHEMA other; CREATE TABLE other.p (id int PRIMARY KEY); CREATE TABLE public.r (p int REFERENCES other.p)",
     ("constraint public.r.r_p_fkey", "other.p")),
    ("unique with another name", "CREATE TABLE public.r (a int CONSTRAINT custom_name UNIQUE)", ("constraint public.r.custom_name", "unique")),
    ("table name with a line break", 'CREATE TABLE public."new\nline" (id int PRIMARY KEY)', ("tables.new", "control character U+000A")),
    ("index on a column with a space", 'CREATE TABLE public.r ("a b" int); CREATE INDEX r_ab ON public.r ("a b")', ("indexes.r_ab", "'a b'")),
]


@pytest.mark.parametrize("name, sql, expected", REFUSED, ids=[r[0] for r in REFUSED])
def test_refuses_what_schema_yaml_cannot_say(name, sql, expected, throwaway, tmp_path):
    source = throwaway.create([(name, sql)], prefix="pullbad")
    try:
        result = run_cli("pull", "--db", source.url, cwd=tmp_path)
    finally:
        throwaway.drop(source)
    assert result.code == 2 and "Traceback" not in result.err
    for fragment in expected:
        assert fragment in result.err, result.err
    assert "cannot express" in result.err
    assert "migrations[0]" not in result.err  # the baseline's list repeating a refused object is noise
    assert not (tmp_path / "schema.yaml").exists()


def test_pull_errors(throwaway, tmp_path):
    source = throwaway.create([("r", "CREATE TABLE public.keyless (a int)")], prefix="pullerr")
    try:
        no_key = run_cli("pull", "--db", source.url, "--seed", "keyless", cwd=tmp_path)
        assert no_key.code == 2 and "keyless has no primary key or unique constraint" in no_key.err
        missing = run_cli("pull", "--db", source.url, "--seed", "nope", cwd=tmp_path)
        assert missing.code == 2 and "no table public.nope" in missing.err
        bad_skip = run_cli("pull", "--db", source.url, "--skip", "legacy_*", cwd=tmp_path)
        assert bad_skip.code == 2 and "KIND:PATTERN" in bad_skip.err
        (tmp_path / "schema.yaml").write_text("mine\n")
        exists = run_cli("pull", "--db", source.url, cwd=tmp_path)
        assert exists.code == 2 and "already exists" in exists.err and "--force" in exists.err
        assert (tmp_path / "schema.yaml").read_text() == "mine\n"
        assert run_cli("pull", "--db", source.url, "--force", cwd=tmp_path).code == 0
        (tmp_path / "folder").mkdir()
        folder = run_cli("pull", "--db", source.url, "--out", "folder", "--force", cwd=tmp_path)
        assert folder.code == 2 and "is a folder" in folder.err and "Traceback" not in folder.err, folder.err
        assert (tmp_path / "folder").is_dir() and not list((tmp_path / "folder").iterdir())
    finally:
        throwaway.drop(source)
    empty = throwaway.create([], prefix="pullempty")
    try:
        nothing = run_cli("pull", "--db", empty.url, "--out", "empty.yaml", cwd=tmp_path)
        assert nothing.code == 2 and "has no tables outside Supabase's own schemas" in nothing.err, nothing.err
        assert "cannot express" not in nothing.err and not (tmp_path / "empty.yaml").exists()
    finally:
        throwaway.drop(empty)
    unreachable = run_cli("pull", "--db", "postgresql://u:secret@127.0.0.1:1/db", "--out", "x.yaml", cwd=tmp_path)
    assert unreachable.code == 2 and "cannot reach the server" in unreachable.err and "secret" not in unreachable.err
    assert not (tmp_path / "x.yaml").exists()


FOREIGN_OBJECTS = """
CREATE TABLE public.legacy_orders (id int PRIMARY KEY, note text);
CREATE INDEX legacy_orders_note_idx ON public.legacy_orders (note);
ALTER TABLE public.legacy_orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY legacy_read ON public.legacy_orders FOR SELECT USING (true);
CREATE FUNCTION public.legacy_total() RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION public.legacy_audit() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER legacy_audit AFTER INSERT ON public.legacy_orders FOR EACH ROW EXECUTE FUNCTION public.legacy_audit();
"""
UNMANAGED = """
unmanaged:
  tables: [legacy_*]
  functions: [public.legacy_*]
"""


def test_unmanaged_objects_are_left_alone(throwaway, tmp_path):
    shutil.copy(ROOT / "schema.yaml", tmp_path / "schema.yaml")
    shutil.copytree(GENERATED, tmp_path / "generated")
    db = throwaway.create([*committed_migrations(), ("foreign", FOREIGN_OBJECTS)], prefix="foreign")
    try:
        reported = run_cli("diff", "--db", db.url, cwd=tmp_path)
        assert reported.code == 1 and "legacy_orders" in reported.out and "legacy_total" in reported.out
        with open(tmp_path / "schema.yaml", "a", encoding="utf-8") as handle:
            handle.write(UNMANAGED)
        clean = run_cli("diff", "--db", db.url, cwd=tmp_path)
        assert clean.code == 0 and "No drift" in clean.out, clean.out
        skipped = int(re.search(r"left alone: (\d+) unmanaged", clean.out).group(1))
        assert skipped >= 9  # two tables' worth of objects, two functions, their grants
        as_json = run_cli("diff", "--db", db.url, "--format", "json", cwd=tmp_path)
        assert json.loads(as_json.out)["skipped"] == {"unmanaged": skipped, "undeclared": 0}
        plan = run_cli("plan", "--db", db.url, "--allow-destructive", cwd=tmp_path)
        assert plan.code == 0 and "legacy" not in plan.out
        pulled = run_cli("pull", "--db", db.url, "--out", "pulled.yaml", "--skip", "tables:legacy_*",
                         "--skip", "functions:public.legacy_*", cwd=tmp_path)
        assert pulled.code == 0, pulled.err
        text = (tmp_path / "pulled.yaml").read_text("utf-8")
        assert "legacy" not in text.split("unmanaged:")[0] and "tables: [legacy_*]" in text
    finally:
        throwaway.drop(db)


def test_report_undeclared_false_hides_undeclared_objects_only(throwaway, tmp_path):
    shutil.copy(ROOT / "schema.yaml", tmp_path / "schema.yaml")
    shutil.copytree(GENERATED, tmp_path / "generated")
    with open(tmp_path / "schema.yaml", "a", encoding="utf-8") as handle:
        handle.write("\nunmanaged:\n  report_undeclared: false\n")
    db = throwaway.create([*committed_migrations(), ("foreign", FOREIGN_OBJECTS),
                           ("extra column", "ALTER TABLE public.user_balances ADD COLUMN note text")], prefix="undeclared")
    try:
        result = run_cli("diff", "--db", db.url, cwd=tmp_path)
    finally:
        throwaway.drop(db)
    assert result.code == 1 and "legacy" not in result.out
    assert "column public.user_balances.note" in result.out  # on a declared table: still reported
    assert "undeclared (report_undeclared: false)" in result.out


# Values the YAML writer must give back exactly through supaschema's own loader.
TRICKY_VALUES = [
    "plain", "with space", "true", "null", "~", "", "a: b", "x #y", "0.0025", "'USD'::text", "numeric(12,8)",
    "(SELECT auth.uid() AS uid) = user_id", "line1\nline2\n", "tail  \nx", "café", "\u2028sep", "tab\tx", "\x85nel",
    "-lead", "? q", "[x]", "{x}", "*star", "&a", "!t", "%p", "@a", "`b", "a'b", 'say "hi"', "multi\n  indented\n",
    "  lead space\nx\n", "ends\n\n", "back\\slash", "emoji 🚀", "\x01ctl", "key:", "a,b", "-", "--x", "\r\nCRLF\r\n",
    "\n    BEGIN\n  x\nEND;\n", "\n\n  a\n", "  a\nb", "a\n  b\n\n", "\n    BEGIN\n    END;\n    ", "\ufeffbom", "x\x0by\x0cz",
]


def test_yaml_writer_round_trips_every_value():
    from supaschema.pull.yaml_text import Flow, dump
    from supaschema.spec.yaml_source import NULL_TAG, compose

    document = {"block": {f"k{i}": v for i, v in enumerate(TRICKY_VALUES)},
                "flow": {f"k{i}": Flow({"v": v}) for i, v in enumerate(TRICKY_VALUES)}}
    root = compose(dump(document), "written.yaml")
    block, flow = (value for _, value in root.value)
    for (key, node), expected in zip(block.value, TRICKY_VALUES):
        assert (node.value, node.tag != NULL_TAG) == (expected, True), key.value
    for (key, node), expected in zip(flow.value, TRICKY_VALUES):
        inner = node.value[0][1]
        assert isinstance(inner, yaml.ScalarNode) and inner.value == expected, key.value
    # Any YAML reader (an editor, a script) loads the same strings, as keys too.
    assert yaml.safe_load(dump(document)) == {"block": document["block"], "flow": {k: f.value for k, f in document["flow"].items()}}
    as_keys = {v: v for v in TRICKY_VALUES}
    assert yaml.safe_load(dump({"block": as_keys, "flow": Flow(as_keys)})) == {"block": as_keys, "flow": as_keys}


def test_number_columns_seed_plain_numbers_and_text_columns_quote_them():
    from supaschema.pull.yaml_text import Flow, Number, dump

    assert dump({"rows": Flow([Number("0.0025"), Number("-12"), Number("1e-05"), "0.0025", "0x10"])}) == \
        'rows: [0.0025, -12, "1e-05", "0.0025", "0x10"]\n'


def test_array_and_json_seeds_are_read_as_postgres_text(throwaway, tmp_path):
    """to_jsonb made a text[] a JSON list (written back, PostgreSQL refused it as an array), a composite a JSON
    object, and a jsonb null the same as SQL NULL (never drift). As PostgreSQL's text they round-trip, a plan re-inserts them, NULLs differ."""
    sql = ("CREATE TYPE public.pair AS (a text, b int); CREATE DOMAIN public.labels AS text[];"
           "CREATE TABLE public.docs (id int PRIMARY KEY, tags text[], doc jsonb, raw json, p public.pair, l public.labels);"
           "INSERT INTO public.docs VALUES (1, ARRAY['a,b', '\"q\"', NULL], 'null', '{\"b\": 1,  \"a\": [2.50]}', ROW('x y', 1), '{z}'),"
           " (2, '{}', '\"yes\"', 'null', NULL, NULL)")
    source = throwaway.create([("docs.sql", sql)], prefix="pullsrc")
    try:
        assert run_cli("pull", "--db", source.url, "--seed", "docs", cwd=tmp_path).code == 0
        text = (tmp_path / "schema.yaml").read_text("utf-8")
        assert '      - [1, "{\\"a,b\\",\\"\\\\\\"q\\\\\\"\\",NULL}", "null", "{\\"a\\": [2.50], \\"b\\": 1}", "(\\"x y\\",1)", "{z}"]\n' in text, text
        assert run_cli("gen", cwd=tmp_path).code == 0
        assert run_cli("diff", "--db", source.url, cwd=tmp_path).code == 0
        with psycopg.connect(source.url, autocommit=True) as conn:
            conn.execute("UPDATE public.docs SET doc = NULL WHERE id = 1; DELETE FROM public.docs WHERE id = 2")
        drift = run_cli("diff", "--db", source.url, "--format", "json", cwd=tmp_path)
        assert drift.code == 1 and {(i["object"], i["change"]) for i in json.loads(drift.out)["drift"]} == \
            {("public.docs[1]", "changed"), ("public.docs[2]", "missing")}, drift.out
        plan = run_cli("plan", "--db", source.url, cwd=tmp_path)
        assert plan.code == 0, plan.err
        with psycopg.connect(source.url, autocommit=True) as conn:
            conn.execute(plan.out)
        assert run_cli("diff", "--db", source.url, cwd=tmp_path).code == 0
    finally:
        throwaway.drop(source)
