"""A plan -> one migration file of SQL, through templates/plan.sql.j2 and templates/plan/<action>.sql.j2."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

from ..errors import Problem, UserError
from .operations import Operation, Plan, Step, hazard_counts
from ..render.migrations import environment


class RenderedSQL(str):
    """A statement rendered from an audited plan template: the only text plan.sql.j2 pastes whole."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Statement:
    comment: str
    sql: RenderedSQL


@dataclass(frozen=True, slots=True)
class StepText:
    heading: str
    statements: list[Statement]


STEP_HEADINGS = {
    Step.ATOMIC: "Step 1, one transaction: everything but the slow work on tables that already hold rows.",
    Step.CONCURRENT: ("Step 2, outside any transaction (PostgreSQL refuses CREATE INDEX CONCURRENTLY in one): "
                      "indexes built while writes keep flowing; `gen` and `plan --write` give each its own file."),
    Step.FINISH: ("Step 3, one transaction: VALIDATE what step 1 added NOT VALID (reads and writes go on during the scan), "
                  "then what needs it."),
}
REPLAY_NOTE = "Every statement is idempotent: replaying this file is harmless."
FINISH_REPLAY_NOTE = ("Replaying this change's files in order is harmless; this last one expects the "
                      "NOT VALID constraints its first file adds.")
# The file names `gen` and `plan --write` add to the migration's name, per step.
STEP_SUFFIXES = {Step.ATOMIC: "", Step.CONCURRENT: "_index", Step.FINISH: "_validate"}


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
    """The whole plan as one text: printed by `plan --db`, and applied as is by tools that run it in
    order (a statement that cannot run in a transaction runs alone, see sqltext.transaction_blocks)."""
    steps = sorted({op.step for op in plan.operations})
    groups = [(step, [op for op in plan.operations if op.step == step]) for step in steps]
    headed = len(groups) > 1
    return _render(templates, title, plan, [(STEP_HEADINGS[step] if headed else "", ops) for step, ops in groups],
                   allow_destructive, FINISH_REPLAY_NOTE if steps == [Step.FINISH] else REPLAY_NOTE)


def render_plan_files(plan: Plan, templates: Path, title: str, allow_destructive: bool = False) -> list[tuple[str, str]]:
    """(name suffix, SQL) per migration file: step 1, then each concurrent build alone (every tool runs
    it outside a transaction only when it is alone), then step 3."""
    files: list[tuple[str, list[Operation]]] = []
    for step in sorted({op.step for op in plan.operations}):
        ops = [op for op in plan.operations if op.step == step]
        if step == Step.CONCURRENT:
            files += [(f"{STEP_SUFFIXES[step]}_{n}" if len(ops) > 1 else STEP_SUFFIXES[step], [op]) for n, op in enumerate(ops, 1)]
        else:
            files.append((STEP_SUFFIXES[step], ops))
    if len(files) == 1:
        return [("", render_plan(plan, templates, title, allow_destructive))]
    result = []
    for number, (suffix, ops) in enumerate(files, 1):
        step = ops[0].step
        heading = f"{title} File {number} of {len(files)}. {STEP_HEADINGS[step]}"
        result.append((suffix, _render(templates, heading, Plan(tuple(ops)), [("", ops)], allow_destructive,
                                       FINISH_REPLAY_NOTE if step == Step.FINISH else REPLAY_NOTE)))
    return result


def _render(templates: Path, title: str, plan: Plan, groups: list[tuple[str, list[Operation]]], allow_destructive: bool,
            replay_note: str) -> str:
    env = environment(templates)
    env.filters["rendered_sql"] = _rendered_sql
    try:
        steps = [StepText(heading, [_statement(env, op, allow_destructive) for op in ops]) for heading, ops in groups]
        skipped = 0 if allow_destructive else sum(op.destructive for op in plan.operations)
        skipped_note = (f"{skipped} destructive operation{'s are' if skipped != 1 else ' is'} commented out: "
                        "review, then re-run with --allow-destructive to include.")
        text = env.get_template("plan.sql.j2").render(
            title=title, steps=steps, summary=_summary(len(plan.operations), hazard_counts(plan)),
            skipped=skipped, skipped_note=skipped_note, replay_note=replay_note)
    except jinja2.TemplateError as exc:
        where = f"{getattr(exc, 'filename', None) or templates}:{getattr(exc, 'lineno', '') or ''}".rstrip(":")
        raise UserError(Problem(where, f"template error: {exc.message}", "fix the template")) from None
    return text.rstrip("\n") + "\n"


def _statement(env: jinja2.Environment, op: Operation, allow_destructive: bool) -> Statement:
    sql = env.get_template(f"plan/{op.action}.sql.j2").render(**op.params).strip()
    comment = f"{op.action.replace('_', ' ')} {op.target}"
    if op.hazards:
        comment += f" [{', '.join(op.hazards)}]"
    if op.params.get("note"):
        comment += f"\n{op.params['note']}"
    if op.destructive and not allow_destructive:
        comment += "\nDESTRUCTIVE, commented out (--allow-destructive includes it):"
        sql = "\n".join(f"-- {line}" for line in sql.splitlines())
    return Statement(comment, RenderedSQL(sql))
