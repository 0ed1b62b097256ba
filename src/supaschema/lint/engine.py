"""Runs every rule over one snapshot, then applies schema.yaml's `lint.ignore` and line numbers."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..catalog import snapshot as snap
from ..spec.model import LintIgnore
from .config import LintConfig
from .model import LEVELS, WARN, Finding, Hit, LintContext, Rule
from .rules import BY_NAME, RULES

UNUSED_IGNORE = Rule(
    name="unused_lint_ignore", title="Lint LintIgnore Matches Nothing", level=WARN, categories=(),
    source="supaschema",
    description="An ignore entry that matches no finding hides nothing today and would silently hide a future "
                "finding it was never meant for.",
    fix="Remove the entry from `lint.ignore`.", fix_yaml="Remove the entry from `lint.ignore`.",
    check=lambda ctx: ())
ALL_RULES = (*RULES, UNUSED_IGNORE)


@dataclass(frozen=True, slots=True)
class LintResult:
    findings: list[Finding]
    ignored: list[tuple[Finding, LintIgnore]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (rule, why it did not run)

    def at_or_above(self, level: str) -> list[Finding]:
        return [f for f in self.findings if LEVELS.index(f.level) >= LEVELS.index(level)]


def run_lints(snapshot: snap.Snapshot, config: LintConfig, index_scans: dict | None = None) -> LintResult:
    ctx = LintContext(snapshot, config.exposed_schemas, index_scans)
    findings = [_finding(rule, hit, config) for rule in RULES for hit in rule.check(ctx)]
    kept, ignored, unused = _apply_ignores(findings, config.ignores)
    for entry in unused:
        target = f"{entry.rule} on {entry.object}" if entry.object else entry.rule
        kept.append(_finding(UNUSED_IGNORE, Hit(f"lint.ignore {target}", f"The ignore entry for {target} matches no "
                                                f"finding ({entry.reason}).", f"unused_lint_ignore_{target}",
                                                {"rule": entry.rule, "object": entry.object}), config, entry.line))
    kept.sort(key=lambda f: (-LEVELS.index(f.level), f.name, f.object))
    skipped = [] if index_scans is not None else [
        (rule.name, "needs the index usage statistics of a live database (`lint --db URL`, with pg_stat_user_indexes readable)")
        for rule in RULES if rule.needs_usage]
    return LintResult(kept, ignored, skipped)


def _finding(rule: Rule, hit: Hit, config: LintConfig, line: int | None = None) -> Finding:
    line = line or declared_line(hit.anchor, config.lines)
    return Finding(rule.name, rule.title, rule.level, rule.facing, rule.categories, rule.description, hit.detail,
                   rule.remediation, hit.metadata, hit.cache_key, hit.object,
                   rule.fix_yaml if line else rule.fix, line)


def declared_line(anchor: tuple[str, ...], lines: dict[tuple[str, ...], int]) -> int | None:
    """The line of the most precise key of `anchor` present in schema.yaml, if the object itself is declared."""
    if len(anchor) < 2:
        return None
    candidates = [anchor]
    if anchor[0] in ("functions", "views") and anchor[1].startswith("public."):
        candidates.append((anchor[0], anchor[1].removeprefix("public."), *anchor[2:]))  # written without schema
    for candidate in candidates:
        if candidate[:2] in lines:
            return next(lines[candidate[:n]] for n in range(len(candidate), 1, -1) if candidate[:n] in lines)
    return None


def _plain(name: str) -> str:
    return name.replace('"', "")


def matches(entry: LintIgnore, finding: Finding) -> bool:
    if entry.rule != finding.name:
        return False
    if entry.object is None:
        return True
    wanted, have = _plain(entry.object), _plain(finding.object)
    return have == wanted or have == f"public.{wanted}"


def _apply_ignores(findings: list[Finding], ignores: tuple[LintIgnore, ...]):
    kept, ignored, used = [], [], set()
    for finding in findings:
        entry = next((e for e in ignores if matches(e, finding)), None)
        if entry is None:
            kept.append(finding)
        else:
            ignored.append((finding, entry))
            used.add(entry)
    return kept, ignored, [e for e in ignores if e not in used]


def known_rule_names() -> set[str]:
    return set(BY_NAME)
