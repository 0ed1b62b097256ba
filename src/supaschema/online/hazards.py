"""Each pending statement's locks, measured on the target: lock level, the table's live size, and what it does.

Read-only: rows from pg_class.reltuples (the planner's estimate, refreshed by ANALYZE and autovacuum),
bytes from pg_total_relation_size (table, indexes and TOAST), volatility of a new column's DEFAULT from
pg_proc. `--max-lock-risk SIZE` refuses a statement that scans, builds or rewrites a table larger than
SIZE under a lock that blocks writes; a lock held only for a catalog change is never refused (its wait
is bounded by the lock timeout, and once granted it is held for a moment).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import Problem, UserError
from ..plan.type_changes import rewrites
from ..preflight.preconditions import Located
from .locks import BLOCKS_WRITES, CATALOG, REWRITE, SLOW_WORK, Lock, pending_locks

if TYPE_CHECKING:
    import psycopg

_UNITS = {"": 1, "b": 1, "kb": 1024, "mb": 1024 ** 2, "gb": 1024 ** 3, "tb": 1024 ** 4}
# Rows: the planner's estimate; a table never analyzed (-1) falls back on the statistics' live count.
_SIZE = ("SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname), "
         "CASE WHEN c.reltuples >= 0 THEN c.reltuples ELSE s.n_live_tup END, pg_catalog.pg_total_relation_size(c.oid) "
         "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
         "LEFT JOIN pg_catalog.pg_stat_all_tables s ON s.relid = c.oid WHERE c.oid = pg_catalog.to_regclass(%s)")
_WORK_WORDS = {"scan": "scans it", "build": "builds an index on it", "rewrite": "rewrites it"}


@dataclass(frozen=True, slots=True)
class Hazard:
    at: Located
    statement: str  # its first words
    table: str
    level: str
    work: str
    rows: float | None  # None: not there yet (created by the pending set), or never analyzed
    size: int | None
    note: str

    @property
    def blocks_traffic(self) -> bool:
        """Slow work under a lock that holds up writes (ACCESS EXCLUSIVE: reads as well)."""
        return self.level in BLOCKS_WRITES and self.work in SLOW_WORK

    def text(self) -> str:
        if self.size is not None:
            measured = f", {rows_text(self.rows)}, {size_text(self.size)}"
        else:
            measured = "" if "not measured" in self.note else ", not there yet"
        return (f"{self.at.origin}: statement {self.at.number}: {self.statement}: {self.level} on {self.table}"
                f"{measured}" + (f"; {self.note}" if self.note else ""))


def rows_text(rows: float | None) -> str:
    if rows is None or rows < 0:
        return "rows unknown (never analyzed)"
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if rows >= limit:
            return f"{rows / limit:.1f}{suffix} rows"
    return f"{int(rows)} rows"


def size_text(size: int) -> str:
    for unit in ("TB", "GB", "MB", "kB"):
        if size >= _UNITS[unit.lower()] * 10:
            return f"{size // _UNITS[unit.lower()]} {unit}"
    return f"{size} bytes"


def parse_size(text: str, where: str = "--max-lock-risk") -> int:
    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([kKmMgGtT]?[bB]?)\s*", text)
    if not match or match.group(2).lower() not in _UNITS:
        raise UserError(Problem(where, f"{text!r} is not a size", "give bytes with an optional unit: 0, 500kB, 100MB, 2GB"))
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


def short(statement: str, limit: int = 100) -> str:
    text = " ".join(line for line in statement.splitlines() if not line.lstrip().startswith("--"))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rstrip() + " …"


def measure(conn: "psycopg.Connection", statements: list[tuple[Located, str]]) -> list[Hazard]:
    """One hazard per lock a pending statement takes on a table, with the table measured now."""
    hazards: list[Hazard] = []
    with conn.transaction():
        conn.execute("SET TRANSACTION READ ONLY")
        conn.execute("SET LOCAL lock_timeout = '2s'")  # sizes open the relation: never queue behind a migration
        for (at, sql), locks in zip(statements, pending_locks([sql for _, sql in statements])):
            for lock in locks or []:
                hazards.append(_measured(conn, at, sql, lock))
    return hazards


def _measured(conn, at: Located, sql: str, lock: Lock) -> Hazard:
    import psycopg

    name = lock.table
    try:
        with conn.transaction():
            if lock.kind == "index":
                row = conn.execute("SELECT i.indrelid::pg_catalog.regclass::text FROM pg_catalog.pg_index i "
                                   "WHERE i.indexrelid = pg_catalog.to_regclass(%s)", (name,)).fetchone()
                name = row[0] if row else name
            row = conn.execute(_SIZE, (name,)).fetchone()
            work, note = _refined(conn, name, lock) if row else (lock.work, lock.note)
    except (psycopg.errors.LockNotAvailable, psycopg.errors.InsufficientPrivilege) as exc:
        why = "the table is locked" if isinstance(exc, psycopg.errors.LockNotAvailable) else "permission denied"
        return Hazard(at, short(sql), name, lock.level, lock.work, None, None, f"{lock.note} (size not measured: {why})".lstrip("; "))
    if not row:
        return Hazard(at, short(sql), name, lock.level, lock.work, None, None, lock.note)
    table, rows, size = row
    return Hazard(at, short(sql), table, lock.level, work, None if rows is None or rows < 0 else rows, size, note)


def _refined(conn, table: str, lock: Lock) -> tuple[str, str]:
    """What the catalog tells beyond the statement's text: a volatile DEFAULT, a binary-coercible type change."""
    if lock.default_functions:
        volatile = [f for f, v in conn.execute(
            "SELECT p.proname, pg_catalog.max(p.provolatile::text) FROM pg_catalog.pg_proc p WHERE p.proname = ANY(%s) "
            "GROUP BY p.proname ORDER BY 1", (list(lock.default_functions),)).fetchall() if v == "v"]
        if volatile:
            return REWRITE, f"volatile default ({', '.join(f + '()' for f in volatile)}) rewrites the table"
        return CATALOG, "the default is not volatile: evaluated once, stored in the catalog, no rewrite"
    if lock.retyped:
        column, new_type = lock.retyped
        name = column[1:-1].replace('""', '"') if column.startswith('"') else column.lower()
        row = conn.execute("SELECT pg_catalog.format_type(a.atttypid, a.atttypmod) FROM pg_catalog.pg_attribute a "
                           "WHERE a.attrelid = pg_catalog.to_regclass(%s) AND a.attname = %s AND NOT a.attisdropped",
                           (table, name)).fetchone()
        if row and not rewrites(row[0], new_type):
            return CATALOG, f"{row[0]} -> {new_type} is binary-coercible: no rewrite"
        if row:
            return REWRITE, f"{row[0]} -> {new_type} rewrites the table and rebuilds its indexes"
    return lock.work, lock.note


def refuse_risky(hazards: list[Hazard], limit: int | None, limit_text: str) -> None:
    """--max-lock-risk: no slow work under a traffic-blocking lock on a table larger than the limit."""
    if limit is None:
        return
    risky = [h for h in hazards if h.blocks_traffic and h.size is not None and h.size > limit]
    if risky:
        raise UserError([Problem(
            f"{h.at.origin}: statement {h.at.number}",
            f"{h.statement} holds {h.level} on {h.table} ({rows_text(h.rows)}, {size_text(h.size)}) while it "
            f"{_WORK_WORDS[h.work]}: above --max-lock-risk {limit_text}",
            "use the online form (`supaschema gen` writes CREATE INDEX CONCURRENTLY, NOT VALID + VALIDATE), "
            "or ship it in a quiet hour with a higher --max-lock-risk; nothing was applied") for h in risky])
