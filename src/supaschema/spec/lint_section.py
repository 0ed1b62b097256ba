"""The `lint:` section: which schemas the Data API serves, and the findings accepted, each with a reason.

    lint:
      exposed_schemas: [public, api]        # schemas the Data API serves (default: [public])
      ignore:
        - rule: rls_enabled_no_policy       # every finding of this rule...
          object: public.audit_log          # ...or only this object's
          reason: written by service_role only

Read here for its shape; whether a rule name exists is the lint stage's to say (lint/config.py).
Also here: where each declared object's keys sit in the file, so a lint finding points at its line.
"""

from __future__ import annotations

import yaml

from . import model as s
from .reading import Reader

LINT_KEYS = {"exposed_schemas", "ignore"}
IGNORE_KEYS, IGNORE_REQUIRED = {"rule", "object", "reason"}, {"rule", "reason"}
ANCHOR_DEPTH = 4  # tables.<t>.policies.<p> is as deep as an object is declared


def read_lint(r: Reader, node: yaml.Node) -> s.LintSection:
    f = r.src.fields(node, "lint", LINT_KEYS)
    exposed = tuple(r.src.texts(f["exposed_schemas"], "lint.exposed_schemas")) if "exposed_schemas" in f else ("public",)
    ignores = _ignores(r, f["ignore"]) if "ignore" in f else ()
    return s.LintSection(exposed, ignores)


def _ignores(r: Reader, node: yaml.Node) -> tuple[s.LintIgnore, ...]:
    result = []
    for i, item in enumerate(r.src.sequence(node, "lint.ignore")):
        path = f"lint.ignore[{i}]"
        f = r.src.fields(item, path, IGNORE_KEYS, IGNORE_REQUIRED)
        rule = r.src.text(f["rule"], f"{path}.rule") if "rule" in f else None
        reason = r.src.text(f["reason"], f"{path}.reason") if "reason" in f else None
        obj = r.src.text(f["object"], f"{path}.object") if "object" in f else None
        if reason is not None and not reason.strip():
            r.src.problem(f["reason"], f"{path}.reason", "the reason is empty", "say why this finding is accepted")
            continue
        if rule and reason:
            result.append(s.LintIgnore(rule, obj, reason, item.start_mark.line + 1, f["rule"].start_mark.line + 1, path))
    return tuple(result)


def key_lines(root: yaml.MappingNode) -> dict[tuple[str, ...], int]:
    """The line of every mapping key down to ANCHOR_DEPTH: ("tables", "t", "policies", "p") -> 57."""
    lines: dict[tuple[str, ...], int] = {}

    def walk(node: yaml.Node, prefix: tuple[str, ...]) -> None:
        if len(prefix) >= ANCHOR_DEPTH or not isinstance(node, yaml.MappingNode):
            return
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                path = (*prefix, key.value)
                lines.setdefault(path, key.start_mark.line + 1)
                walk(value, path)

    walk(root, ())
    return lines
