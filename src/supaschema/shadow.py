"""Throwaway databases on a local server: the Supabase stub, then migrations.

The stub is applied once into a template database; every further database is
a cheap `CREATE DATABASE ... TEMPLATE` copy of it.
"""

from __future__ import annotations

import itertools
from functools import cache
from importlib import resources

from .database import Target, apply_sql, connect
from .postgres_server import LocalPostgres
from .sql_text import ident

STUB_TEMPLATE = "supaschema_stub"


@cache
def supabase_stub_sql() -> str:
    return resources.files("supaschema.sql").joinpath("supabase_stub.sql").read_text("utf-8")


class Throwaway:
    """Creates databases that look like a fresh Supabase project, optionally with migrations applied."""

    def __init__(self, server: LocalPostgres):
        self.server = server
        self._counter = itertools.count(1)
        self._stub_ready = False

    def _admin(self):
        return connect(Target(self.server.url(), "throwaway server"), what="throwaway server", read_only=False)

    def _ensure_stub(self) -> None:
        if self._stub_ready:
            return
        with self._admin() as conn:
            conn.execute(f"CREATE DATABASE {STUB_TEMPLATE}")
        with connect(Target(self.server.url(STUB_TEMPLATE), "stub"), read_only=False) as conn:
            apply_sql(conn, supabase_stub_sql(), "supabase_stub.sql")
        self._stub_ready = True

    def create(self, migrations: list[tuple[str, str]] = (), *, prefix: str = "db") -> Target:
        """A new database with the stub and then each (origin, sql) applied in order."""
        self._ensure_stub()
        name = f"{prefix}_{next(self._counter)}"
        with self._admin() as conn:
            conn.execute(f"CREATE DATABASE {ident(name)} TEMPLATE {STUB_TEMPLATE}")
        target = Target(self.server.url(name), f"throwaway database {name}")
        with connect(target, what="throwaway database", read_only=False) as conn:
            for origin, sql in migrations:
                apply_sql(conn, sql, origin)
        return target

    def drop(self, target: Target) -> None:
        name = target.url.rsplit("/", 1)[1]
        with self._admin() as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {ident(name)} WITH (FORCE)")
