"""Drift items -> text for people, or JSON for machines. Same items, same order.

JSON schema (version 1) is documented in docs/diff-json.md.
"""

from __future__ import annotations

import difflib
import json
from collections import Counter
from itertools import groupby
from typing import Any

from ..drift.compare import SEVERITY_ORDER, Drift, NotComparedItem
from ..errors import printable

JSON_VERSION = 1
SIDE_BY_SIDE = 28  # values up to this width share one line: expected | actual
SYMBOL = {"missing": "-", "extra": "+", "changed": "~", "renamed": "~"}
COLOUR = {"missing": "31", "extra": "32", "changed": "33", "renamed": "33", "header": "1", "security": "1;31", "dim": "2"}


def summary(drifts: list[Drift]) -> dict[str, int]:
    counts = Counter(d.severity for d in drifts)
    return {"total": len(drifts), **{s: counts.get(s, 0) for s in SEVERITY_ORDER}}


def to_json(drifts: list[Drift], desired: str, actual: str, catalog_queries: int = 0,
            skipped: dict[str, int] | None = None, unmodelled: list[NotComparedItem] = ()) -> str:
    document = {
        "version": JSON_VERSION,
        "desired": desired,
        "actual": actual,
        "summary": summary(drifts),
        "stats": {"catalog_queries": catalog_queries},
        "skipped": skipped or {"unmanaged": 0, "undeclared": 0},
        "drift": [d.to_dict() for d in drifts],
        "not_compared": [item.to_dict() for item in unmodelled],
    }
    return json.dumps(document, indent=2, ensure_ascii=False, default=_jsonable) + "\n"


def _jsonable(value: Any) -> Any:
    if isinstance(value, (tuple, set, frozenset)):
        return list(value)
    return str(value)


def _show(value: Any) -> str:
    return printable(_as_text(value), lines=True)


def _as_text(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (tuple, list)):
        return "{" + ", ".join(str(v) for v in value) + "}" if value else "{}"
    if isinstance(value, dict):
        return ", ".join(f"{k}={_as_text(v)}" for k, v in value.items())
    return str(value)


def to_text(drifts: list[Drift], desired: str, actual: str, colour: bool = False,
            no_drift: str = "No drift: the two sides match.", skipped: dict[str, int] | None = None,
            unmodelled: list[NotComparedItem] = ()) -> str:
    """`no_drift` is the caller's sentence for an empty report: it must say what was compared
    (and it says "in what is compared" when some objects were not)."""
    def paint(text: str, what: str) -> str:
        return f"\x1b[{COLOUR[what]}m{text}\x1b[0m" if colour else text

    lines = [f"desired: {printable(desired)}", f"actual:  {printable(actual)}", ""]
    left_alone = _left_alone(skipped or {})
    lines.extend(_not_compared_lines(unmodelled, paint))
    if not drifts:
        if unmodelled:
            no_drift = no_drift.replace("No drift:", "No drift in what is compared:", 1)
        lines.append(paint(no_drift, "header"))
        return "\n".join(lines + left_alone) + "\n"
    for severity, group in groupby(drifts, key=lambda d: d.severity):
        heading = severity.upper() + (" (listed first: access to data)" if severity == "security" else "")
        lines.append(paint(heading, "security" if severity == "security" else "header"))
        for (kind, obj), items in groupby(group, key=lambda d: (d.kind, d.object)):
            lines.append(f"  {kind} {printable(obj)}")
            lines.extend(_item_lines(list(items), paint))
        lines.append("")
    counts = summary(drifts)
    parts = ", ".join(f"{counts[s]} {s}" for s in SEVERITY_ORDER if counts[s])
    lines.append(paint(f"{counts['total']} drift item{'s' if counts['total'] != 1 else ''} ({parts})", "header"))
    return "\n".join(lines + left_alone) + "\n"


def _left_alone(skipped: dict[str, int]) -> list[str]:
    """Say what was not looked at, so an unmanaged: pattern can never hide drift silently."""
    parts = [f"{skipped[k]} {what}" for k, what in (("unmanaged", "unmanaged (matched an unmanaged: pattern)"),
                                                     ("undeclared", "undeclared (report_undeclared: false)")) if skipped.get(k)]
    return [f"left alone: {', '.join(parts)}"] if parts else []


# A role's grants are left out by choice, not for want of a model: say how to bring them in.
ROLE_HINT = ": compare them with --roles ROLE (or all), or declare the role under roles: in schema.yaml"


def _not_compared_lines(unmodelled: list[NotComparedItem], paint) -> list[str]:
    if not unmodelled:
        return []
    lines = [paint("NOT COMPARED (outside what this comparison covers; check them by hand)", "header")]
    for item in unmodelled:
        where = "both sides" if len(item.sides) == 2 else f"{item.sides[0]} only"
        lines.append(f"  {item.kind} {printable(item.object)}  ({where}){ROLE_HINT if item.kind == 'privileges of role' else ''}")
    return lines + [""]


def _item_lines(items: list[Drift], paint) -> list[str]:
    out = []
    width = max(len(d.field or "") for d in items)
    value_width = max((len(_show(d.expected)) for d in items if len(_show(d.expected)) <= SIDE_BY_SIDE), default=0)
    for d in items:
        mark = paint(SYMBOL[d.change], d.change)
        if d.change == "missing":
            out.append(f"    {mark} missing {d.field + ': ' if d.field else ''}{_show(d.expected)}")
        elif d.change == "extra":
            out.append(f"    {mark} extra   {d.field + ': ' if d.field else ''}{_show(d.actual)}")
        elif any(isinstance(v, str) and "\n" in v for v in (d.expected, d.actual)):
            out.append(f"    {mark} {d.field} differs (- expected, + actual):")
            diff = difflib.unified_diff(_show(d.expected).splitlines(), _show(d.actual).splitlines(), lineterm="", n=1)
            out.extend(f"        {line}" for line in list(diff)[2:])
        elif len(_show(d.expected)) <= SIDE_BY_SIDE and len(_show(d.actual)) <= SIDE_BY_SIDE:
            out.append(f"    {mark} {(d.field or '').ljust(width)}  expected {_show(d.expected).ljust(value_width)}  actual {_show(d.actual)}")
        else:
            out.append(f"    {mark} {(d.field or '').ljust(width)}  expected {_show(d.expected)}")
            out.append(f"      {''.ljust(width)}  actual   {_show(d.actual)}")
    return out
