"""Agreement of `supaschema lint` with Supabase's published lint queries (splinter), rule by rule and
object by object, on the databases of tests/lint_cases.yaml (each built to trigger, or just miss, one rule).

    git clone https://github.com/supabase/splinter /tmp/splinter
    python bench/lint_agreement.py --splinter /tmp/splinter

splinter is read from that checkout at run time, never copied here. For each case database, each
splinter lint view whose rule we implement is run as a plain query (with `pgrst.db_schemas` set to the
exposed schemas, as PostgREST would) and its cache_keys are compared with ours: the cache_key names the
rule and the object (schema, table, policy, index, ...), so equal keys mean the same finding.
Not part of the test suite: it needs that checkout.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

import psycopg
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from supaschema.lint.config import LintConfig  # noqa: E402
from supaschema.lint.rules import RULES  # noqa: E402
from supaschema.lint.states import lint_live  # noqa: E402
from supaschema.postgres.server import LocalPostgres  # noqa: E402
from supaschema.postgres.shadow import on_local_server  # noqa: E402
from tests.helpers import committed_migrations  # noqa: E402

VIEW_HEAD = re.compile(r'^\s*create view lint\."[^"]+" as', re.I | re.M)


def splinter_queries(checkout: Path) -> dict[str, str]:
    """rule name -> the SELECT of its lint view."""
    wanted = {rule.name for rule in RULES if rule.source == "splinter"}
    queries = {}
    for path in sorted((checkout / "lints").glob("*.sql")):
        text = path.read_text()
        name = re.search(r"'([a-z0-9_]+)' as name", text)
        if name and name.group(1) in wanted:
            queries[name.group(1)] = VIEW_HEAD.sub("", text).strip().rstrip(";")
    return queries


def splinter_keys(url: str, queries: dict[str, str], exposed: list[str]) -> set[tuple[str, str]]:
    keys = set()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT set_config('pgrst.db_schemas', %s, false)", [",".join(exposed)])
        for name, query in queries.items():
            for (key,) in conn.execute(f"SELECT cache_key FROM ({query}) AS lint").fetchall():
                keys.add((name, key))
    return keys


def config_of(case: dict) -> LintConfig:
    if "config" not in case:
        return LintConfig()
    return LintConfig(exposed_schemas=tuple(case["config"]["exposed_schemas"]))  # the only key a case sets


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--splinter", type=Path, required=True, help="a checkout of github.com/supabase/splinter")
    args = parser.parse_args()
    queries = splinter_queries(args.splinter)
    cases = yaml.safe_load((ROOT / "tests" / "lint_cases.yaml").read_text())
    ours_by_rule: dict[str, set] = defaultdict(set)
    theirs_by_rule: dict[str, set] = defaultdict(set)
    server = LocalPostgres()
    server.start()
    try:
        throwaway = on_local_server(server)
        baseline = throwaway.create(committed_migrations(), prefix="agree")
        for case in [{"name": "generated/ as is", "sql": "SELECT 1"}, *cases]:
            target = throwaway.copy(baseline, prefix="agree")
            with psycopg.connect(target.url, autocommit=True) as conn:
                conn.execute(case["sql"])
            config = config_of(case)
            ours = {(f.name, f.cache_key) for f in lint_live(target, config).findings if f.name in queries}
            theirs = splinter_keys(target.url, queries, list(config.exposed_schemas))
            for name, key in ours:
                ours_by_rule[name].add((case["name"], key))
            for name, key in theirs:
                theirs_by_rule[name].add((case["name"], key))
            for name, key in sorted(ours ^ theirs):
                print(f"  {case['name']}: {'only ours' if (name, key) in ours else 'only splinter'}: {key}")
            throwaway.drop(target)
    finally:
        server.stop()
    rules_matched, findings, matched = 0, 0, 0
    for name in sorted(queries):
        ours, theirs = ours_by_rule[name], theirs_by_rule[name]
        same = ours == theirs
        rules_matched += same
        findings += len(ours | theirs)
        matched += len(ours & theirs)
        print(f"{'same' if same else 'DIFF'}  {name}: ours {len(ours)}, splinter {len(theirs)}, common {len(ours & theirs)}")
    print(f"rules matched: {rules_matched}/{len(queries)}; findings matched: {matched}/{findings} "
          f"over {len(cases) + 1} databases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
