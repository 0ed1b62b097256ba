"""Apply the migrations a database has not recorded, keeping Supabase's own history.

History lives in supabase_migrations.schema_migrations (version, statements, name),
the table the Supabase CLI reads, so `supabase migration list` agrees with us.
Before anything is written, the pending statements' data preconditions are checked
read-only against the rows (preflight/) and their locks measured on the live tables
(online/hazards.py); then each file runs with its history row in one transaction, or,
when it holds statements that cannot run in one (CREATE INDEX CONCURRENTLY), in runs
recorded only once all succeeded (online/applying.py), always under a lock timeout; an
advisory lock keeps two pushes from applying the same file.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .postgres.connection import Target, connect
from .errors import Problem, UserError
from .online.applying import FileApply, LockPolicy
from .online.hazards import Hazard, measure, refuse_risky
from .render.files import MigrationFile
from .preflight.checks import Findings, check_data
from .preflight.preconditions import Located
from .sqltext.statements import split_statements
from .spec.model import API_ROLES

if TYPE_CHECKING:
    import psycopg

# Any fixed 64-bit number: every supaschema push to a database takes this lock.
PUSH_LOCK_KEY = 7_365_281_902_114_557
LOCK_WAIT_S = 60
HISTORY_COLUMNS = {"version": "text", "statements": "text[]", "name": "text"}

CREATE_HISTORY = """
CREATE SCHEMA IF NOT EXISTS supabase_migrations;
CREATE TABLE IF NOT EXISTS supabase_migrations.schema_migrations (
    version text NOT NULL PRIMARY KEY,
    statements text[],
    name text
)
"""


# Adoption leaves the history rows it finds as they are (the Supabase CLI keeps reading them) and
# notes here which local files stand for what was built by hand, and which old versions it accepted.
CREATE_ADOPTIONS = """
CREATE TABLE IF NOT EXISTS supabase_migrations.supaschema_adoptions (
    version text NOT NULL PRIMARY KEY,
    source text NOT NULL CHECK (source IN ('generated', 'history')),
    sha256 text,
    adopted_at timestamptz NOT NULL DEFAULT now()
)
"""
ADOPT_HINT = ("if this database was built before supaschema (hand-written migrations), adopt it once with "
              "`supaschema push --adopt`, which first proves there is no drift")


@dataclass(frozen=True, slots=True)
class PushResult:
    pending: tuple[MigrationFile, ...]
    applied: tuple[MigrationFile, ...]
    preflight: Findings
    hazards: tuple[Hazard, ...] = ()


@dataclass(frozen=True, slots=True)
class Limits:
    """How a push behaves on a busy database (push --lock-timeout, --statement-timeout, --lock-retries, --max-lock-risk)."""

    policy: LockPolicy = LockPolicy()
    max_lock_risk: int | None = None  # bytes; None: report hazards, refuse none
    max_lock_risk_text: str = ""


def push(target: Target, migrations: list[MigrationFile], *, dry_run: bool = False, limits: Limits = Limits(),
         notify: Callable[[str], None] = lambda text: None) -> PushResult:
    from .online.blockers import BlockerWatch

    where = f"database {target.label}"
    with _writer(target, where, "push", read_only=dry_run) as conn:
        _require_supabase(conn, where)
        if not dry_run:
            conn.autocommit = True
            limits.policy.configure(conn)
            _lock(conn, where)
        recorded = _recorded(conn, where)  # the history table is created only once the data checks pass
        pending = _pending(migrations, recorded, _adoptions(conn), where)
        located = _located_statements(pending)
        findings = check_data(conn, located)
        if findings.failures:
            raise UserError(list(findings.failures))
        hazards = tuple(measure(conn, located)) if pending else ()
        refuse_risky(list(hazards), limits.max_lock_risk, limits.max_lock_risk_text)
        if dry_run:
            return PushResult(tuple(pending), (), findings, hazards)
        with conn.transaction():
            conn.execute(CREATE_HISTORY)
        applied: list[MigrationFile] = []
        if not pending:
            return PushResult((), (), findings, hazards)
        with BlockerWatch(target, conn.info.backend_pid) as watch:
            for migration in pending:
                statements = split_statements(migration.read())
                FileApply(conn, target, str(migration.path), limits.policy, watch, notify,
                          lambda m=migration, s=statements: _record(conn, m, s)).run(statements)
                applied.append(migration)
        return PushResult(tuple(pending), tuple(applied), findings, hazards)


# What a writer is called in its two refusals: the past participle, and how it reaches the primary.
_WRITERS = {"push": ("pushed", "push to"), "adopt": ("adopted", "adopt on")}


@contextmanager
def _writer(target: Target, where: str, verb: str, read_only: bool = False) -> Iterator["psycopg.Connection"]:
    """The connection push and adopt write through, closed at the end; the two refusals a writer
    meets become one message each."""
    import psycopg

    done, reach = _WRITERS[verb]
    conn = connect(target, what="database", read_only=read_only)
    try:
        yield conn
    except psycopg.errors.ReadOnlySqlTransaction:
        raise UserError(Problem(where, f"the database is read-only, so nothing can be {done}",
                                f"{reach} the primary (not a read replica) with a role that may write")) from None
    except psycopg.errors.InsufficientPrivilege as exc:
        raise UserError(Problem(where, f"permission denied: {target.mask(exc.diag.message_primary or str(exc))}",
                                f"{verb} as the database owner (on Supabase: postgres)")) from None
    finally:
        conn.close()


def _require_supabase(conn: "psycopg.Connection", where: str) -> None:
    """The migrations rely on what every Supabase project has; without it they would fail half-way
    through the first file with an error that blames the migration. Checked before anything is written."""
    with conn.transaction():
        has_auth, missing_roles = conn.execute(
            "SELECT pg_catalog.to_regnamespace('auth') IS NOT NULL, "
            "ARRAY(SELECT r FROM unnest(%s::text[]) WITH ORDINALITY AS w(r, n) "
            "WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) ORDER BY n)",
            (list(API_ROLES),)).fetchone()
    if has_auth and not missing_roles:
        return
    lacks = ([] if has_auth else ["no `auth` schema"]) + ([f"no `{missing_roles[0]}` role"] if missing_roles else [])
    missing = ([] if has_auth else ["the auth schema"]) + [f"the role {role}" for role in missing_roles]
    raise UserError(Problem(where, f"this database has {' and '.join(lacks)}: is it a Supabase database? "
                                   "For a local one, run `supaschema dev start`",
                            f"push to a Supabase project's database; the migrations need what Supabase provides "
                            f"(missing here: {', '.join(missing)})"))


def _lock(conn: "psycopg.Connection", where: str) -> None:
    deadline = time.monotonic() + LOCK_WAIT_S
    while not conn.execute("SELECT pg_catalog.pg_try_advisory_lock(%s)", (PUSH_LOCK_KEY,)).fetchone()[0]:
        if time.monotonic() > deadline:
            raise UserError(Problem(where, f"another push has held the migration lock for {LOCK_WAIT_S}s",
                                    "wait for it to finish, then push again"))
        time.sleep(0.2)
    # The lock is released when the connection closes, also after an error.


def _recorded(conn: "psycopg.Connection", where: str, create: bool = False) -> dict[str, tuple[str | None, list[str] | None]]:
    with conn.transaction():
        columns = dict(conn.execute(
            "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) FROM pg_catalog.pg_attribute a "
            "WHERE a.attrelid = pg_catalog.to_regclass('supabase_migrations.schema_migrations') AND a.attnum > 0 AND NOT a.attisdropped"
        ).fetchall())
    if not columns:
        if not create:
            return {}
        with conn.transaction():
            conn.execute(CREATE_HISTORY)
        return {}
    wrong = {c: t for c, t in HISTORY_COLUMNS.items() if columns.get(c) != t}
    if wrong:
        found = ", ".join(f"{c} {t}" for c, t in columns.items())
        raise UserError(Problem(f"{where}: supabase_migrations.schema_migrations", f"unexpected columns ({found})",
                                "expected version text, statements text[], name text: check this is a Supabase migration history table"))
    with conn.transaction():
        rows = conn.execute("SELECT version, name, statements FROM supabase_migrations.schema_migrations").fetchall()
    return {version: (name, statements) for version, name, statements in rows}


def _adoptions(conn: "psycopg.Connection") -> dict[str, tuple[str, str | None]]:
    with conn.transaction():
        exists = conn.execute("SELECT pg_catalog.to_regclass('supabase_migrations.supaschema_adoptions') IS NOT NULL").fetchone()[0]
        if not exists:
            return {}
        rows = conn.execute("SELECT version, source, sha256 FROM supabase_migrations.supaschema_adoptions").fetchall()
    return {version: (source, sha) for version, source, sha in rows}


def _pending(migrations: list[MigrationFile], recorded: dict, adoptions: dict, where: str) -> list[MigrationFile]:
    local = {m.version: m for m in migrations}
    accepted = {v for v, (source, _) in adoptions.items() if source == "history"}
    unknown = sorted(set(recorded) - set(local) - accepted)
    if unknown:
        raise UserError(Problem(where, f"the database has applied migrations that generated/ lacks: {', '.join(unknown)}",
                                f"check you are pushing the right project; {ADOPT_HINT}"))
    problems = []
    for version, (_, statements) in sorted(recorded.items()):
        if version not in local:
            continue
        if version in adoptions:
            if adoptions[version][1] != local[version].sha256():
                problems.append(Problem(str(local[version].path), "was edited after it was adopted for this database",
                                        "restore the adopted version from git and put the change in a new migration (`supaschema gen`)"))
        elif statements is not None and _content(statements) != _content(split_statements(local[version].read())):
            problems.append(Problem(str(local[version].path), "was edited after it was applied to this database",
                                    "restore the applied version from git and put the change in a new migration "
                                    f"(`supaschema gen`); {ADOPT_HINT}"))
    if problems:
        raise UserError(problems)
    return [m for m in migrations if m.version not in recorded]


def adopt(target: Target, migrations: list[MigrationFile], verify: Callable[[], list]) -> tuple[list, list[str]]:
    """Record `migrations` as applied without running them, once `verify()` finds no drift.

    Returns (drift, versions recorded): with drift, nothing is recorded. Everything happens under the
    push lock, the verification included, so no push can slip in between proof and record.
    """
    where = f"database {target.label}"
    with _writer(target, where, "adopt") as conn:
        _require_supabase(conn, where)
        conn.autocommit = True
        _lock(conn, where)
        drift = verify()
        if drift:
            return drift, []
        recorded = _recorded(conn, where, create=True)
        adoptions = _adoptions(conn)
        local = {m.version for m in migrations}
        done = []
        with conn.transaction():
            conn.execute(CREATE_ADOPTIONS)
            for version in sorted(set(recorded) - local - set(adoptions)):
                conn.execute("INSERT INTO supabase_migrations.supaschema_adoptions (version, source) VALUES (%s, 'history')", (version,))
            for migration in migrations:
                statements = split_statements(migration.read())
                if migration.version not in recorded:
                    conn.execute("INSERT INTO supabase_migrations.schema_migrations (version, statements, name) VALUES (%s, %s, %s)",
                                 (migration.version, statements, migration.name))
                elif _content(recorded[migration.version][1] or []) == _content(statements):
                    continue  # already recorded with this very text
                conn.execute("INSERT INTO supabase_migrations.supaschema_adoptions (version, source, sha256) VALUES (%s, 'generated', %s) "
                             "ON CONFLICT (version) DO UPDATE SET source = 'generated', sha256 = EXCLUDED.sha256, adopted_at = now()",
                             (migration.version, migration.sha256()))
                done.append(migration.version)
        return [], done


def _located_statements(pending: list[MigrationFile]) -> list[tuple[Located, str]]:
    return [(Located(str(m.path), number), statement)
            for m in pending for number, statement in enumerate(split_statements(m.read()), 1)]


def _content(statements: list[str]) -> str:
    """What the statements say, whoever split them: the Supabase CLI cuts and trims a file its own
    way, so comment lines, layout and where one statement ends are not compared."""
    pieces = []
    for statement in statements:
        text = " ".join(line for line in statement.splitlines() if not line.strip().startswith("--"))
        pieces += [" ".join(piece.split()) for piece in text.split(";")]
    return ";".join(piece for piece in pieces if piece)


def _record(conn: "psycopg.Connection", migration: MigrationFile, statements: list[str]) -> None:
    conn.execute("INSERT INTO supabase_migrations.schema_migrations (version, statements, name) VALUES (%s, %s, %s)",
                 (migration.version, statements, migration.name))
