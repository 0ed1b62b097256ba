"""Connections: read-only ones for live databases, writable ones for throwaway databases.

Every failure to connect becomes one UserError line that says what went wrong
without the password (see conninfo.py for how URLs are taken apart and masked).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import Problem, UserError
from . import conninfo

if TYPE_CHECKING:
    import psycopg

# libpq's own variable, so users tune it the way they already know.
CONNECT_TIMEOUT_S = int(os.environ.get("PGCONNECT_TIMEOUT") or 10)
STATEMENT_TIMEOUT_MS = 30_000
MIN_SERVER_VERSION = 140000  # CREATE OR REPLACE TRIGGER and pg_get_function_sqlbody


@dataclass(frozen=True, slots=True)
class Target:
    url: str = field(repr=False)  # holds the password: never in a repr, a traceback or a message
    label: str  # what messages may show: rebuilt from the parsed URL, password as ***

    @staticmethod
    def parse(url: str, what: str = "database") -> "Target":
        return Target(url, conninfo.parse(url, what).label)

    def secrets(self) -> tuple[str, ...]:
        from psycopg.conninfo import conninfo_to_dict

        found = conninfo.secrets_of(conninfo_to_dict(self.url)) if self.url else ()
        return found + ((os.environ["PGPASSWORD"],) if os.environ.get("PGPASSWORD") else ())

    def mask(self, text: str) -> str:
        """A server's or libpq's message with this target's password hidden wherever it stands alone."""
        return conninfo.mask(text, self.secrets())


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _explain(exc: BaseException, target: Target, what: str) -> UserError:
    text = str(exc)
    lowered = text.lower()
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        why, fix = "authentication failed (wrong user or password)", "check the user and password in the URL"
    elif 'database "' in lowered and "does not exist" in lowered:
        why, fix = "the database does not exist", "check the database name at the end of the URL"
    elif "timeout expired" in lowered:
        why, fix = f"no answer within {CONNECT_TIMEOUT_S}s", "check host, port and firewall"
    elif "invalid integer value" in lowered or "invalid connection option" in lowered or "invalid sslmode" in lowered:
        why, fix = "not a valid connection URL (a parameter has an invalid value)", "use postgresql://USER:PASSWORD@HOST:PORT/DATABASE"
    elif "connection refused" in lowered or "could not translate host name" in lowered or "failed to resolve host" in lowered or "no route" in lowered or "could not connect" in lowered:
        why, fix = "cannot reach the server", "check host and port, and that PostgreSQL is running there"
    elif "invalid response" in lowered or "server closed the connection" in lowered or "expected authentication request" in lowered or "unsupported frontend protocol" in lowered:
        why, fix = "the server did not answer as PostgreSQL does", "check that the port is PostgreSQL's (Supabase: 5432 direct, 6543 pooler)"
    else:
        why, fix = _first_line(exc), "check the connection URL"
    return UserError(Problem(f"{what} {target.label}", target.mask(why), fix))


def connect(target: Target, *, what: str = "database", read_only: bool = True) -> "psycopg.Connection":
    """A connection whose every transaction is READ ONLY (unless read_only=False) and time-limited."""
    import psycopg

    try:
        conn = psycopg.connect(target.url, connect_timeout=CONNECT_TIMEOUT_S, autocommit=not read_only,
                               application_name="supaschema")
    except psycopg.Error as exc:
        raise _explain(exc, target, what) from None
    if conn.info.server_version < MIN_SERVER_VERSION:
        version = conn.info.server_version
        conn.close()
        raise UserError(Problem(f"{what} {target.label}", f"PostgreSQL {version // 10000} is too old; supaschema needs 14 or newer",
                                "upgrade the server (Supabase runs 15 or 17)"))
    if read_only:
        conn.read_only = True
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ  # one consistent snapshot for all queries
    return conn


def begin_catalog_read(conn: "psycopg.Connection") -> None:
    """Session settings that make the catalog's text forms identical on every server."""
    conn.execute(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}")
    # With only pg_catalog on the path, pg_get_expr and friends schema-qualify every user name.
    conn.execute("SET LOCAL search_path = pg_catalog")
    conn.execute("SET LOCAL lock_timeout = 5000")
    # A constant's text (a timestamptz default, a seeded interval, a bytea) follows the session's settings,
    # which a database or role may set (ALTER DATABASE ... SET timezone): fixed, or they would show as drift.
    conn.execute("SELECT pg_catalog.set_config('TimeZone', 'UTC', true), pg_catalog.set_config('DateStyle', 'ISO, MDY', true),"
                 " pg_catalog.set_config('IntervalStyle', 'postgres', true), pg_catalog.set_config('bytea_output', 'hex', true),"
                 " pg_catalog.set_config('extra_float_digits', '1', true)")
    # As pg_dump does: if RLS would hide seeded rows from this role, fail loudly instead of
    # reporting every hidden row as missing.
    conn.execute("SET LOCAL row_security = off")


class MigrationFailed(UserError):
    """A migration PostgreSQL refused; `origin` and `message` let a caller blame the source it came from."""

    def __init__(self, problem: Problem, origin: str, message: str):
        super().__init__(problem)
        self.origin, self.message = origin, message


def first_failure(conn: "psycopg.Connection", statements: list[str]) -> tuple[int, str] | None:
    """Run statements one by one (autocommit): the index and message of the first one PostgreSQL refuses."""
    import psycopg

    for index, statement in enumerate(statements):
        try:
            conn.execute(statement)
        except psycopg.Error as exc:
            return index, conninfo.mask((exc.diag.message_primary or str(exc)).strip(), (conn.info.password or "",))
    return None


def apply_sql(conn: "psycopg.Connection", sql: str, origin: str) -> None:
    """Run a whole migration file; on error, name the file, line and statement.

    A file holding statements PostgreSQL refuses in a transaction block (CREATE INDEX CONCURRENTLY)
    is run the way push and the Supabase CLI run it: in runs, those statements alone."""
    from ..sqltext.statements import split_statements
    from ..sqltext.transaction_blocks import runs

    pieces = runs(split_statements(sql))
    if any(run.alone for run in pieces):
        for run in pieces:
            _apply_text(conn, "".join(f"{statement};\n" for statement in run.statements), origin)
        return
    _apply_text(conn, sql, origin)


def _apply_text(conn: "psycopg.Connection", sql: str, origin: str) -> None:
    import psycopg

    try:
        conn.execute(sql)  # no parameters: sent as one simple-protocol query, all statements
    except psycopg.Error as exc:
        position = getattr(exc.diag, "statement_position", None)
        line = sql[: int(position)].count("\n") + 1 if position else None
        statement = _statement_at(sql, int(position)) if position else ""
        where = f"{origin}:{line}" if line else origin
        message = conninfo.mask((exc.diag.message_primary or str(exc)).strip(), (conn.info.password or "",))
        detail = f" in `{statement}`" if statement else ""
        if isinstance(exc, psycopg.errors.InsufficientPrivilege):
            # Throwaway databases only: the SQL would run as a superuser; the server's role is what falls short.
            raise UserError(Problem(where, f"the shadow server's role lacks a privilege: {message}{detail}",
                                    "connect --shadow-url as a role that has it (a superuser has all), "
                                    "or leave --shadow-url out to use a local throwaway server")) from None
        raise MigrationFailed(Problem(where, f"PostgreSQL rejected the migration: {message}{detail}",
                                      "fix the SQL (or schema.yaml, then `supaschema gen`)"), origin, message) from None


def _statement_at(sql: str, position: int) -> str:
    start = sql.rfind(";", 0, position - 1) + 1
    end = sql.find(";", position - 1)
    text = " ".join(sql[start: end if end >= 0 else None].split())
    return text[:160] + ("…" if len(text) > 160 else "")
