"""A real PostgreSQL for the whole session, and throwaway databases on it.

The server is started once per run (initdb once, into a cache private to the
run) and stopped at the end even when tests fail. SUPASCHEMA_TEST_PG_MAJOR
picks a server version.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import psycopg
import pytest

from supaschema.postgres.connection import Target
from supaschema.postgres.server import LocalPostgres
from supaschema.postgres.shadow import Throwaway, on_local_server

from .helpers import committed_migrations

# Hermetic caches: the suite never reads what an earlier run (or the user's own work) left in
# ~/.cache/supaschema, so every run builds its shadow states for real at least once.
_OWN_CACHE = None if "SUPASCHEMA_CACHE_DIR" in os.environ else tempfile.mkdtemp(prefix="supaschema-test-cache-")
if _OWN_CACHE:
    os.environ["SUPASCHEMA_CACHE_DIR"] = _OWN_CACHE


def pytest_unconfigure(config):
    if _OWN_CACHE:
        shutil.rmtree(_OWN_CACHE, ignore_errors=True)


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
