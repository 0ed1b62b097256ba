"""Connections: read-only ones for live databases, writable ones for throwaway databases.

Every failure to connect becomes one UserError line that says what went wrong
without the password.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import Problem, UserError

if TYPE_CHECKING:
    import psycopg

# libpq's own variable, so users tune it the way they already know.
CONNECT_TIMEOUT_S = int(os.environ.get("PGCONNECT_TIMEOUT") or 10)
STATEMENT_TIMEOUT_MS = 30_000
MIN_SERVER_VERSION = 140000  # CREATE OR REPLACE TRIGGER and pg_get_function_sqlbody


@dataclass(frozen=True, slots=True)
class Target:
    url: str
    label: str  # what messages may show: the URL without its password

    @staticmethod
    def parse(url: str, what: str = "database") -> "Target":
        from psycopg.conninfo import conninfo_to_dict

        try:
            params = conninfo_to_dict(url)
        except Exception as exc:  # psycopg raises ProgrammingError with libpq's text
            raise UserError(Problem(what, f"not a valid connection URL ({_first_line(exc)})",
                                    "use postgresql://USER:PASSWORD@HOST:PORT/DATABASE")) from None
        if not url.startswith(("postgresql://", "postgres://")) and "=" not in url:
            raise UserError(Problem(what, "not a valid connection URL", "use postgresql://USER:PASSWORD@HOST:PORT/DATABASE"))
        return Target(url, redact(url, params.get("password")))


def redact(url: str, password: str | None = None) -> str:
    text = re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)
    text = re.sub(r"(password=)\S+", r"\1***", text)
    return text.replace(password, "***") if password else text


def _first_line(exc: BaseException) -> str:
    """libpq's message, first line, with anything shaped like a password masked."""
    text = str(exc).strip()
    return redact(text.splitlines()[0]) if text else type(exc).__name__


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
        why, fix = f"not a valid connection URL ({_first_line(exc)})", "use postgresql://USER:PASSWORD@HOST:PORT/DATABASE"
    elif "connection refused" in lowered or "could not translate host name" in lowered or "failed to resolve host" in lowered or "no route" in lowered or "could not connect" in lowered:
        why, fix = "cannot reach the server", "check host and port, and that PostgreSQL is running there"
    elif "invalid response" in lowered or "server closed the connection" in lowered or "expected authentication request" in lowered or "unsupported frontend protocol" in lowered:
        why, fix = "the server did not answer as PostgreSQL does", "check that the port is PostgreSQL's (Supabase: 5432 direct, 6543 pooler)"
    else:
        why, fix = _first_line(exc), "check the connection URL"
    for secret in _secrets(target):
        why = why.replace(secret, "***")
    return UserError(Problem(f"{what} {target.label}", why, fix))


def _secrets(target: Target) -> list[str]:
    from psycopg.conninfo import conninfo_to_dict

    password = conninfo_to_dict(target.url).get("password")
    return [password] if password else []


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
    # As pg_dump does: if RLS would hide seeded rows from this role, fail loudly instead of
    # reporting every hidden row as missing.
    conn.execute("SET LOCAL row_security = off")


def apply_sql(conn: "psycopg.Connection", sql: str, origin: str) -> None:
    """Run a whole migration file; on error, name the file, line and statement."""
    import psycopg

    try:
        conn.execute(sql)  # no parameters: sent as one simple-protocol query, all statements
    except psycopg.Error as exc:
        position = getattr(exc.diag, "statement_position", None)
        line = sql[: int(position)].count("\n") + 1 if position else None
        statement = _statement_at(sql, int(position)) if position else ""
        where = f"{origin}:{line}" if line else origin
        message = (exc.diag.message_primary or str(exc)).strip()
        detail = f" in `{statement}`" if statement else ""
        raise UserError(Problem(where, f"PostgreSQL rejected the migration: {message}{detail}",
                                "fix the SQL (or schema.yaml, then `supaschema gen`)")) from None


def _statement_at(sql: str, position: int) -> str:
    start = sql.rfind(";", 0, position - 1) + 1
    end = sql.find(";", position - 1)
    text = " ".join(sql[start: end if end >= 0 else None].split())
    return text[:160] + ("…" if len(text) > 160 else "")
