"""Checking pending statements' data preconditions against a database, without writing to it.

All checks run in one READ ONLY, REPEATABLE READ transaction (one view of the data), each
under a savepoint so that one check that cannot run (a table that does not exist yet, a
timeout) is reported as not checked instead of ending the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import Problem
from .preconditions import Cast, ForeignKey, Located, Precondition
from .recognise import preconditions

if TYPE_CHECKING:
    import psycopg

CHECK_TIMEOUT_MS = 30_000
LOCK_TIMEOUT_MS = 5_000
QUOTE_LIMIT = 80  # a server message quoting a huge value is cut


@dataclass(frozen=True, slots=True)
class Findings:
    failures: tuple[Problem, ...]
    unchecked: tuple[str, ...]  # "<where>: why it could not be checked"
    checked: int


def check_data(conn: "psycopg.Connection", statements: list[tuple[Located, str]]) -> Findings:
    """Each recognised precondition of these statements, counted on today's rows."""
    found = preconditions(statements)
    if not found:
        return Findings((), (), 0)
    failures: list[Problem] = []
    unchecked: list[str] = []
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        conn.execute(f"SET LOCAL statement_timeout = {CHECK_TIMEOUT_MS}")
        conn.execute(f"SET LOCAL lock_timeout = {LOCK_TIMEOUT_MS}")
        # A count that RLS filters would be wrong: fail (not checked) instead, as pg_dump does.
        conn.execute("SET LOCAL row_security = off")
        major = conn.info.server_version // 10000
        for pre in found:
            outcome = _check(conn, pre, major)
            if isinstance(outcome, Problem):
                failures.append(outcome)
            elif isinstance(outcome, str):
                unchecked.append(f"{pre.at}: not checked ({outcome})")
        _rollback()
    return Findings(tuple(failures), tuple(unchecked), len(found))


def _rollback() -> None:
    """Leave the checking transaction by ROLLBACK: it never had anything to keep."""
    import psycopg

    raise psycopg.Rollback()


def _check(conn: "psycopg.Connection", pre: Precondition, major: int) -> Problem | str | None:
    """A Problem when rows violate it, a reason when it could not be checked, None when it holds."""
    import psycopg

    try:
        if isinstance(pre, Cast):
            return _check_cast(conn, pre, major)
        if isinstance(pre, ForeignKey):
            columns = pre.referenced_columns or _primary_key(conn, pre)
            if not columns:
                return f"{pre.referenced.label} has no primary key to compare with"
            count = _count(conn, pre.query(columns))
        else:
            count = _count(conn, pre.query())
    except psycopg.errors.QueryCanceled:
        return f"the check took longer than {CHECK_TIMEOUT_MS // 1000}s"
    except psycopg.Error as exc:
        return _cut(exc.diag.message_primary or str(exc))
    return Problem(str(pre.at), pre.failure(count), f"{pre.fix}; nothing was applied") if count else None


def _count(conn: "psycopg.Connection", query: str) -> int:
    with conn.transaction():  # a savepoint: a failing check leaves the others running
        return int(conn.execute(query).fetchone()[0])


def _check_cast(conn: "psycopg.Connection", pre: Cast, major: int) -> Problem | None:
    import psycopg

    try:
        _count(conn, pre.query())
        return None
    except psycopg.errors.DataError as exc:
        message = _cut(exc.diag.message_primary or str(exc))
    count = None
    counting = pre.counting_query()
    if counting and major >= 16:
        try:
            count = _count(conn, counting)
        except psycopg.Error:
            count = None
    return Problem(str(pre.at), pre.failure(count, message), f"{pre.fix}; nothing was applied")


def _primary_key(conn: "psycopg.Connection", pre: ForeignKey) -> tuple[str, ...]:
    with conn.transaction():
        rows = conn.execute(
            "SELECT a.attname FROM pg_catalog.pg_constraint c "
            "CROSS JOIN LATERAL pg_catalog.unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord) "
            "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum "
            "WHERE c.conrelid = pg_catalog.to_regclass(%s) AND c.contype = 'p' ORDER BY k.ord",
            (pre.referenced.sql,)).fetchall()
    return tuple(name for (name,) in rows)


def _cut(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_LIMIT else text[:QUOTE_LIMIT] + "…"
