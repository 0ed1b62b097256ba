"""Which statements PostgreSQL refuses inside a transaction block, and a file cut into the runs it allows.

`CREATE INDEX CONCURRENTLY` and its kin commit several transactions of their own, so they cannot
share one with anything (SQLSTATE 25001). A migration holding one is applied in runs, in file order:
each stretch of ordinary statements in one transaction, each such statement on its own. That is what
the Supabase CLI does too (since v2.109 it runs these statements outside the file's batch), so a file
means the same thing under `supaschema push`, `supabase db push` and `supabase migration up`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .statements import _pieces

# The words, comments and quoted spans removed: only the statement's own keywords are matched.
_OUTSIDE = re.compile(
    r"(?:CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY|DROP\s+INDEX\s+CONCURRENTLY|REINDEX\b.*\bCONCURRENTLY"
    r"|VACUUM|CLUSTER|ALTER\s+SYSTEM|CREATE\s+DATABASE|DROP\s+DATABASE|ALTER\s+DATABASE\s+\S+\s+SET\s+TABLESPACE"
    r"|CREATE\s+TABLESPACE|DROP\s+TABLESPACE"
    r"|ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?\S+\s+DETACH\s+PARTITION\s+\S+\s+CONCURRENTLY"
    r"|ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?\S+\s+DETACH\s+PARTITION\s+\S+\s+FINALIZE)\b",
    re.I | re.S)


def keywords(statement: str) -> str:
    """The statement's code with comments dropped and every quoted span replaced by `?`."""
    parts, last = [], 0
    for kind, begin, end in _pieces(statement):
        if kind in ("comment", "quoted"):
            parts.append(statement[last:begin] + (" ? " if kind == "quoted" else " "))
            last = end
    parts.append(statement[last:])
    return " ".join("".join(parts).split())


def outside_transaction(statement: str) -> bool:
    """Whether PostgreSQL refuses this statement inside a transaction block."""
    return bool(_OUTSIDE.match(keywords(statement)))


@dataclass(frozen=True, slots=True)
class Run:
    """Consecutive statements of a file that are applied together: numbers count from 1 in the file."""

    first: int
    statements: tuple[str, ...]
    alone: bool  # True: one statement that must run outside any transaction block


def runs(statements: list[str]) -> list[Run]:
    """The file's statements grouped as they are applied: ordinary ones together, the others alone."""
    result: list[Run] = []
    for number, statement in enumerate(statements, 1):
        if outside_transaction(statement):
            result.append(Run(number, (statement,), True))
        elif result and not result[-1].alone:
            result[-1] = Run(result[-1].first, result[-1].statements + (statement,), False)
        else:
            result.append(Run(number, (statement,), False))
    return result
