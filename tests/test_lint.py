"""supaschema lint: the table-driven rule suite (tests/lint_cases.yaml) on real databases, and the command."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import psycopg
import pytest
import yaml

from supaschema.lint.config import LintConfig
from supaschema.lint.engine import UNUSED_IGNORE, run_lints
from supaschema.lint.rules import RULES
from supaschema.lint.states import lint_live

from .helpers import ROOT, committed_migrations, run_cli

CASES = yaml.safe_load((Path(__file__).parent / "lint_cases.yaml").read_text("utf-8"))
SARIF_SCHEMA = Path(__file__).parent / "sarif_2_1_0_required.schema.json"


@pytest.fixture(scope="module")
def baseline(throwaway):
    target = throwaway.create(committed_migrations(), prefix="lintbase")
    yield target
    throwaway.drop(target)


@pytest.fixture
def linted_database(throwaway, baseline):
    """A copy of the baseline with some SQL applied, its index statistics flushed before lint reads them."""
    made = []

    def make(sql: str):
        target = throwaway.copy(baseline, prefix="lint")
        made.append(target)
        with psycopg.connect(target.url, autocommit=True) as conn:
            conn.execute(sql)
            if conn.info.server_version >= 150000:
                # Statistics are flushed when the session goes idle, at most once a second unless forced.
                conn.execute("SELECT pg_catalog.pg_stat_force_next_flush()")
                conn.execute("SELECT 1")
        return target

    yield make
    for target in made:
        throwaway.drop(target)


def config_of(case: dict) -> LintConfig:
    if "config" not in case:
        return LintConfig()
    return LintConfig(exposed_schemas=tuple(case["config"]["exposed_schemas"]))  # the only key a case sets


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_lint_case(case, linted_database):
    result = lint_live(linted_database(case["sql"]), config_of(case))
    found = sorted(f.object for f in result.findings if f.name == case["rule"])
    assert found == sorted(case["expect"])


def test_every_rule_has_a_trigger_and_a_near_miss():
    for rule in RULES:
        cases = [c for c in CASES if c["rule"] == rule.name]
        assert any(c["expect"] for c in cases), f"{rule.name} has no triggering case"
        assert any(not c["expect"] for c in cases), f"{rule.name} has no near miss"


def test_generated_database_lints_clean_but_for_its_unscanned_index(baseline):
    result = lint_live(baseline, LintConfig())
    assert [(f.name, f.object) for f in result.findings] == [
        ("unused_index", "public.usage_records.usage_records_user_id_created_at_idx")]
    assert result.skipped == []


def test_project_schema_lints_clean_through_the_cli():
    result = run_cli("lint", "--fail-on", "info")
    assert result.code == 0, result.out + result.err
    assert "No findings." in result.out
    assert "unused_index not run" in result.out  # says why, instead of reporting a fresh database's zero scans


# --- schema.yaml: findings with lines, ignores, gen ---------------------------------------------------

VIOLATIONS = [
    # usage_records: a second SELECT policy with a bare auth.uid() (WARN x2), and RLS left on.
    ("      Users can read their own usage:\n",
     "      Users can read their own recent usage:\n        command: select\n        roles: [authenticated]\n"
     "        using: auth.uid() = user_id\n      Users can read their own usage:\n"),
    ("      - usage_records: Users can read their own usage\n",
     "      - usage_records: Users can read their own usage\n      - usage_records: Users can read their own recent usage\n"),
    # user_balances: RLS switched off under its policies (ERROR).
    ("    rls: {enabled: true}\n    policies:\n      Users can read their own balance:",
     "    rls: {enabled: false}\n    policies:\n      Users can read their own balance:"),
]


@pytest.fixture
def project(tmp_path) -> Path:
    shutil.copy(ROOT / "schema.yaml", tmp_path / "schema.yaml")
    shutil.copytree(ROOT / "generated", tmp_path / "generated")
    return tmp_path


def edit(project: Path, edits, extra: str = "") -> str:
    text = (project / "schema.yaml").read_text()
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    (project / "schema.yaml").write_text(text + extra)
    return text + extra


def line_of(text: str, needle: str, after: str = "") -> int:
    return text[: text.index(needle, text.index(after))].count("\n") + 1


def test_desired_state_findings_carry_schema_lines_in_every_format(project):
    text = edit(project, VIOLATIONS)
    result = run_cli("lint", "--format", "json", cwd=project)
    assert result.code == 1, result.err  # an ERROR, at the default --fail-on error
    document = json.loads(result.out)
    found = {(f["name"], f["object"], f["line"]) for f in document["findings"]}
    assert found == {
        ("policy_exists_rls_disabled", "public.user_balances", line_of(text, "    rls:", after="  user_balances:")),
        ("rls_disabled_in_public", "public.user_balances", line_of(text, "    rls:", after="  user_balances:")),
        ("auth_rls_initplan", 'public.usage_records."Users can read their own recent usage"',
         line_of(text, "      Users can read their own recent usage:")),
        ("multiple_permissive_policies", "public.usage_records", line_of(text, "    policies:", after="  usage_records:")),
    }
    assert document["summary"] == {"total": 4, "error": 2, "warn": 2, "info": 0, "ignored": 0}
    by_name = {f["name"]: f for f in document["findings"]}
    assert "rls: {enabled: true}" in by_name["rls_disabled_in_public"]["fix"]  # in schema.yaml terms
    assert by_name["auth_rls_initplan"]["remediation"].endswith("lint=0003_auth_rls_initplan")

    text_result = run_cli("lint", cwd=project)
    assert text_result.code == 1
    rls_line = line_of(text, "    rls:", after="  user_balances:")
    assert f"ERROR  policy_exists_rls_disabled  public.user_balances  (schema.yaml:{rls_line})" in text_result.out

    assert run_cli("lint", "--fail-on", "warn", cwd=project).code == 1
    sarif = run_cli("lint", "--format", "sarif", cwd=project)
    assert sarif.code == 1
    check_sarif(json.loads(sarif.out), expected_results=4)


def check_sarif(document: dict, expected_results: int) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(document, json.loads(SARIF_SCHEMA.read_text()))
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert len(run["results"]) == expected_results
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "schema.yaml" and location["region"]["startLine"] > 1


def test_a_definer_view_is_found_at_its_schema_yaml_line(project):
    # Written without its schema, as schema.yaml allows: the finding still finds the line.
    text = edit(project, [("  public.user_usage_daily:\n", "  user_usage_daily:\n    security_invoker: false\n")])
    sarif = run_cli("lint", "--format", "sarif", cwd=project)
    assert sarif.code == 1, sarif.err
    check_sarif(json.loads(sarif.out), expected_results=1)
    result = json.loads(sarif.out)["runs"][0]["results"][0]
    assert result["ruleId"] == "security_definer_view"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == line_of(text, "  user_usage_daily:")


def test_sarif_uri_of_a_schema_path_with_spaces_and_hash_is_a_uri_reference(project):
    edit(project, [("  public.user_usage_daily:\n", "  user_usage_daily:\n    security_invoker: false\n")])
    (project / "my dir #1").mkdir()
    (project / "schema.yaml").rename(project / "my dir #1" / "schema ü.yaml")
    sarif = run_cli("lint", "--format", "sarif", "--schema", "my dir #1/schema ü.yaml", cwd=project)
    assert sarif.code == 1, sarif.err
    location = json.loads(sarif.out)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "my%20dir%20%231/schema%20%C3%BC.yaml"


def test_default_privileges_letting_anon_write_are_found_at_their_line(project):
    text = edit(project, [("    tables: {anon: [], authenticated: []", "    tables: {anon: [select, insert], authenticated: []")])
    result = run_cli("lint", "--format", "json", "--fail-on", "warn", cwd=project)
    assert result.code == 1, result.err
    [finding] = json.loads(result.out)["findings"]
    assert (finding["name"], finding["object"], finding["level"]) == ("anon_writes_new_tables", "new tables in public", "WARN")
    assert finding["line"] == line_of(text, "    tables: {anon: [select, insert]")
    assert finding["metadata"]["privileges"] == ["INSERT"] and "default_privileges:" in finding["fix"]


def test_warnings_pass_the_default_threshold(project):
    edit(project, VIOLATIONS[:2])
    assert run_cli("lint", cwd=project).code == 0
    assert run_cli("lint", "--fail-on", "warn", cwd=project).code == 1


def test_ignores_need_a_reason_and_unused_ones_are_reported(project):
    edit(project, VIOLATIONS[:2], extra=(
        "\nlint:\n  ignore:\n"
        "    - rule: multiple_permissive_policies\n      object: usage_records\n      reason: merged next sprint\n"
        "    - rule: auth_rls_initplan\n      reason: measured, the table is small\n"
        "    - rule: no_primary_key\n      object: public.nothing_here\n      reason: stale\n"))
    result = run_cli("lint", "--format", "json", "--fail-on", "info", cwd=project)
    document = json.loads(result.out)
    assert [(f["name"], f["object"]) for f in document["findings"]] == [
        (UNUSED_IGNORE.name, "lint.ignore no_primary_key on public.nothing_here")]
    assert document["findings"][0]["line"] is not None
    assert {(i["name"], i["reason"]) for i in document["ignored"]} == {
        ("multiple_permissive_policies", "merged next sprint"), ("auth_rls_initplan", "measured, the table is small")}
    assert result.code == 1

    edit(project, [("      reason: stale\n", "")])
    result = run_cli("lint", cwd=project)
    assert result.code == 2 and result.out == ""
    assert "lint.ignore[2]: missing required key 'reason'" in result.err and "Traceback" not in result.err


def test_unknown_rule_in_ignore_is_a_user_error(project):
    edit(project, [], extra="\nlint:\n  ignore:\n    - rule: rls_disabled_in_publik\n      reason: x\n")
    for command in (["lint"], ["validate"]):
        result = run_cli(*command, cwd=project)
        assert result.code == 2 and "unknown lint rule 'rls_disabled_in_publik'" in result.err, result.err
        assert "did you mean 'rls_disabled_in_public'?" in result.err


def test_gen_reports_lint_findings_and_strict_blocks(project):
    edit(project, VIOLATIONS[2:])
    shutil.rmtree(project / "generated")
    strict = run_cli("gen", "--strict", cwd=project)
    assert strict.code == 1
    assert "policy_exists_rls_disabled" in strict.err and "gen --strict" in strict.err
    assert not (project / "generated").exists()  # nothing written
    first = run_cli("gen", cwd=project)  # the first rendering starts no database, so it only points at lint
    assert first.code == 0 and "`supaschema lint` checks it" in first.err, first.err
    assert len(list((project / "generated").glob("*.sql"))) == 6  # one file per entry of `migrations:`
    relaxed = run_cli("gen", "--name", "nothing", cwd=project)
    assert relaxed.code == 0, relaxed.err
    assert "lint: ERROR policy_exists_rls_disabled public.user_balances (schema.yaml:" in relaxed.err
    quiet = run_cli("gen", "--no-lint", "--name", "nothing", cwd=project)
    assert quiet.code == 0 and "lint:" not in quiet.err and "up to date" in quiet.out


# --- live databases: read-only, exit codes ----------------------------------------------------------

def test_lint_db_on_a_read_only_database_with_sarif_without_schema(server, linted_database, tmp_path):
    target = linted_database("CREATE TABLE public.notes (id bigint PRIMARY KEY, password text);"
                             "GRANT SELECT ON public.notes TO anon")
    dbname = target.url.rsplit("/", 1)[1]
    with psycopg.connect(server.url(), autocommit=True) as conn:
        conn.execute(f"ALTER DATABASE {dbname} SET default_transaction_read_only = on")
    result = run_cli("lint", "--db", target.url, "--format", "sarif", cwd=tmp_path)  # no schema.yaml here
    assert result.code == 1, result.err
    document = json.loads(result.out)
    rule_ids = {r["ruleId"] for r in document["runs"][0]["results"]}
    assert {"rls_disabled_in_public", "sensitive_columns_exposed", "unused_index"} <= rule_ids
    assert all("physicalLocation" not in r["locations"][0] for r in document["runs"][0]["results"])
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(document, json.loads(SARIF_SCHEMA.read_text()))


def test_lint_db_unreachable_is_exit_2():
    result = run_cli("lint", "--db", "postgresql://u:secret@127.0.0.1:1/x")
    assert result.code == 2 and "cannot reach the server" in result.err and "secret" not in result.err


def test_rules_are_pure_over_a_snapshot(baseline):
    """The same snapshot linted twice gives the same findings (no hidden state between runs)."""
    from supaschema.catalog.states import scope_for, snapshot_of

    snapshot = snapshot_of(baseline, scope_for(None))
    assert run_lints(snapshot, LintConfig()).findings == run_lints(snapshot, LintConfig()).findings


def test_each_overload_is_found_at_its_own_line(project):
    """Overloads are linted one by one (their findings name the argument types) and each finding points at
    the overload's own entry in the list, the name written without its schema."""
    overloads = ("  credit:\n"
                 "    - {arguments: p_user uuid, returns: void, language: sql, security_definer: true, search_path: '',\n"
                 "       body: SELECT 1, grant_execute_to: [anon]}\n"
                 "    - {arguments: 'p_user uuid, p_amount numeric', returns: void, language: sql, security_definer: true,\n"
                 "       search_path: '', body: SELECT 1, grant_execute_to: [anon]}\n"
                 "  public.set_updated_at:\n")
    text = edit(project, [("  public.set_updated_at:\n", overloads),
                          ("    functions: [public.set_updated_at, public.record_usage]",
                           "    functions: [public.set_updated_at, public.record_usage, public.credit]")])
    result = run_cli("lint", "--format", "json", "--fail-on", "error", cwd=project)
    found = {(f["object"], f["line"]) for f in json.loads(result.out)["findings"] if f["name"] == "anon_security_definer_function_executable"}
    assert found == {("public.credit(uuid)", line_of(text, "    - {arguments: p_user uuid")),
                     ("public.credit(uuid, numeric)", line_of(text, "    - {arguments: 'p_user uuid, p_amount"))}, result.out + result.err
