"""The `lint:` section of schema.yaml, and where each declared object sits in the file.

    lint:
      exposed_schemas: [public, api]        # schemas the Data API serves (default: [public])
      ignore:
        - rule: rls_enabled_no_policy       # every finding of this rule...
          object: public.audit_log          # ...or only this object's
          reason: written by service_role only

Read on its own from the YAML nodes (the spec loader only lets the key through), so the lint stage
keeps no state in the typed spec.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import Problem, UserError, excerpt
from ..spec.yaml_source import Source, closest, compose

LINT_KEYS = {"exposed_schemas", "ignore"}
IGNORE_KEYS, IGNORE_REQUIRED = {"rule", "object", "reason"}, {"rule", "reason"}
ANCHOR_DEPTH = 4  # tables.<t>.policies.<p> is as deep as an object is declared


@dataclass(frozen=True, slots=True)
class Ignore:
    rule: str
    object: str | None
    reason: str
    line: int


@dataclass(frozen=True, slots=True)
class LintConfig:
    exposed_schemas: tuple[str, ...] = ("public",)
    ignores: tuple[Ignore, ...] = ()
    lines: dict[tuple[str, ...], int] = field(default_factory=dict)  # yaml key path -> line
    filename: str | None = None  # the schema.yaml the lines refer to


def load_lint_config(path: Path, known_rules: set[str], *, required: bool = True) -> LintConfig:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if required:
            raise UserError(Problem(str(path), "file not found", "run from the project folder or pass --schema PATH")) from None
        return LintConfig()
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(Problem(str(path), f"cannot read: {exc}", "check the file's permissions and encoding (UTF-8)")) from None
    return parse_lint_config(text, str(path), known_rules)


def parse_lint_config(text: str, filename: str, known_rules: set[str]) -> LintConfig:
    root = compose(text, filename)
    if not isinstance(root, yaml.MappingNode):
        return LintConfig(filename=filename)
    source = Source(filename)
    section = next((value for key, value in root.value if isinstance(key, yaml.ScalarNode) and key.value == "lint"), None)
    exposed: tuple[str, ...] = ("public",)
    ignores: list[Ignore] = []
    if section is not None:
        f = source.fields(section, "lint", LINT_KEYS)
        if "exposed_schemas" in f:
            exposed = tuple(source.texts(f["exposed_schemas"], "lint.exposed_schemas"))
        if "ignore" in f:
            ignores = _ignores(source, f["ignore"], known_rules)
    source.raise_if_any()
    return LintConfig(exposed, tuple(ignores), _key_lines(root), filename)


def _ignores(source: Source, node: yaml.Node, known_rules: set[str]) -> list[Ignore]:
    result = []
    for i, item in enumerate(source.sequence(node, "lint.ignore")):
        path = f"lint.ignore[{i}]"
        f = source.fields(item, path, IGNORE_KEYS, IGNORE_REQUIRED)
        rule = source.text(f["rule"], f"{path}.rule") if "rule" in f else None
        reason = source.text(f["reason"], f"{path}.reason") if "reason" in f else None
        obj = source.text(f["object"], f"{path}.object") if "object" in f else None
        if rule is not None and rule not in known_rules:
            source.problem(f["rule"], f"{path}.rule", f"unknown lint rule {excerpt(rule)}", closest(rule, sorted(known_rules)))
            continue
        if reason is not None and not reason.strip():
            source.problem(f["reason"], f"{path}.reason", "the reason is empty", "say why this finding is accepted")
            continue
        if rule and reason:
            result.append(Ignore(rule, obj, reason, item.start_mark.line + 1))
    return result


def _key_lines(root: yaml.MappingNode) -> dict[tuple[str, ...], int]:
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
