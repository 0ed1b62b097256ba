"""Bad input refused by the CLI itself: exit 2, one message, no traceback, and generated/ byte-identical.

Migration names and versions (ASCII only, nothing after a newline), files in the migration folder,
and a damaged cache, which must never turn into a crash.
"""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

from supaschema.errors import UserError
from supaschema.render.files import check_migration_name, list_migrations

from .helpers import ROOT, run_cli

BAD_NAMES = [
    ("trailing-newline", "x\n"),
    ("inner-newline", "add\nprices"),
    ("arabic-indic-digit", "add_\u0663"),
    ("dotless-i", "pr\u0131ces"),
    ("uppercase", "AddPrices"),
    ("path", "../escape"),
    ("empty", ""),
    ("too-long", "a" * 101),
]


def project(tmp_path: Path, *, baseline: bool = True) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    shutil.copy(ROOT / "schema.yaml", folder / "schema.yaml")
    shutil.copytree(ROOT / "templates", folder / "templates")
    (folder / "generated").mkdir()
    if baseline:
        for path in (ROOT / "generated").glob("*.sql"):
            shutil.copy(path, folder / "generated" / path.name)
    return folder


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def refused(result, fragment: str) -> None:
    assert result.code == 2, (result.code, result.out, result.err)
    assert fragment in result.err, result.err
    assert "Traceback" not in result.err + result.out


@pytest.mark.parametrize("name", [n for _, n in BAD_NAMES], ids=[i for i, _ in BAD_NAMES])
def test_bad_migration_name_is_refused(name):
    with pytest.raises(UserError) as caught:
        check_migration_name(name)
    assert "lowercase ASCII letters" in caught.value.problems[0].fix
    assert len(str(caught.value)) < 400


@pytest.mark.parametrize("baseline", [True, False], ids=["after-baseline", "empty-folder"])
@pytest.mark.parametrize("name", ["x\n", "add_\u0663", "a" * 101], ids=["trailing-newline", "arabic-indic-digit", "too-long"])
def test_gen_refuses_a_bad_name_and_writes_nothing(tmp_path, name, baseline):
    folder = project(tmp_path, baseline=baseline)
    before = files_of(folder / "generated")
    result = run_cli("gen", "--name", name, cwd=folder)
    refused(result, "is not a valid migration name")
    assert "lowercase ASCII letters" in result.err
    assert files_of(folder / "generated") == before


def test_plan_write_refuses_a_bad_name_before_connecting(tmp_path):
    name = "x\n"
    folder = project(tmp_path)
    before = files_of(folder / "generated")
    result = run_cli("plan", "--db", "postgresql://nobody@127.0.0.1:1/none", "--write", name, cwd=folder)
    refused(result, "is not a valid migration name")
    assert files_of(folder / "generated") == before


BAD_FILES = [
    ("arabic-indic-version", "\u0662\u0660\u0662\u0665\u0661\u0660\u0661\u0668\u0660\u0660\u0660\u0660\u0660\u0665_x.sql"),
    ("fullwidth-version", "\uff12\uff10\uff12\uff15\uff11\uff10\uff11\uff18\uff10\uff10\uff10\uff10\uff10\uff15_x.sql"),
    ("newline-in-name", "20251018000005_x\n.sql"),
]


@pytest.mark.parametrize("filename", [f for _, f in BAD_FILES], ids=[i for i, _ in BAD_FILES])
def test_a_file_with_a_non_ascii_version_is_not_a_migration(tmp_path, filename):
    (tmp_path / filename).write_text("SELECT 1;\n")
    with pytest.raises(UserError) as caught:
        list_migrations(tmp_path)
    assert caught.value.problems[0].what == "not a migration file name"


@pytest.mark.parametrize("command", [["gen", "--check"], ["push", "--db", "postgresql://nobody@127.0.0.1:1/none"]],
                         ids=["gen-check", "push"])
def test_cli_refuses_a_folder_with_a_non_ascii_version(tmp_path, command):
    folder = project(tmp_path)
    filename = BAD_FILES[0][1]
    (folder / "generated" / filename).write_text("SELECT 1;\n")
    before = files_of(folder / "generated")
    result = run_cli(*command, cwd=folder)
    refused(result, "not a migration file name")
    assert files_of(folder / "generated") == before


def _damage(entries: list[Path]) -> None:
    """Each entry damaged a different way: truncated, garbage, empty, a pickle of the wrong type, of a broken class."""
    ways = [
        lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),
        lambda p: p.write_bytes(b"\x80\x05not a pickle at all"),
        lambda p: p.write_bytes(b""),
        lambda p: p.write_bytes(pickle.dumps({"not": "a spec"})),
        lambda p: p.write_bytes(b"\x80\x04\x95\x1c\x00\x00\x00\x00\x00\x00\x00\x8c\x0bsupaschema_\x94\x8c\x07Nothing\x94\x93\x94."),
    ]
    for i, entry in enumerate(entries):
        ways[i % len(ways)](entry)


CACHED_COMMANDS = [
    ("validate", ["validate"], 0, "schema.yaml: ok"),
    ("gen", ["gen"], 0, "up to date"),
    ("diff", ["diff"], 0, "No drift"),
]


@pytest.mark.parametrize("case", CACHED_COMMANDS, ids=[c[0] for c in CACHED_COMMANDS])
def test_a_damaged_cache_is_a_miss_not_a_crash(tmp_path, case):
    _, command, code, fragment = case
    folder = project(tmp_path)
    env = {"SUPASCHEMA_CACHE_DIR": str(tmp_path / "cache")}
    first = run_cli(*command, cwd=folder, env=env)
    assert first.code == code and fragment in first.out, first.err
    entries = sorted((tmp_path / "cache").rglob("*.pickle"))
    assert entries
    _damage(entries)
    again = run_cli(*command, cwd=folder, env=env)
    assert (again.code, again.out) == (first.code, first.out), again.err
    assert "Traceback" not in again.err
    # An error stays an error, with its message, whatever the cache holds.
    _damage(sorted((tmp_path / "cache").rglob("*.pickle")))
    schema = folder / "schema.yaml"
    schema.write_text(schema.read_text().replace("[openai, gpt-4o, 0.0025, 0.01]", "[openai, gpt-4o, cheap, 0.01]"))
    before = files_of(folder / "generated")
    broken = run_cli(*command, cwd=folder, env=env)
    refused(broken, "'cheap' is not a number")
    assert files_of(folder / "generated") == before
