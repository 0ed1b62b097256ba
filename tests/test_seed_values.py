"""Seed rows that PostgreSQL would refuse (or silently change) are refused at validate time, at the row's line.

One small schema per case: a table `t` with a text key `k` and a column `v` of the type under test,
seeded with the case's values. Types, CHECK constraints and duplicate keys each have a table of
cases; the type rules are also checked against a real PostgreSQL, so they cannot drift apart.
"""

from __future__ import annotations

import psycopg
import pytest

from supaschema.errors import UserError
from supaschema.spec.loader import parse_spec
from supaschema.sqltext.quoting import literal


def schema(column_type: str, values: list[str], *, check: str | None = None, key_type: str = "text", keys: list[str] | None = None) -> str:
    keys = keys or [f"k{i}" for i in range(len(values))]
    check_text = f", check: {check!r}" if check else ""
    rows = "\n".join(f"      - [{k}, {v}]" for k, v in zip(keys, values))
    return f"""tables:
  t:
    columns:
      k: {{type: "{key_type}", primary_key: true}}
      v: {{type: "{column_type}"{check_text}}}
seeds:
  t:
    key: [k]
    columns: [k, v]
    rows:
{rows}
migrations:
  - version: "20250101000001"
    name: init
    tables: [t]
    seeds: [t]
"""


ROWS_START = 11  # the line of the first row in `schema()`

# (type, value as written in YAML, expected message fragment, does PostgreSQL itself refuse it?)
REFUSED_VALUES = [
    ("numeric(12,8)", "99999", "does not fit numeric(12,8): at most 4 digits before the point", True),
    ("numeric(12,8)", "-10000", "does not fit numeric(12,8)", True),
    ("numeric(5)", "123456", "does not fit numeric(5)", True),
    ("numeric(12,8)", "0.000000375", "has more than 8 decimal places: numeric(12,8) would store it as 3.8E-7", False),
    ("smallint", "32768", "out of range for smallint (-32768 to 32767)", True),
    ("smallint", "-32769", "out of range for smallint", True),
    ("integer", "2147483648", "out of range for integer (-2147483648 to 2147483647)", True),
    ("bigint", "9223372036854775808", "out of range for bigint", True),
    ("serial", "2147483648", "out of range for serial", True),
    ("integer", "1.5", "is not a whole number", True),
    ("integer", "cheap", "is not a number", True),
    ("real", "1e39", "is out of range for real", True),
    ("real", "1e-46", "is out of range for real", True),
    ("double precision", "1e309", "is out of range for double precision", True),
    ("uuid", "not-a-uuid", "is not a uuid", True),
    ("uuid", "123e4567-e89b-12d3-a456-42661417400", "is not a uuid", True),
    ("uuid", "123e4567-e89b-12d3-a456-4266141740000", "is not a uuid", True),
    ("uuid", "'{123e4567-e89b-12d3-a456-426614174000'", "is not a uuid", True),
    ("boolean", "maybe", "expected true or false", True),
    ("varchar(3)", "abcd", "has 4 characters, more than varchar(3) holds (3)", True),
    ("character varying(2)", "'héé'", "has 3 characters", True),
    ("char", "ab", "more than char holds (1)", True),
]

ACCEPTED_VALUES = [
    ("numeric(12,8)", "9999.99999999"),
    ("numeric(12,8)", "0.10000000000"),
    ("numeric(12,8)", "-9999.99999999"),
    ("numeric", "123456789012345678901234567890.123456789"),
    ("smallint", "-32768"),
    ("integer", "2147483647"),
    ("bigint", "-9223372036854775808"),
    ("integer", "1.0"),
    ("real", "3.4e38"),
    ("uuid", "123E4567-E89B-12D3-A456-426614174000"),
    ("uuid", "'{123e4567e89b12d3a456426614174000}'"),
    ("uuid", "123e-4567-e89b-12d3-a456-4266-1417-4000"),
    ("varchar(3)", "'héé'"),
    ("char(3)", "abc"),
    ("text", "'any text at all, however long'"),
]


def refused(text: str, fragment: str) -> int:
    """The line of the problem holding `fragment`."""
    with pytest.raises(UserError) as caught:
        parse_spec(text, "schema.yaml")
    matching = [p for p in caught.value.problems if fragment in str(p)]
    assert matching, [str(p) for p in caught.value.problems]
    return int(matching[0].where.rsplit(":", 1)[1])


@pytest.mark.parametrize("case", REFUSED_VALUES, ids=[f"{c[0]}:{c[1]}" for c in REFUSED_VALUES])
def test_value_the_type_cannot_hold_is_refused_at_its_line(case):
    column_type, value, fragment, _ = case
    assert refused(schema(column_type, [value]), fragment) == ROWS_START


@pytest.mark.parametrize("case", ACCEPTED_VALUES, ids=[f"{c[0]}:{c[1]}" for c in ACCEPTED_VALUES])
def test_value_the_type_holds_is_accepted(case):
    column_type, value = case
    parse_spec(schema(column_type, [value]), "schema.yaml")


def _yaml_value(value: str) -> str:
    import yaml

    return str(yaml.safe_load(f"x: {value}")["x"])


def test_the_rules_agree_with_postgresql(server):
    """Every refusal marked as PostgreSQL's own is one (the text typed, as PostgreSQL's input); every accepted
    value, as supaschema renders it, is stored by an INSERT (an assignment: no silent truncation)."""
    with psycopg.connect(server.url()) as conn:
        def accepts(column_type: str, sql_value: str) -> bool:
            try:
                with conn.transaction():
                    conn.execute(f"CREATE TEMP TABLE probe (v {column_type}) ON COMMIT DROP")
                    conn.execute(f"INSERT INTO probe VALUES ({sql_value})")
                return True
            except psycopg.Error:
                return False

        def rendered(column_type: str, value: str) -> str:
            return literal(parse_spec(schema(column_type, [value]), "schema.yaml").seeds[0].rows[0][1])

        disagreements = [(t, v) for t, v, _, pg_refuses in REFUSED_VALUES if pg_refuses and accepts(t, literal(_yaml_value(v)))]
        disagreements += [(t, v) for t, v in ACCEPTED_VALUES if not accepts(t, rendered(t, v))]
    assert not disagreements


# (column type, CHECK, value, expected fragment or None when it must be accepted)
CHECKS = [
    ("numeric(12,8)", "v >= 0", "-0.5", "breaks CHECK t_v_check ('v >= 0') with v = -0.5"),
    ("integer", "v between 1 and 10", "11", "breaks CHECK t_v_check"),
    ("integer", "v not between 1 and 10", "5", "breaks CHECK"),
    ("text", "v in ('USD', 'EUR')", "GBP", "with v = 'GBP'"),
    ("text", "v not in ('USD', 'EUR')", "USD", "breaks CHECK"),
    ("text", "length(v) <= 3", "ABCD", "breaks CHECK"),
    ("integer", "v is not null and v <> 5", "5", "breaks CHECK"),
    ("integer", "v * 2 < 10", "5", "breaks CHECK"),
    ("integer", "v + 1 > 0 and -v < 0", "0", "breaks CHECK"),
    ("integer", "coalesce(v, 0) >= 0", "-1", "breaks CHECK"),
    ("integer", "not (v < 0)", "-1", "breaks CHECK"),
    ("integer", "v > 0 or v = -1", "-2", "breaks CHECK"),
    ("boolean", "v", "false", "breaks CHECK"),
    ("boolean", "v is true", "false", "breaks CHECK"),
    ("numeric(12,8)", "v > '0'", "0", "breaks CHECK"),
    # NULL passes a CHECK; what Python cannot decide is left to PostgreSQL (the shadow database).
    ("numeric(12,8)", "v >= 0", "null", None),
    ("integer", "v > 0 or v is null", "null", None),
    ("integer", "v > 0 or false", "1", None),
    ("text", "v > 'a'", "B", None),
    ("text", "v ~ '^[a-z]+$'", "ABC", None),
    ("integer", "v % 2 = 0", "3", None),
    ("integer", "v / 2 > 1", "1", None),
    ("uuid", "v <> '123E4567-E89B-12D3-A456-426614174000'", "123e4567-e89b-12d3-a456-426614174000", None),
    ("real", "v > 0.1", "0.1", None),
]


@pytest.mark.parametrize("case", CHECKS, ids=[f"{c[1]}:{c[2]}" for c in CHECKS])
def test_seed_row_against_declared_check(case):
    column_type, check, value, fragment = case
    text = schema(column_type, [value], check=check)
    if fragment is None:
        parse_spec(text, "schema.yaml")
    else:
        assert refused(text, fragment) == ROWS_START


def test_decided_checks_agree_with_postgresql(server):
    """What validate decides about a CHECK is what PostgreSQL decides (undecided cases are PostgreSQL's to judge)."""
    with psycopg.connect(server.url(), autocommit=True) as conn:
        wrong = []
        for column_type, check, value, fragment in CHECKS:
            v = f"NULL::{column_type}" if value == "null" else f"{literal(_yaml_value(value))}::{column_type}"
            verdict = conn.execute(f"SELECT ({check.replace('v', 'x.v')}) IS NOT FALSE FROM (SELECT {v} AS v) x").fetchone()[0]
            if fragment is not None and verdict:
                wrong.append((check, value))
    assert not wrong


# (key type, keys as written, expected fragment or None): keys equal in PostgreSQL's eyes are duplicates.
KEYS = [
    ("uuid", ["123e4567-e89b-12d3-a456-426614174000", "123E4567-E89B-12D3-A456-426614174000"], "duplicate key"),
    ("uuid", ["123e4567-e89b-12d3-a456-426614174000", "'{123e4567e89b12d3a456426614174000}'"], "duplicate key"),
    ("numeric", ["1.0", "1"], "duplicate key"),
    ("numeric(5,2)", ["1.5", "1.50"], "duplicate key"),
    ("integer", ["1", "1.0"], "duplicate key"),
    ("char(3)", ["a", "'a  '"], "duplicate key"),
    ("text", ["a", "A"], None),
    ("text", ["a", "'a '"], None),
    ("varchar(3)", ["a", "'a '"], None),
    ("uuid", ["123e4567-e89b-12d3-a456-426614174000", "123e4567-e89b-12d3-a456-426614174001"], None),
]


@pytest.mark.parametrize("case", KEYS, ids=[f"{c[0]}:{'|'.join(c[1])}" for c in KEYS])
def test_seed_keys_compared_as_postgresql_compares_them(case):
    key_type, keys, fragment = case
    text = schema("text", ["x", "y"], key_type=key_type, keys=keys)
    if fragment is None:
        parse_spec(text, "schema.yaml")
    else:
        assert refused(text, fragment) == ROWS_START + 1


@pytest.mark.parametrize("command", [["validate"], ["gen"]])
def test_cli_names_the_rows_and_writes_nothing(tmp_path, command):
    import shutil

    from .helpers import ROOT, run_cli

    shutil.copytree(ROOT / "generated", tmp_path / "generated")
    before = {p.name: p.read_bytes() for p in (tmp_path / "generated").iterdir()}
    text = (ROOT / "schema.yaml").read_text("utf-8")
    text = text.replace("[openai, gpt-4o, 0.0025, 0.01]", "[openai, gpt-4o, -0.5, 0.01]")
    text = text.replace("[openai, gpt-4-turbo, 0.01, 0.03]", "[openai, gpt-4-turbo, 99999, 0.03]")
    (tmp_path / "schema.yaml").write_text(text)
    lines = text.splitlines()
    result = run_cli(*command, cwd=tmp_path)
    assert result.code == 2 and "Traceback" not in result.err
    negative = lines.index("      - [openai, gpt-4o, -0.5, 0.01]") + 1
    overflow = lines.index("      - [openai, gpt-4-turbo, 99999, 0.03]") + 1
    assert f"schema.yaml:{negative}: seeds.model_pricing.rows[0]: breaks CHECK" in result.err
    assert f"schema.yaml:{overflow}: seeds.model_pricing.rows[2].input_price_per_1k_tokens: '99999' does not fit" in result.err
    assert "generated/" not in result.err and ".sql" not in result.err
    assert {p.name: p.read_bytes() for p in (tmp_path / "generated").iterdir()} == before


def test_a_before_insert_trigger_leaves_not_null_and_checks_to_postgresql():
    """The trigger may fill or fix the row before NOT NULL and CHECK apply: no false error."""
    text = schema("integer", ["-1"], check="v >= 0").replace("      k: {type: \"text\", primary_key: true}\n",
                                                            "      k: {type: \"text\", primary_key: true}\n      w: {type: text, nullable: false}\n")
    text = text.replace("migrations:\n", """functions:
  public.fix_row:
    returns: trigger
    language: plpgsql
    body: "BEGIN NEW.v := abs(NEW.v); NEW.w := 'x'; RETURN NEW; END;"
triggers:
  fix_row_before_insert:
    table: t
    timing: before
    events: [insert]
    for_each: row
    function: public.fix_row
migrations:
""").replace("    seeds: [t]\n", "    seeds: [t]\n    functions: [public.fix_row]\n    triggers: [fix_row_before_insert]\n")
    spec = parse_spec(text, "schema.yaml")
    assert spec.seeds[0].rows == (("k0", -1),)
    with pytest.raises(UserError):  # without the trigger, both are caught
        parse_spec(text.replace("timing: before", "timing: after"), "schema.yaml")
