"""Helpers shared by the tests: the committed migrations and the CLI as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from supaschema.postgres.server import find_all_binaries

ROOT = Path(__file__).resolve().parents[1]
GENERATED = ROOT / "generated"


def committed_migrations() -> list[tuple[str, str]]:
    return [(p.name, p.read_text("utf-8")) for p in sorted(GENERATED.glob("*.sql"))]


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def run_cli(*args: str, cwd: Path = ROOT, env: dict | None = None, timeout: float = 120) -> CliResult:
    """The real command, as a user runs it: separate process, real exit code and streams."""
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.run([sys.executable, "-m", "supaschema", *args], cwd=cwd, capture_output=True, text=True,
                          env=full_env, timeout=timeout, stdin=subprocess.DEVNULL)
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def available_majors() -> list[int]:
    return [b.major for b in find_all_binaries()]
