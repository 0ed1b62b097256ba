"""Index scan counts from a live server's statistics, for the unused_index rule (lint --db only).

Read in its own read-only transaction, after the snapshot: statistics are not part of the catalog
snapshot (they change with every query), and a shadow database has none worth reading.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..postgres.connection import begin_catalog_read, connect

if TYPE_CHECKING:
    from ..postgres.connection import Target

QUERY = """
SELECT s.schemaname, s.relname, s.indexrelname, s.idx_scan
FROM pg_catalog.pg_stat_user_indexes s
WHERE s.schemaname = ANY(%(schemas)s)
ORDER BY 1, 2, 3
"""


def index_scans(target: "Target", schemas: tuple[str, ...]) -> dict[tuple[str, str, str], int] | None:
    import psycopg

    conn = connect(target, what="database", read_only=True)
    try:
        with conn.transaction():
            begin_catalog_read(conn)
            rows = conn.execute(QUERY, {"schemas": list(schemas)}).fetchall()
    except psycopg.Error:
        return None  # statistics unreadable for this role: unused_index is skipped (and says so), not guessed
    finally:
        conn.close()
    return {(schema, table, index): scans for schema, table, index, scans in rows}
