"""The CI and pre-commit recipes: every supaschema command they run exists with those options
(read from the CLI itself), the hooks pass on this project, and the workflow fails without its secret."""

from __future__ import annotations

import re
import shlex
import subprocess

import pytest
import typer.main
import yaml

from supaschema.cli import app

from .helpers import ROOT, run_cli

HOOKS = ROOT / ".pre-commit-hooks.yaml"
CI_DOC = ROOT / "docs" / "ci.md"


def unknown_in(argv: list[str]) -> list[str]:
    """What in a supaschema command line the CLI would not accept: unknown commands and options."""
    assert argv[0] == "supaschema", argv
    command = typer.main.get_command(app)  # typer's click (vendored in recent typer): duck-typed here
    problems, words = [], iter(argv[1:])
    for word in words:
        if hasattr(command, "commands"):
            if word not in command.commands:
                problems.append(f"no command {word!r} in {' '.join(argv)}")
                break
            command = command.commands[word]
            continue
        option = next((p for p in command.params if p.param_type_name == "option" and word.split("=")[0] in (*p.opts, *p.secondary_opts)), None)
        if option is None:
            problems.append(f"{command.name} has no option or argument {word!r}")
        elif not option.is_flag and "=" not in word:
            next(words, None)  # its value
    if hasattr(command, "commands"):
        problems.append(f"{' '.join(argv)} names a group, not a command")
    return problems


def supaschema_lines(script: str) -> list[list[str]]:
    """The supaschema command lines of a shell script, without redirections."""
    found = []
    for line in script.replace("\\\n", " ").splitlines():
        words = shlex.split(line, comments=True)
        if words and words[0] == "supaschema":
            found.append([w for w in words[: next((i for i, w in enumerate(words) if w in (">", ">>", "|", "&&", "||")), len(words))]])
    return found


def hooks() -> list[dict]:
    return yaml.safe_load(HOOKS.read_text())


def workflow() -> dict:
    blocks = re.findall(r"```yaml\n(.*?)```", CI_DOC.read_text(), flags=re.S)
    parsed = [yaml.safe_load(block) for block in blocks]
    found = [doc for doc in parsed if isinstance(doc, dict) and "jobs" in doc]
    assert len(found) == 1, "docs/ci.md holds one workflow"
    return found[0]


def steps(job: dict) -> list[dict]:
    return job["steps"]


def run_lines(job: dict) -> list[list[str]]:
    return [argv for step in steps(job) if "run" in step for argv in supaschema_lines(step["run"])]


def test_the_checker_catches_what_does_not_exist():
    assert unknown_in(["supaschema", "gen", "--check"]) == []
    assert unknown_in(["supaschema", "diff", "--db", "$X", "--format", "json"]) == []
    assert unknown_in(["supaschema", "gen", "--chek"]) == ["gen has no option or argument '--chek'"]
    assert unknown_in(["supaschema", "lintt"])[0].startswith("no command 'lintt'")
    assert unknown_in(["supaschema", "dev"]) == ["supaschema dev names a group, not a command"]


def test_pre_commit_hooks_name_real_commands_and_pass_on_this_project():
    by_id = {hook["id"]: hook for hook in hooks()}
    assert set(by_id) == {"supaschema-validate", "supaschema-gen-check"}
    for hook in by_id.values():
        argv = shlex.split(hook["entry"]) + hook.get("args", [])
        assert unknown_in(argv) == [], hook["id"]
        assert hook["language"] == "python" and hook["pass_filenames"] is False
        assert re.search(hook["files"], "schema.yaml")
        result = run_cli(*argv[1:], cwd=ROOT)  # what pre-commit runs, in this project
        assert result.code == 0, (hook["id"], result.err)
    assert re.search(by_id["supaschema-gen-check"]["files"], "generated/20251018000001_create_pricing_tables.sql")


def test_workflow_runs_existing_commands():
    jobs = workflow()["jobs"]
    for name, job in jobs.items():
        for argv in run_lines(job):
            assert unknown_in(argv) == [], (name, argv)
    triggers = workflow().get("on", workflow().get(True))  # YAML 1.1 reads a bare `on` as true
    assert {"pull_request", "schedule"} <= set(triggers)
    pull_request = [j for j in jobs.values() if "pull_request" in j["if"] and "!=" not in j["if"]]
    scheduled = [j for j in jobs.values() if "!=" in j["if"]]
    assert len(pull_request) == len(scheduled) == 1
    assert ["supaschema", "gen", "--check"] in run_lines(pull_request[0])
    assert ["supaschema", "lint"] in run_lines(pull_request[0])
    diff = [argv for argv in run_lines(scheduled[0]) if argv[1] == "diff"]
    assert diff == [["supaschema", "diff", "--db", "$DATABASE_URL", "--format", "json"]]
    assert scheduled[0]["env"]["DATABASE_URL"] == "${{ secrets.DATABASE_URL }}"
    upload = next(s for s in steps(scheduled[0]) if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["if"] == "always()" and upload["with"]["path"] == "drift.json"
    assert "> drift.json" in next(s["run"] for s in steps(scheduled[0]) if "supaschema diff" in s.get("run", ""))


@pytest.mark.parametrize("secret, code", [("", 1), ("postgresql://postgres:pw@db.example.com:5432/postgres", 0)])
def test_scheduled_job_fails_without_its_secret(secret, code):
    """The guard step, run by bash as the runner runs it: a missing secret fails the job."""
    scheduled = next(j for j in workflow()["jobs"].values() if "!=" in j["if"])
    guard = steps(scheduled)[0]
    assert "supaschema" not in guard["run"]  # it comes before anything is installed or compared
    result = subprocess.run(["bash", "-e", "-c", guard["run"]], env={"DATABASE_URL": secret, "PATH": "/usr/bin:/bin"},
                            capture_output=True, text=True)
    assert result.returncode == code
    if code:
        assert "DATABASE_URL secret is not set" in result.stdout
