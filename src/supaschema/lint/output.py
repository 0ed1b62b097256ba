"""A lint result as text for people or JSON for tools (docs/lint-json.md); SARIF lives in sarif.py."""

from __future__ import annotations

import json

from ..errors import printable
from .engine import LintResult
from .model import LEVELS

JSON_VERSION = 1


def summary(result: LintResult) -> dict[str, int]:
    counts = {level.lower(): sum(f.level == level for f in result.findings) for level in reversed(LEVELS)}
    return {"total": len(result.findings), **counts, "ignored": len(result.ignored)}


def to_text(result: LintResult, target: str, spec_file: str = "schema.yaml") -> str:
    lines = [f"lint: {printable(target)}", ""]
    for f in result.findings:
        where = f"  ({spec_file}:{f.line})" if f.line else ""
        lines += [f"{f.level:<5}  {f.name}  {printable(f.object)}{where}",
                  f"  {printable(f.detail)}", f"  why: {f.description}", f"  fix: {f.fix}", f"  see: {f.remediation}", ""]
    counts = summary(result)
    if not result.findings:
        lines.append("No findings.")
    else:
        lines.append(f"{counts['total']} finding(s): {counts['error']} error, {counts['warn']} warn, {counts['info']} info")
    if result.ignored:
        lines.append(f"{len(result.ignored)} ignored by lint.ignore in schema.yaml")
    for rule, why in result.skipped:
        lines.append(f"{rule} not run: {why}")
    return "\n".join(lines) + "\n"


def to_json(result: LintResult, target: str) -> str:
    document = {
        "version": JSON_VERSION,
        "target": target,
        "summary": summary(result),
        "findings": [f.to_dict() for f in result.findings],
        "ignored": [{"name": f.name, "object": f.object, "reason": entry.reason, "line": entry.line}
                    for f, entry in result.ignored],
        "skipped": [{"name": rule, "reason": why} for rule, why in result.skipped],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def to_brief(result: LintResult, spec_file: str) -> str:
    """One line per finding, for gen's standard error."""
    lines = []
    for f in result.findings:
        where = f"{spec_file}:{f.line}" if f.line else f.object
        lines.append(f"lint: {f.level} {f.name} {printable(f.object)} ({printable(where)}): {printable(f.detail)}\n    fix: {f.fix}")
    return "\n".join(lines) + ("\n" if lines else "")
