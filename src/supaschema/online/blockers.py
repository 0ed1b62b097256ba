"""Who holds up a push: a watcher on its own connection samples pg_blocking_pids while statements wait.

Sampled while waiting, not after: once the lock timeout has fired the push no longer waits, and
the blocker may hold its lock without any trace pointing at the push. The watcher only reads.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import printable

if TYPE_CHECKING:
    from ..postgres.connection import Target

SAMPLE_EVERY_S = 0.1
# A query can carry a secret (ALTER ROLE ... PASSWORD '...'): the literal never reaches a message.
_SECRET = re.compile(r"(PASSWORD|SECRET|KEY|TOKEN)(\s*=?\s*)('(?:[^']|'')*'|\$[^$]*\$)", re.I)


@dataclass(frozen=True, slots=True)
class Blocker:
    pid: int
    age_s: float  # since its transaction (or, outside one, its query) began
    state: str
    user: str
    query: str  # the first line, secrets masked

    def text(self) -> str:
        return f"pid {self.pid} ({self.user}, {self.state} for {self.age_s:.0f}s): `{self.query}`"


def first_line(query: str, limit: int = 100) -> str:
    lines = [line.strip() for line in query.splitlines() if line.strip() and not line.strip().startswith("--")]
    line = _SECRET.sub(lambda m: f"{m.group(1)}{m.group(2)}'***'", lines[0] if lines else "")
    line = line if len(line) <= limit else line[:limit] + "…"
    return printable(line)  # another session's text: an ESC in it must not reach the terminal


class BlockerWatch:
    """Remembers the last sessions seen blocking `pid`; `latest` answers after a lock timeout."""

    QUERY = ("SELECT a.pid, EXTRACT(epoch FROM pg_catalog.now() - COALESCE(a.xact_start, a.query_start))::float8, "
             "COALESCE(a.state, ''), COALESCE(a.usename::text, ''), COALESCE(a.query, '') "
             "FROM pg_catalog.pg_stat_activity a WHERE a.pid = ANY(pg_catalog.pg_blocking_pids(%s)) ORDER BY 2 DESC")

    def __init__(self, target: "Target", pid: int):
        self.target, self.pid = target, pid
        self.latest: list[Blocker] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> "BlockerWatch":
        self._thread = threading.Thread(target=self._run, name="supaschema-blocker-watch", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)

    def forget(self) -> None:
        self.latest = []

    def _run(self) -> None:
        import psycopg

        from ..postgres.connection import connect

        try:
            conn = connect(self.target, what="database", read_only=True)
        except Exception:  # a watcher that cannot connect only costs the blocker's name in a message
            return
        try:
            while not self._stop.wait(SAMPLE_EVERY_S):
                rows = conn.execute(self.QUERY, (self.pid,)).fetchall()
                conn.rollback()  # a new snapshot of pg_stat_activity for the next sample
                if rows:
                    self.latest = [Blocker(pid, age or 0.0, state, user, first_line(self.target.mask(query)))
                                   for pid, age, state, user, query in rows]
        except psycopg.Error:
            return
        finally:
            conn.close()
