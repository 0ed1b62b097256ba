"""A real PostgreSQL for the whole session, and throwaway databases on it.

The server is started once (initdb is cached across runs) and stopped at the
end even when tests fail. SUPASCHEMA_TEST_PG_MAJOR picks a server version.
"""

from __future__ import annotations

import os

import psycopg
import pytest

from supaschema.database import Target
from supaschema.postgres_server import LocalPostgres
from supaschema.shadow import Throwaway, on_local_server

from .helpers import committed_migrations


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files from the current output")


@pytest.fixture(scope="session")
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


@pytest.fixture(scope="session")
def server():
    major = os.environ.get("SUPASCHEMA_TEST_PG_MAJOR")
    pg = LocalPostgres(major=int(major) if major else None)
    pg.start()
    try:
        yield pg
    finally:
        pg.stop()


@pytest.fixture(scope="session")
def throwaway(server) -> Throwaway:
    return on_local_server(server)


@pytest.fixture
def migrated(throwaway) -> Target:
    """A fresh database with the stub and the committed generated/ applied."""
    target = throwaway.create(committed_migrations(), prefix="migrated")
    yield target
    throwaway.drop(target)


@pytest.fixture
def admin(migrated):
    with psycopg.connect(migrated.url, autocommit=True) as conn:
        yield conn
