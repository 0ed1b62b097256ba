"""Every lint rule, one module each (a module for a pair of twin rules holds RULES).

A new rule is a new module here plus its cases in tests/lint_cases.yaml.
"""

from __future__ import annotations

import importlib
import pkgutil

from ..model import Rule


def _load() -> tuple[Rule, ...]:
    rules: list[Rule] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        rules += getattr(module, "RULES", ()) or [module.RULE]
    return tuple(sorted(rules, key=lambda r: (r.source != "splinter", r.name)))


RULES: tuple[Rule, ...] = _load()
BY_NAME: dict[str, Rule] = {rule.name: rule for rule in RULES}
