"""The benchmark: supaschema against migra and pg-delta on synthetic projects of N tables.

    python bench/run.py                      # N = 100, 1000, 5000; 5 runs each; peers if installed
    python bench/run.py --install-peers      # first install migra and pg-delta into .bench-cache/peers
    python bench/run.py --sizes 1000 --runs 3

Every command is timed as a whole process (wall time, median of the runs) with its peak
memory (the child's max RSS from wait4). Databases run on the package's own throwaway
PostgreSQL. Each tool must find the planted drifts, so a fast wrong answer cannot win.
Not part of the test suite: it takes minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = ROOT / ".bench-cache"
PEERS = CACHE / "peers"
sys.path.insert(0, str(HERE))

from synthetic import drift_sql, expected_drift_objects, schema_yaml  # noqa: E402

from supaschema.postgres.server import LocalPostgres  # noqa: E402
from supaschema.postgres.shadow import on_local_server  # noqa: E402

SUPASCHEMA = [sys.executable, "-m", "supaschema"]
MIGRA = PEERS / "migra" / "bin" / "migra"
PGDELTA = PEERS / "pgdelta" / "node_modules" / ".bin" / "pgdelta"
PGDELTA_VERSION = "1.0.0-alpha.34"


@dataclass
class Timing:
    wall: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    output: str = ""
    code: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def peak_mb(self) -> float:
        return max(self.rss_kb) / 1024


GNU_TIME = Path("/usr/bin/time").exists()


def measure(argv: list[str], runs: int, cwd: Path | None = None, env: dict | None = None, before=None) -> Timing:
    """Wall time around the whole process; peak RSS from GNU time, whose own tiny process is what
    the command forks from (a child forked from this runner would count the runner's memory too)."""
    timing = Timing()
    for _ in range(runs):
        if before:
            before()
        with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
            wrapped = ["/usr/bin/time", "-q", "-f", "%M", "-o", rss.name, *argv] if GNU_TIME else argv
            start = time.perf_counter()
            proc = subprocess.run(wrapped, cwd=cwd, env={**os.environ, **(env or {})},
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            timing.wall.append(time.perf_counter() - start)
            text = rss.read().strip().splitlines()
            timing.rss_kb.append(int(text[-1]) if text and text[-1].isdigit() else 0)
        timing.output, timing.code = proc.stdout, proc.returncode
    return timing


def compile_bytecode() -> None:
    """Compile supaschema's modules once, as installing it does (pip writes the .pyc files). A source
    checkout under PYTHONDONTWRITEBYTECODE (set on many CI and development machines) would otherwise
    compile every module again in every timed process: about 0.1 s that no installed copy pays."""
    import compileall

    import supaschema

    compileall.compile_dir(Path(supaschema.__file__).parent, quiet=1)


def install_peers() -> None:
    PEERS.mkdir(parents=True, exist_ok=True)
    if not MIGRA.exists():
        print("installing migra into", PEERS / "migra", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(PEERS / "migra")], check=False)
        subprocess.run([str(PEERS / "migra" / "bin" / "pip"), "install", "-q", "migra", "sqlalchemy<2", "psycopg2-binary"], check=False)
    if not PGDELTA.exists() and shutil.which("npm"):
        print("installing pg-delta into", PEERS / "pgdelta", flush=True)
        subprocess.run(["npm", "install", "--silent", "--prefix", str(PEERS / "pgdelta"), f"@supabase/pg-delta@{PGDELTA_VERSION}"], check=False)


@dataclass
class Project:
    n: int
    folder: Path
    a_url: str
    b_url: str
    build_s: float


def build_project(n: int, throwaway) -> Project:
    folder = CACHE / f"n{n}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "schema.yaml").write_text(schema_yaml(n))
    subprocess.run([*SUPASCHEMA, "gen", "--templates", str(ROOT / "templates")], cwd=folder, check=True, capture_output=True)
    start = time.perf_counter()
    files = [(p.name, p.read_text()) for p in sorted((folder / "generated").glob("*.sql"))]
    a = throwaway.create(files, prefix=f"a{n}")
    build_s = time.perf_counter() - start
    b = throwaway.copy(a, prefix=f"b{n}")
    with psycopg.connect(b.url, autocommit=True) as conn:
        conn.execute(drift_sql(n))
    return Project(n, folder, a.url, b.url, build_s)


def found_all(n: int, output: str, tool: str, with_seeds: bool = False) -> bool:
    """Did the tool report the planted column and policy drift (and, for us, every planted drift, exactly)?"""
    if tool == "supaschema":
        try:
            found = {d["object"] for d in json.loads(output)["drift"]}
        except (ValueError, KeyError):
            return False
        return found == expected_drift_objects(n, with_seeds)
    # The peers compare schema only (no seed rows, no grants by default): the column and the policy.
    table_col = f"t{n // 2:05d}"
    table_pol = f"t{n // 3:05d}"
    return table_col in output and "note" in output and table_pol in output and "owner reads" in output


def seed_cost(project: Project, runs: int) -> float:
    """Extra seconds a diff spends on the 10,000 seeded rows (both sides read and compared), in-process."""
    from supaschema.drift.compare import compare
    from supaschema.postgres.connection import Target
    from supaschema.catalog.introspect import Scope, SeedScope
    from supaschema.catalog.states import snapshot_of

    with_seeds = Scope(seeds=(SeedScope("public", "prices", ("sku",), ("sku", "price", "label")),))
    costs = []
    for _ in range(runs):
        timings = []
        for scope in (Scope(), with_seeds):
            start = time.perf_counter()
            compare(snapshot_of(Target(project.a_url, "a"), scope), snapshot_of(Target(project.b_url, "b"), scope))
            timings.append(time.perf_counter() - start)
        costs.append(timings[1] - timings[0])
    return statistics.median(costs)


def bench_size(project: Project, runs: int) -> dict[str, Timing | float | int]:
    n, folder = project.n, project.folder
    results: dict = {}
    results["help"] = measure([*SUPASCHEMA, "--help"], runs)
    gen_out = Path(tempfile.mkdtemp(prefix="gen-"))
    gen = [*SUPASCHEMA, "gen", "--out", str(gen_out), "--templates", str(ROOT / "templates")]
    results["gen_cold"] = measure(gen, runs, cwd=folder, env={"SUPASCHEMA_NO_CACHE": "1"},
                                  before=lambda: shutil.rmtree(gen_out, ignore_errors=True))
    # The very first run: not even the compiled templates, which "gen (cold)" keeps like .pyc files.
    first_cache = CACHE / "first-run-cache"
    results["gen_first"] = measure(gen, runs, cwd=folder, env={"SUPASCHEMA_NO_CACHE": "1", "SUPASCHEMA_CACHE_DIR": str(first_cache)},
                                   before=lambda: [shutil.rmtree(p, ignore_errors=True) for p in (gen_out, first_cache)])
    results["gen"] = measure(gen, runs, cwd=folder, before=lambda: shutil.rmtree(gen_out, ignore_errors=True))
    results["diff_from_to"] = measure([*SUPASCHEMA, "diff", "--from", project.a_url, "--to", project.b_url, "--format", "json"], runs)
    results["queries"] = json.loads(results["diff_from_to"].output)["stats"]["catalog_queries"]
    results["ok_supaschema"] = found_all(n, results["diff_from_to"].output, "supaschema")
    warm_env = {"SUPASCHEMA_CACHE_DIR": str(CACHE / "shadow-cache")}
    measure([*SUPASCHEMA, "diff", "--db", project.b_url], 1, cwd=folder, env=warm_env)  # make the cache
    results["diff_db_warm"] = measure([*SUPASCHEMA, "diff", "--db", project.b_url, "--format", "json"], runs, cwd=folder, env=warm_env)
    results["ok_diff_db"] = found_all(n, results["diff_db_warm"].output, "supaschema", with_seeds=True)
    cold_dir = CACHE / "cold-cache"
    results["diff_db_cold"] = measure([*SUPASCHEMA, "diff", "--db", project.b_url], runs, cwd=folder,
                                      env={"SUPASCHEMA_CACHE_DIR": str(cold_dir)},
                                      before=lambda: shutil.rmtree(cold_dir, ignore_errors=True))
    results["plan"] = measure([*SUPASCHEMA, "plan", "--db", project.b_url], runs, cwd=folder, env=warm_env)
    results["seed_cost"] = seed_cost(project, runs)
    if MIGRA.exists():
        to_psycopg2 = lambda url: url.replace("postgresql://", "postgresql+psycopg2://", 1)  # noqa: E731
        results["migra"] = measure([str(MIGRA), "--unsafe", to_psycopg2(project.a_url), to_psycopg2(project.b_url)], runs)
        results["ok_migra"] = found_all(n, results["migra"].output, "migra")
    if PGDELTA.exists():
        results["pgdelta"] = measure([str(PGDELTA), "diff", "--source", project.a_url, "--desired", project.b_url], runs)
        results["ok_pgdelta"] = found_all(n, results["pgdelta"].output, "pgdelta")
    shutil.rmtree(gen_out, ignore_errors=True)
    return results


def cell(timing: Timing | None) -> str:
    if not timing:
        return "skipped"
    return f"{timing.median:.2f}s {timing.peak_mb:.0f}MB" if timing.peak_mb else f"{timing.median:.2f}s"


def report(all_results: dict[int, dict], projects: dict[int, Project], runs: int, server_major: int) -> str:
    lines = [
        f"supaschema benchmark: {runs} runs per command, medians; peak RSS of the process",
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, PostgreSQL {server_major}",
        "",
        "| N | gen (cold) | gen | diff --from/--to | diff --db warm | diff --db cold | plan | --help | migra | pg-delta | vs migra | vs pg-delta | queries | seed rows | all found |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n, r in all_results.items():
        ours = r["diff_from_to"]
        migra, pgdelta = r.get("migra"), r.get("pgdelta")
        def ratio(peer: Timing | None, ours: Timing = ours) -> str:
            if not peer:
                return "n/a"
            memory = f", {peer.peak_mb / ours.peak_mb:.1f}x less memory" if ours.peak_mb and peer.peak_mb else ""
            return f"{peer.median / ours.median:.1f}x faster{memory}"

        found = all(v for k, v in r.items() if k.startswith("ok_"))
        lines.append(
            f"| {n} | {cell(r['gen_cold'])} | {cell(r['gen'])} | {cell(ours)} | {cell(r['diff_db_warm'])} | {cell(r['diff_db_cold'])} | {cell(r['plan'])} "
            f"| {cell(r['help'])} | {cell(migra)} | {cell(pgdelta)} | {ratio(migra)} | {ratio(pgdelta)} | {r['queries']} "
            f"| +{r['seed_cost']:.2f}s | {'yes' if found else 'NO: ' + ', '.join(k for k, v in r.items() if k.startswith('ok_') and not v)} |")
    sizes = list(all_results)
    if len(sizes) >= 2:
        small, big = sizes[-2], sizes[-1]
        growth = all_results[big]["diff_from_to"].median / all_results[small]["diff_from_to"].median
        lines.append("")
        lines.append(f"diff --from/--to grows {growth:.1f}x from N={small} to N={big} ({big / small:.0f}x the tables); "
                     f"catalog queries: {', '.join(str(all_results[s]['queries']) for s in sizes)}")
    lines.append("gen (cold) with no compiled templates either, the very first run: " +
                 ", ".join(f"{all_results[n]['gen_first'].median:.2f}s at N={n}" for n in all_results))
    lines.append("setup (not timed above): building database A took " +
                 ", ".join(f"{projects[n].build_s:.1f}s at N={n}" for n in all_results))
    if not GNU_TIME:
        lines.append("peak memory not measured: install GNU time (Debian: apt-get install time)")
    if not MIGRA.exists() or not PGDELTA.exists():
        lines.append("peers not installed were skipped: run with --install-peers (needs PyPI, and npm for pg-delta)")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000,5000", help="comma-separated table counts")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--install-peers", action="store_true", help="install migra and pg-delta into .bench-cache/peers first")
    args = parser.parse_args()
    if args.install_peers:
        install_peers()
    compile_bytecode()
    sizes = [int(s) for s in args.sizes.split(",")]
    results, projects = {}, {}
    with LocalPostgres() as server:
        throwaway = on_local_server(server)
        for n in sizes:
            print(f"N={n}: building the project and its databases...", flush=True)
            projects[n] = build_project(n, throwaway)
            print(f"N={n}: timing ({args.runs} runs per command)...", flush=True)
            results[n] = bench_size(projects[n], args.runs)
        print()
        print(report(results, projects, args.runs, server.binaries.major))


if __name__ == "__main__":
    main()
