"""A plan -> one migration file of SQL, through templates/plan.sql.j2 and templates/plan/<action>.sql.j2."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

from ..errors import Problem, UserError
from .operations import Operation, Plan, hazard_counts
from ..render.migrations import environment


@dataclass(frozen=True, slots=True)
class Statement:
    comment: str
    sql: str


def render_plan(plan: Plan, templates: Path, title: str, allow_destructive: bool = False) -> str:
    env = environment(templates)
    try:
        statements = [_statement(env, op, allow_destructive) for op in plan.operations]
        skipped = 0 if allow_destructive else sum(op.destructive for op in plan.operations)
        text = env.get_template("plan.sql.j2").render(
            title=title, statements=statements, hazards=hazard_counts(plan), skipped=skipped)
    except jinja2.TemplateError as exc:
        where = f"{getattr(exc, 'filename', None) or templates}:{getattr(exc, 'lineno', '') or ''}".rstrip(":")
        raise UserError(Problem(where, f"template error: {exc.message}", "fix the template")) from None
    return text.rstrip("\n") + "\n"


def _statement(env: jinja2.Environment, op: Operation, allow_destructive: bool) -> Statement:
    sql = env.get_template(f"plan/{op.action}.sql.j2").render(**op.params).strip()
    comment = f"{op.action.replace('_', ' ')} {op.target}"
    if op.hazards:
        comment += f" [{', '.join(op.hazards)}]"
    if op.destructive and not allow_destructive:
        comment += "\nDESTRUCTIVE, commented out (--allow-destructive includes it):"
        sql = "\n".join(f"-- {line}" for line in sql.splitlines())
    return Statement(comment, sql)
