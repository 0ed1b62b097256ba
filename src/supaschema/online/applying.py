"""Applying one migration file to a busy database: lock timeouts, bounded retries, concurrent builds.

The order, for a file holding statements PostgreSQL refuses in a transaction block (the Supabase
CLI's order too): each stretch of ordinary statements in one transaction, each such statement alone,
in file order; the history row goes into the last transaction, so a file is recorded only when all
of it ran. A file without such statements is one transaction, history row included, as before.

Every statement runs under `lock_timeout`: one that cannot get its lock gives up instead of queueing
ahead of every later query on the table. The transaction (or the lone statement) is then retried a
bounded number of times with a doubling pause; after the last attempt the error names the session
that held the lock. A concurrent index build that fails leaves an INVALID index behind: it is dropped
(DROP INDEX CONCURRENTLY), or named in the error when that fails too.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import Problem, UserError
from ..sqltext.transaction_blocks import Run, runs
from .blockers import BlockerWatch
from .locks import tokens

if TYPE_CHECKING:
    import psycopg

    from ..postgres.connection import Target


@dataclass(frozen=True, slots=True)
class LockPolicy:
    lock_timeout_ms: int = 3000
    statement_timeout_ms: int = 0  # 0: none (a concurrent build on a big table takes minutes, and may)
    attempts: int = 4  # the first one and three retries
    backoff_s: float = 1.0  # the pause before the first retry, doubled before each further one

    def configure(self, conn: "psycopg.Connection") -> None:
        conn.execute("SELECT pg_catalog.set_config('lock_timeout', %s, false), pg_catalog.set_config('statement_timeout', %s, false)",
                     (f"{self.lock_timeout_ms}ms", f"{self.statement_timeout_ms}ms"))


MAX_TIMEOUT_MS = 2**31 - 1  # lock_timeout and statement_timeout are int4 milliseconds


def parse_duration(text: str, where: str) -> int:
    """Milliseconds from `500ms`, `3s`, `2min`, `1h`, or a bare number of seconds."""
    import re
    from decimal import ROUND_CEILING, Decimal

    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|s|min|h)?\s*", text)
    if not match:
        raise UserError(Problem(where, f"{text!r} is not a duration", "e.g. 500ms, 3s, 2min (a bare number is seconds; 0 means no limit)"))
    factor = {"ms": 1, "s": 1000, None: 1000, "min": 60_000, "h": 3_600_000}[match.group(2)]
    # Exact, and rounded up: 0.1ms truncated to 0 would mean "no limit" to PostgreSQL, the opposite of what was asked.
    ms = int((Decimal(match.group(1)) * factor).to_integral_value(ROUND_CEILING))
    if ms > MAX_TIMEOUT_MS:
        raise UserError(Problem(where, f"{text!r} is longer than PostgreSQL's limit for a timeout (about 24 days)",
                                "give a shorter duration, or 0 for no limit"))
    return ms


class _GaveUp(Exception):
    def __init__(self, number: int, blockers: list):
        self.number, self.blockers = number, blockers


class _Failed(Exception):
    def __init__(self, number: int, exc: Exception):
        self.number, self.exc = number, exc


@dataclass
class FileApply:
    """One file's statements applied on `conn` (autocommit), `record` run in its last transaction."""

    conn: "psycopg.Connection"
    target: "Target"
    path: str
    policy: LockPolicy
    watch: BlockerWatch
    notify: Callable[[str], None]
    record: Callable[[], None]
    left_invalid: set[str] = field(default_factory=set)  # INVALID indexes a timed-out build left and could not drop yet

    def run(self, statements: list[str]) -> None:
        import psycopg

        pieces = runs(statements)
        committed = 0  # statements already committed, for an honest message when a later one fails
        for k, piece in enumerate(pieces):
            last = k == len(pieces) - 1
            try:
                if piece.alone:
                    self._retrying(piece, lambda piece=piece: self._alone(piece))
                    if last:
                        self._retrying(piece, lambda: self._transaction(Run(piece.first, (), False), True))
                else:
                    self._retrying(piece, lambda piece=piece, last=last: self._transaction(piece, last))
            except _Failed as failed:
                raise self._error(statements, failed, committed) from None
            except _GaveUp as gave_up:
                raise self._gave_up(gave_up.number, gave_up.blockers, committed) from None
            except psycopg.errors.ReadOnlySqlTransaction:
                raise
            committed += len(piece.statements)

    def _transaction(self, piece: Run, last: bool) -> None:
        import psycopg

        with self.conn.transaction():
            for number, statement in enumerate(piece.statements, piece.first):
                try:
                    self.conn.execute(statement)
                except psycopg.errors.ReadOnlySqlTransaction:
                    raise
                except psycopg.Error as exc:
                    raise _Failed(number, exc) from None
            if last:
                self.record()

    def _alone(self, piece: Run) -> None:
        import psycopg

        statement = piece.statements[0]
        build = _concurrent_build(statement)
        before: set[str] = set()
        try:
            if build and build[0]:
                for name in self._invalid(build):
                    self.notify(f"{self.path}: dropping INVALID index {name}, left by an earlier failed build")
                    self._drop(name)
                    self.left_invalid.discard(name)
            before = set(self._invalid(build)) if build else set()
            self.conn.execute(statement)
        except psycopg.Error as exc:
            left = [name for name in self._invalid(build) if name not in before] if build else []
            for name in left:
                try:
                    self._drop(name)
                except psycopg.Error as drop_exc:
                    if not isinstance(drop_exc, psycopg.errors.LockNotAvailable):
                        message = self.target.mask(drop_exc.diag.message_primary or str(drop_exc))
                        raise UserError(Problem(self.path, f"statement {piece.first} failed ({self._message(exc)}) and left the "
                                                           f"INVALID index {name}, which could not be dropped: {message}",
                                                f"drop it: DROP INDEX CONCURRENTLY IF EXISTS {name}; then push again")) from None
                    self.left_invalid.add(name)  # the next attempt drops it first, once the lock comes free
            raise _Failed(piece.first, exc) from None

    def _invalid(self, build: tuple[str | None, str]) -> list[str]:
        name, table = build
        rows = self.conn.execute(
            "SELECT i.indexrelid::pg_catalog.regclass::text, c.relname FROM pg_catalog.pg_index i "
            "JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = pg_catalog.to_regclass(%s) AND NOT i.indisvalid ORDER BY 1", (table,)).fetchall()
        wanted = _unquoted(name) if name else None
        return [qualified for qualified, relname in rows if wanted is None or relname == wanted]

    def _drop(self, name: str) -> None:
        from ..sqltext.quoting import ident

        parts = self.conn.execute("SELECT n.nspname, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                                  "ON n.oid = c.relnamespace WHERE c.oid = pg_catalog.to_regclass(%s)", (name,)).fetchone()
        if parts:
            self.conn.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {ident(parts[0])}.{ident(parts[1])}")

    def _retrying(self, piece: Run, attempt: Callable[[], None]) -> None:
        import psycopg

        for number in range(1, self.policy.attempts + 1):
            self.watch.forget()
            try:
                attempt()
                return
            except _Failed as failed:
                if not isinstance(failed.exc, psycopg.errors.LockNotAvailable):
                    raise
                blockers = list(self.watch.latest)
                if number == self.policy.attempts:
                    raise _GaveUp(failed.number, blockers) from None
                pause = self.policy.backoff_s * 2 ** (number - 1)
                who = blockers[0].text() if blockers else "a session that was gone before it could be named"
                self.notify(f"{self.path}: statement {failed.number}: no lock within {self.policy.lock_timeout_ms} ms "
                            f"(attempt {number} of {self.policy.attempts}), held by {who}; retrying in {pause:g}s")
                time.sleep(pause)

    def _gave_up(self, number: int, blockers: list, committed: int) -> UserError:
        seconds = self.policy.lock_timeout_ms / 1000
        what = (f"statement {number} could not get its lock within {seconds:g}s, {self.policy.attempts} times: "
                + ("blocked by " + "; ".join(b.text() for b in blockers) if blockers else "the blocking session had gone before it could be named"))
        pid = blockers[0].pid if blockers else None
        fix = ((f"wait for that session to finish, or end it (SELECT pg_terminate_backend({pid})), then push again; "
                if pid else "push again; ") + "--lock-timeout and --lock-retries allow longer waits (readers queue behind a waiting push)")
        if committed:
            what += f"; statements 1-{committed} ran before it, outside one transaction, and stay applied"
        if self.left_invalid:
            names = ", ".join(sorted(self.left_invalid))
            what += (f"; the build left the INVALID index {names}, and dropping it timed out too: "
                     "the next push drops it first (or DROP INDEX CONCURRENTLY IF EXISTS it)")
        return UserError(Problem(self.path, what + "; this file was not recorded", fix))

    def _message(self, exc: Exception) -> str:
        return self.target.mask((getattr(exc, "diag", None) and exc.diag.message_primary or str(exc)).strip())

    def _error(self, statements: list[str], failed: _Failed, committed: int) -> UserError:
        statement = statements[failed.number - 1]
        first = next((line for line in statement.splitlines() if line.strip() and not line.lstrip().startswith("--")), statement)
        what = f"statement {failed.number} failed: {self._message(failed.exc)}, in `{first.strip()[:120]}`"
        if committed:
            fix = (f"fix the migration; statements 1-{committed} ran before it, outside one transaction (the file holds statements "
                   "that cannot run in one), and stay applied; the file is not recorded, so the next push runs it again from the start")
        else:
            fix = "fix the migration; nothing of this file was applied"
        return UserError(Problem(self.path, what, fix))


def _concurrent_build(statement: str) -> tuple[str | None, str] | None:
    """(index name or None, table) of CREATE [UNIQUE] INDEX CONCURRENTLY; None for any other statement."""
    toks = tokens(statement)
    upper = [t.upper() if not t.startswith('"') else t for t in toks]
    i = 3 if upper[:2] == ["CREATE", "UNIQUE"] else 2
    if upper[:1] != ["CREATE"] or upper[i - 1:i + 1] != ["INDEX", "CONCURRENTLY"]:
        return None
    i += 1
    if upper[i:i + 3] == ["IF", "NOT", "EXISTS"]:
        i += 3
    name = None if upper[i] == "ON" else toks[i]
    on = upper.index("ON", i)
    j = on + 1 + (upper[on + 1] == "ONLY")
    table = [toks[j]]
    while j + 2 < len(toks) and toks[j + 1] == ".":
        table.append(toks[j + 2])
        j += 2
    return name, ".".join(table)


def _unquoted(name: str) -> str:
    return name[1:-1].replace('""', '"') if name.startswith('"') else name.lower()
