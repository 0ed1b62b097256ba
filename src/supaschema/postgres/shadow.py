"""Throwaway databases: the Supabase stub, then migrations; and the server they live on.

The stub is applied once into a template database; every further database is
a cheap `CREATE DATABASE ... TEMPLATE` copy of it. The server is either our
own local PostgreSQL (cached initdb) or one the user names with --shadow-url,
where we only ever create and drop our own uniquely named databases.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import threading
from collections.abc import Callable, Iterator
from functools import cache
from importlib import resources

from .. import progress
from ..errors import Problem, UserError
from ..postgres.connection import Target, apply_sql, connect, first_failure
from ..sqltext.statements import split_statements
from ..sqltext.quoting import ident
from .stub_roles import RoleFootprint, ensure_project_roles, ensure_roles, require_createdb, who_am_i

STUB_TEMPLATE_PREFIX = "supaschema_stub"
_INSTANCES = itertools.count(1)


@cache
def supabase_stub_sql() -> str:
    return resources.files("supaschema.postgres").joinpath("supabase_stub.sql").read_text("utf-8")


def apply_stub(conn, where: str) -> None:
    """The roles, then the stub, into a database on a server of our own (supaschema dev): the roles stay."""
    ensure_roles(conn, who_am_i(conn), where, RoleFootprint())
    apply_sql(conn, supabase_stub_sql(), "supabase_stub.sql")


class Throwaway:
    """Creates databases that look like a fresh Supabase project, optionally with migrations applied."""

    def __init__(self, admin: Target, url_for: Callable[[str], str], version: str = "", *, borrowed: bool = False):
        self.admin = admin
        # A borrowed server (--shadow-url) gets back its role list as it was; our own is thrown away.
        self.borrowed = borrowed
        self.footprint = RoleFootprint()
        self.url_for = url_for
        self._version = version
        self._counter = itertools.count(1)
        # Unique per process and instance, so concurrent runs against one --shadow-url never collide.
        self._tag = f"{os.getpid()}_{next(_INSTANCES)}"
        self._stub: str | None = None
        self._stub_lock = threading.Lock()  # desired and committed states may be built side by side
        self.created: list[str] = []

    def _admin(self):
        return connect(self.admin, what="shadow server", read_only=False)

    def server_version(self) -> str:
        """Names the server that normalises the desired state, for caching it."""
        if not self._version:
            with self._admin() as conn:
                self._version = conn.execute("SELECT pg_catalog.version()").fetchone()[0]
        return self._version

    def _ensure_stub(self) -> str:
        with self._stub_lock:
            return self._make_stub()

    def _make_stub(self) -> str:
        if self._stub is None:
            name = f"{STUB_TEMPLATE_PREFIX}_{self._tag}"
            where = f"shadow server {self.admin.label}"
            with self._admin() as admin:
                me = who_am_i(admin)
                require_createdb(me, where)
                ensure_roles(admin, me, where, self.footprint)
                self._create_database(admin, name)
            with connect(Target(self.url_for(name), "stub"), what="shadow database", read_only=False) as conn, \
                    progress.step("shadow database: applying the Supabase stub"):
                apply_sql(conn, supabase_stub_sql(), "supabase_stub.sql")
            self._stub = name
        return self._stub

    def ensure_project_roles(self, roles: tuple[str, ...]) -> None:
        """The roles schema.yaml grants to, on this server (dropped again from a borrowed one)."""
        with self._stub_lock, self._admin() as admin:
            ensure_project_roles(admin, who_am_i(admin), f"shadow server {self.admin.label}", self.footprint, roles)

    def _create_database(self, admin, name: str, template: str | None = None) -> None:
        import psycopg

        try:
            admin.execute(f"CREATE DATABASE {ident(name)}" + (f" TEMPLATE {ident(template)}" if template else ""))
        except psycopg.errors.InsufficientPrivilege as exc:
            raise UserError(Problem(f"shadow server {self.admin.label}", f"may not create a shadow database: {exc.diag.message_primary}",
                                    "give the --shadow-url role CREATEDB (ALTER ROLE ... CREATEDB), or leave --shadow-url out "
                                    "to use a local throwaway server")) from None
        self.created.append(name)

    def create(self, migrations: list[tuple[str, str]] = (), *, prefix: str = "db") -> Target:
        """A new database with the stub and then each (origin, sql) applied in order."""
        stub = self._ensure_stub()
        name = f"supaschema_{prefix}_{self._tag}_{next(self._counter)}"
        with self._admin() as conn:
            self._create_database(conn, name, stub)
        target = Target(self.url_for(name), f"shadow database {name}")
        with connect(target, what="shadow database", read_only=False) as conn:
            for origin, sql in migrations:
                with progress.step(lambda origin=origin, sql=sql: f"shadow database: applying {origin} "
                                                                  f"({len(split_statements(sql))} statements)"):
                    apply_sql(conn, sql, origin)
        return target

    def first_failure(self, migrations: list[tuple[str, str]], statements: list[str]) -> tuple[int, str] | None:
        """On a new database with these migrations applied: the first of `statements` PostgreSQL refuses."""
        target = self.create(migrations, prefix="blame")
        try:
            with connect(target, what="shadow database", read_only=False) as conn:
                return first_failure(conn, statements)
        finally:
            self.drop(target)

    def copy(self, source: Target, *, prefix: str = "copy") -> Target:
        """A new database cloned from another one (which must have no open connections)."""
        from psycopg.conninfo import conninfo_to_dict

        name = f"supaschema_{prefix}_{self._tag}_{next(self._counter)}"
        with self._admin() as conn:
            self._create_database(conn, name, conninfo_to_dict(source.url)["dbname"])
        return Target(self.url_for(name), f"shadow database {name}")

    def drop(self, target: Target) -> None:
        from psycopg.conninfo import conninfo_to_dict

        name = conninfo_to_dict(target.url)["dbname"]
        with self._admin() as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {ident(name)} WITH (FORCE)")
        if name in self.created:
            self.created.remove(name)

    def drop_all(self) -> None:
        """Drop our databases, then (on a borrowed server) the roles we added: no role can be
        dropped while a database still grants it something."""
        if not self.created and not self.footprint.created and not self.footprint.memberships:
            return
        with self._admin() as conn:
            for name in reversed(self.created):
                conn.execute(f"DROP DATABASE IF EXISTS {ident(name)} WITH (FORCE)")
            if self.borrowed:
                self.footprint.undo(conn)  # roles still used by a concurrent run's databases stay
        self.created.clear()
        self._stub = None


def on_local_server(server) -> Throwaway:
    return Throwaway(Target(server.url(), "local shadow server"), server.url, server.binaries.version)


class _LazyLocal(Throwaway):
    """A local server started only when the first database is needed: a cached desired state needs none."""

    def __init__(self, server):
        super().__init__(Target("", "local shadow server"), server.url, server.binaries.version)
        self.server = server
        self._start_lock = threading.Lock()

    def _admin(self):
        with self._start_lock:
            if self.server.workdir is None:
                with progress.step("starting a throwaway PostgreSQL"):
                    self.server.start()
                self.admin = Target(self.server.url(), "local shadow server")
        return super()._admin()


@contextlib.contextmanager
def shadow(shadow_url: str | None = None) -> Iterator[Throwaway]:
    """A place for throwaway databases: the user's server, or a local one started (and stopped) here."""
    if shadow_url is not None:  # given but empty is an error (Target.parse says so), never the local fall-back
        from psycopg.conninfo import make_conninfo

        admin = Target.parse(shadow_url, "--shadow-url")
        throwaway = Throwaway(admin, lambda name: make_conninfo(shadow_url, dbname=name), borrowed=True)
        try:
            yield throwaway
        finally:
            throwaway.drop_all()
        return
    from ..postgres.server import LocalPostgres

    server = LocalPostgres()
    try:
        yield _LazyLocal(server)
    finally:
        server.stop()
