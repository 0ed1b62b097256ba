"""A plan -> one migration file of SQL, through templates/plan.sql.j2 and templates/plan/<action>.sql.j2."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

from ..errors import Problem, UserError
from .operations import Operation, Plan, hazard_counts
from ..render.migrations import environment


class RenderedSQL(str):
    """A statement rendered from an audited plan template: the only text plan.sql.j2 pastes whole."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Statement:
    comment: str
    sql: RenderedSQL


def _rendered_sql(value: object) -> str:
    if not isinstance(value, RenderedSQL):
        raise jinja2.TemplateRuntimeError("plan.sql.j2 may paste only statements rendered from templates/plan/")
    return value


def _summary(count: int, hazards: dict[str, int]) -> str:
    text = f"{count} operation{'s' if count != 1 else ''}"
    if hazards:
        text += "; hazards: " + ", ".join(f"{n} {name}" for name, n in hazards.items())
    return text + "."


def render_plan(plan: Plan, templates: Path, title: str, allow_destructive: bool = False) -> str:
    env = environment(templates)
    env.filters["rendered_sql"] = _rendered_sql
    try:
        statements = [_statement(env, op, allow_destructive) for op in plan.operations]
        skipped = 0 if allow_destructive else sum(op.destructive for op in plan.operations)
        skipped_note = (f"{skipped} destructive operation{'s are' if skipped != 1 else ' is'} commented out: "
                        "review, then re-run with --allow-destructive to include.")
        text = env.get_template("plan.sql.j2").render(
            title=title, statements=statements, summary=_summary(len(statements), hazard_counts(plan)),
            skipped=skipped, skipped_note=skipped_note)
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
    return Statement(comment, RenderedSQL(sql))
