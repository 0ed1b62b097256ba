"""Reading function bodies the way lint rules need: code only, and the relation names it uses.

This is a scanner, not a parser: it drops comments and string literals, then finds the names after
FROM, JOIN, INSERT INTO, UPDATE, DELETE FROM and MERGE INTO. Good enough to tell `public.t` from `t`.
"""

from __future__ import annotations

import re

_NOISE = re.compile(r"--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'|(\$[A-Za-z_]*\$).*?\1", re.S)
# Calls whose argument syntax uses FROM without naming a relation.
_FROM_IN_CALLS = re.compile(r"\b(?:extract|substring|trim|overlay|position)\s*\([^()]*\)|\bdistinct\s+from\b", re.I)
_RELATION = re.compile(
    r"\b(from|join|insert\s+into|update|delete\s+from|merge\s+into)\s+(?:only\s+)?"
    r"(\"(?:[^\"]|\"\")+\"|[A-Za-z_][\w$]*)(\s*[.(])?", re.I)
_CTE = re.compile(r"(\"(?:[^\"]|\"\")+\"|[A-Za-z_][\w$]*)\s+as\s+(?:not\s+)?(?:materialized\s+)?\(", re.I)
# Words that can follow those keywords without being a relation (ON CONFLICT DO UPDATE SET, FOR UPDATE OF, ...).
_NOT_RELATIONS = {"select", "lateral", "set", "of", "nowait", "skip", "new", "old", "values", "rows"}


def code_only(body: str) -> str:
    return _NOISE.sub(" ", body)


def unqualified_relations(body: str) -> list[str]:
    code = code_only(body)
    while True:  # nested calls: peel innermost first
        stripped = _FROM_IN_CALLS.sub(" ", code)
        if stripped == code:
            break
        code = stripped
    ctes = {m.group(1).lower() for m in _CTE.finditer(code)}
    found = []
    for match in _RELATION.finditer(code):
        keyword, name, after = match.group(1).lower(), match.group(2), (match.group(3) or "").strip()
        # After FROM or JOIN a parenthesis means a function call; after INTO or UPDATE, a column list.
        if after == "." or (after == "(" and keyword in ("from", "join")):
            continue
        if name.lower() in _NOT_RELATIONS or name.lower() in ctes:
            continue
        if name not in found:
            found.append(name)
    return found


def has_exception_handler(body: str) -> bool:
    return re.search(r"\bexception\s+when\b", code_only(body), re.I) is not None
