"""How much of a peer's public diff corpus `supaschema diff --from A --to B` detects, beside migra.

    python bench/peer_corpus.py --pgschema CHECKOUT [--only create_table] [--verbose]

CHECKOUT is a clone (or a bare git directory) of github.com/pgschema/pgschema. Its testdata/diff holds
about 150 cases, each an old.sql and a new.sql of one schema change, and a diff.sql that is empty
when the two are the same schema. The corpus is read from that checkout at run time, never copied
here. For each case, both files are applied to fresh databases (with the Supabase stub, which both
sides share), then each tool compares them:
- detected: a change case that the tool reports as drift (supaschema rc 1; migra rc 2);
- missed: a change case reported as equal;
- false alarm: a same-schema case reported as drift;
- error: anything else (supaschema rc 2, a traceback, migra rc 1).
supaschema runs with `--roles all`, since the corpus grants to roles that no schema.yaml names.
migra runs when bench/run.py --install-peers has put it in .bench-cache/peers.
Not part of the test suite: it needs that checkout.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
MIGRA = ROOT / ".bench-cache" / "peers" / "migra" / "bin" / "migra"
SUPASCHEMA = [sys.executable, "-m", "supaschema"]
ROLES = ["--roles", "all"]

from supaschema.postgres.server import LocalPostgres  # noqa: E402
from supaschema.postgres.shadow import on_local_server  # noqa: E402


# pgschema's own harness connects as `testuser`; a case or two grants to it.
HARNESS_ROLES = "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'testuser') THEN CREATE ROLE testuser; END IF; END $$;"


@dataclass
class Case:
    name: str
    old: str
    new: str
    changes: bool  # diff.sql is not empty
    setup: str  # setup.sql, applied to both sides first (extensions, schemas the case assumes)


class Corpus:
    """The cases of testdata/diff, read from a work tree or straight from a git directory."""

    def __init__(self, checkout: Path):
        self.checkout = checkout
        self.git = not (checkout / "testdata").is_dir()

    def _files(self) -> list[str]:
        if not self.git:
            return [str(p.relative_to(self.checkout)) for p in (self.checkout / "testdata" / "diff").rglob("*.sql")]
        out = subprocess.run(["git", "-C", str(self.checkout), "ls-tree", "-r", "--name-only", "HEAD", "testdata/diff"],
                             capture_output=True, text=True, check=True).stdout
        return out.split()

    def _read(self, path: str) -> str:
        if not self.git:
            return (self.checkout / path).read_text()
        return subprocess.run(["git", "-C", str(self.checkout), "show", f"HEAD:{path}"],
                              capture_output=True, text=True, check=True).stdout

    def cases(self, only: str | None) -> list[Case]:
        folders = sorted({p.rsplit("/", 1)[0] for p in self._files() if p.endswith("/old.sql")})
        result = []
        for folder in folders:
            name = folder.removeprefix("testdata/diff/")
            if only and not name.startswith(only):
                continue
            diff, setup = (self._read(f"{folder}/{f}") if f"{folder}/{f}" in self._files_set() else ""
                           for f in ("diff.sql", "setup.sql"))
            result.append(Case(name, self._read(f"{folder}/old.sql"), self._read(f"{folder}/new.sql"), bool(diff.strip()),
                               setup))
        return result

    def _files_set(self) -> set[str]:
        if not hasattr(self, "_cached"):
            self._cached = set(self._files())
        return self._cached


def supaschema_verdict(a: str, b: str) -> tuple[str, str]:
    proc = subprocess.run([*SUPASCHEMA, "diff", "--from", a, "--to", b, *ROLES],
                          capture_output=True, text=True, timeout=120)
    output = proc.stdout + proc.stderr
    if proc.returncode == 1:
        return "drift", output
    if proc.returncode == 0:
        return "same", output
    return "error", output


def migra_verdict(a: str, b: str) -> tuple[str, str]:
    proc = subprocess.run([str(MIGRA), "--unsafe", "--with-privileges", a, b], capture_output=True, text=True, timeout=120)
    return {2: "drift", 0: "same"}.get(proc.returncode, "error"), proc.stdout + proc.stderr


def outcome(verdict: str, changes: bool) -> str:
    if verdict == "error":
        return "error"
    if changes:
        return "detected" if verdict == "drift" else "missed"
    return "false alarm" if verdict == "drift" else "quiet"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pgschema", type=Path, required=True, help="a checkout of github.com/pgschema/pgschema")
    parser.add_argument("--only", help="run only the cases whose name starts with this")
    parser.add_argument("--verbose", action="store_true", help="print each tool's output for misses and errors")
    args = parser.parse_args()
    cases = Corpus(args.pgschema).cases(args.only)
    tools = {"supaschema": supaschema_verdict}
    if MIGRA.exists():
        tools["migra"] = migra_verdict
    totals = {tool: Counter() for tool in tools}
    unbuildable = []
    server = LocalPostgres()
    server.start()
    try:
        throwaway = on_local_server(server)
        for case in cases:
            try:
                setup = [(n, sql) for n, sql in [("roles", HARNESS_ROLES), ("setup.sql", case.setup)] if sql]
                a = throwaway.create([*setup, ("old.sql", case.old)], prefix="peer")
                b = throwaway.create([*setup, ("new.sql", case.new)], prefix="peer")
            except Exception as error:  # noqa: BLE001 - a case this server cannot build is counted, not fatal
                unbuildable.append(case.name)
                print(f"{case.name}: not built on this server: {str(error).splitlines()[0][:160]}")
                continue
            line = []
            for tool, verdict_of in tools.items():
                verdict, output = verdict_of(a.url, b.url)
                result = outcome(verdict, case.changes)
                totals[tool][result] += 1
                line.append(f"{tool} {result}")
                if args.verbose and result in ("missed", "error", "false alarm"):
                    print(f"--- {tool} on {case.name}:\n{output.strip()[-1500:]}")
            print(f"{case.name} ({'change' if case.changes else 'same schema'}): {'; '.join(line)}", flush=True)
            throwaway.drop(a)
            throwaway.drop(b)
    finally:
        server.stop()
    changes = sum(c.changes for c in cases if c.name not in unbuildable)
    same = len(cases) - len(unbuildable) - changes
    print(f"\n{len(cases)} cases: {changes} changes, {same} same-schema, {len(unbuildable)} not built")
    for tool, counts in totals.items():
        print(f"{tool}: detected {counts['detected']}/{changes}, missed {counts['missed']}, "
              f"false alarms {counts['false alarm']}/{same}, errors {counts['error']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
