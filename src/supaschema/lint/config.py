"""What lint takes from schema.yaml: the `lint:` section the spec loader read (spec/lint_section.py), its
rule names checked against the rules that exist, and where each declared object sits in the file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem, UserError, excerpt
from ..spec.loader import load_spec
from ..spec.model import LintIgnore, Spec
from ..spec.yaml_source import closest


@dataclass(frozen=True, slots=True)
class LintConfig:
    exposed_schemas: tuple[str, ...] = ("public",)
    ignores: tuple[LintIgnore, ...] = ()
    lines: dict[tuple[str, ...], int] = field(default_factory=dict)  # yaml key path -> line
    filename: str | None = None  # the schema.yaml the lines refer to


def lint_config(spec: Spec, known_rules: set[str]) -> LintConfig:
    unknown = [entry for entry in spec.lint.ignores if entry.rule not in known_rules]
    if unknown:
        raise UserError([Problem(f"{spec.source}:{entry.rule_line}", f"{entry.path}.rule: unknown lint rule {excerpt(entry.rule)}",
                                 closest(entry.rule, sorted(known_rules))) for entry in unknown])
    # An overload's line, under the key lint's findings name it by: (functions, schema.name, (argument types)).
    # (The name under its schema too: schema.yaml may write a public one bare.)
    listed = [f for f in spec.functions if f.overload is not None]
    names = {("functions", f.qualified_name): f.line for f in listed}
    overloads = {("functions", f.qualified_name, f"({', '.join(f.input_types)})"): f.line for f in listed}
    return LintConfig(spec.lint.exposed_schemas, spec.lint.ignores, {**names, **spec.key_lines, **overloads}, spec.source)


def load_lint_config(path: Path, known_rules: set[str], *, required: bool = True) -> LintConfig:
    """For `lint --db`, which needs no schema.yaml: without one, Supabase's defaults (`public` exposed)."""
    if not required and not path.exists():
        return LintConfig()
    return lint_config(load_spec(path), known_rules)
