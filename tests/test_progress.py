"""Progress on long work: a line on a terminal's standard error, nothing on a pipe or with --format json."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios

from supaschema.catalog.introspect import CATALOG_QUERIES

from .helpers import GENERATED, ROOT

DIFF = ["diff", "--schema", str(ROOT / "schema.yaml"), "--generated", str(GENERATED)]
# Build the shadow states for real (no cache), and show each step at once instead of after ~1s.
SLOW = {"SUPASCHEMA_NO_CACHE": "1", "SUPASCHEMA_PROGRESS_AFTER": "0"}


def run(args: list[str], env: dict, stderr_on_terminal: bool) -> tuple[int, str, str]:
    """The CLI with standard output on a pipe and standard error on a pseudo-terminal (or a pipe)."""
    full_env = {**os.environ, **env}
    command = [sys.executable, "-m", "supaschema", *args]
    if not stderr_on_terminal:
        proc = subprocess.run(command, capture_output=True, text=True, env=full_env, timeout=120, stdin=subprocess.DEVNULL)
        return proc.returncode, proc.stdout, proc.stderr
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 400, 0, 0))  # wide: no line is cut
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=terminal, stdin=subprocess.DEVNULL, env=full_env)
    os.close(terminal)
    seen = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    out = proc.stdout.read().decode()
    proc.wait(timeout=120)
    os.close(controller)
    return proc.returncode, out, seen.decode()


def test_a_terminal_sees_which_file_and_how_many_statements():
    code, out, terminal = run(DIFF, SLOW, stderr_on_terminal=True)
    assert code == 0 and "No drift" in out
    assert "applying 20251018000001_create_pricing_tables.sql (rendered from schema.yaml) (26 statements)" in terminal
    assert f"applying {GENERATED}/20251018000003_create_user_balance_trigger.sql (" in terminal
    assert "reading the catalog of shadow database" in terminal and f"query 1 of {CATALOG_QUERIES + 1}" in terminal  # + the seeded table
    assert terminal.endswith("\r\x1b[K")  # erased when done: the report is not mixed with it
    assert "\n" not in terminal.replace("\r\n", "")  # one line, rewritten in place


def test_a_pipe_and_json_see_nothing_extra():
    code, out, err = run(DIFF, SLOW, stderr_on_terminal=False)
    assert (code, err) == (0, "") and "No drift" in out
    code, out, terminal = run([*DIFF, "--format", "json"], SLOW, stderr_on_terminal=True)
    assert (code, terminal) == (0, "")
    assert json.loads(out)["summary"]["total"] == 0


def test_quick_work_shows_nothing_even_on_a_terminal():
    code, out, terminal = run(["validate", "--schema", str(ROOT / "schema.yaml")], {}, stderr_on_terminal=True)
    assert code == 0 and "ok" in out and terminal == ""


def test_errors_after_progress_start_on_a_clean_line():
    code, out, terminal = run(["diff", "--db", "postgresql://postgres@127.0.0.1:1/postgres",
                               "--schema", str(ROOT / "schema.yaml")], SLOW, stderr_on_terminal=True)
    assert code == 2 and out == ""
    assert "\r\x1b[Kerror: " in terminal or terminal.startswith("error: ")


def test_lint_for_tools_sees_nothing_extra():
    code, out, terminal = run(["lint", "--schema", str(ROOT / "schema.yaml"), "--format", "json"], SLOW, stderr_on_terminal=True)
    assert (code, terminal) == (0, "")
    json.loads(out)


def test_a_step_naming_a_hostile_table_stays_one_line():
    """A step may name a table from the database: its ESC, CR or newline must not reach the terminal."""
    import io

    from supaschema.progress import _Line

    stream = io.StringIO()
    line = _Line(stream, delay=0)
    line.steps[0] = ['seed rows of public."evil\x1b[2J\r\nname"', ""]
    line.draw()
    assert stream.getvalue().startswith("\r\x1b[K") and 'public."evil\\x1b[2J\\x0d\\x0aname"' in stream.getvalue()
    assert "\n" not in stream.getvalue() and stream.getvalue().count("\x1b") == 1
