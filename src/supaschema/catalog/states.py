"""The states a comparison can relate, each produced as a catalog snapshot.

- desired: schema.yaml rendered now and applied to a shadow database;
- committed: the migration files in generated/ applied to a shadow database;
- live: a real database, read in a read-only transaction.
"""

from __future__ import annotations

from pathlib import Path

from .. import progress
from ..catalog import snapshot as snap
from ..postgres.connection import MigrationFailed, Target, connect
from ..errors import Problem, UserError, clipped
from ..sqltext.quoting import qualified
from ..catalog.introspect import Scope, SeedScope, introspect
from ..render.migrations import render_migrations
from ..postgres.shadow import Throwaway
from ..spec.model import API_ROLES, Spec


def scope_for(spec: Spec | None) -> Scope:
    if spec is None:
        return Scope()
    declared = ([r for t in spec.tables for r, _ in t.grants] + [r for t in spec.tables for c in t.columns for r, _ in c.grants] + [r for d in spec.default_privileges for r, _ in d.grants]
                + [d.creator for d in spec.default_privileges if d.creator]
                + [r for o in (*spec.sequences, *spec.domains, *spec.composite_types) for r, _ in o.grants] + list(spec.roles))
    roles = sorted({*API_ROLES, *(r for r in declared if r.lower() != "public")})
    tables = {(t.schema, t.name): t for t in spec.tables}
    seeds = tuple(SeedScope(sd.schema, sd.table, sd.key, sd.columns, *_renamed(tables.get((sd.schema, sd.table)))) for sd in spec.seeds)
    extensions = tuple(sorted(e.name for e in spec.extensions)) if spec.extensions is not None else None
    return Scope(schemas=("public", *sorted(sc.name for sc in spec.schemas)), roles=tuple(roles), seeds=seeds, owner=spec.owner,
                 extensions=extensions)


def _renamed(table) -> tuple:
    """A seeded table's `renamed_from`, and its renamed columns: where its rows are until the renames are done."""
    if table is None:
        return None, ()
    return table.renamed_from, tuple((c.name, c.renamed_from) for c in table.columns if c.renamed_from)


def snapshot_of(target: Target, scope: Scope, what: str = "database") -> snap.Snapshot:
    import psycopg

    where = f"{what} {target.label}"
    conn = connect(target, what=what, read_only=True)
    try:
        with progress.step(f"reading the catalog of {target.label}"):
            return introspect(conn, scope)
    except psycopg.errors.InsufficientPrivilege as exc:
        raise _privilege_error(conn, scope, where, target.mask(exc.diag.message_primary or str(exc))) from None
    except psycopg.errors.QueryCanceled:
        raise UserError(Problem(where, "reading the catalog hit the statement timeout",
                                "retry when the database is less busy")) from None
    except psycopg.Error as exc:
        raise UserError(Problem(where, f"reading the catalog failed: {target.mask(str(exc).strip().splitlines()[0])}",
                                "check that this is the right database")) from None
    finally:
        conn.close()


def _privilege_error(conn, scope: Scope, where: str, message: str) -> UserError:
    """Name the privilege that is missing. PostgreSQL checks row security before table privileges,
    so a role without SELECT on a seeded table first hears about RLS: ask which one it lacks."""
    unreadable = _unreadable_seed_tables(conn, scope)
    if unreadable:
        tables = ", ".join(unreadable)
        return UserError(Problem(where, f"permission denied for table {tables}",
                                 f"grant SELECT on {'it' if len(unreadable) == 1 else 'them'} to this role "
                                 "(GRANT SELECT ON ... TO role), or connect as postgres"))
    if "row-level security" in message:
        return UserError(Problem(where, f"seeded rows are hidden from this role: {message}",
                                 "connect as a role with BYPASSRLS (on Supabase, postgres), so seed rows can be compared"))
    return UserError(Problem(where, f"permission denied while reading: {message}",
                             "connect as a role that can read the catalogs and the seeded tables"))


def _unreadable_seed_tables(conn, scope: Scope) -> list[str]:
    import psycopg

    names = [qualified(seed.schema, seed.table) for seed in scope.seeds]
    try:
        conn.rollback()
        rows = conn.execute(
            "SELECT t FROM pg_catalog.unnest(%s::text[]) AS t "
            "WHERE pg_catalog.to_regclass(t) IS NOT NULL AND NOT pg_catalog.has_table_privilege(pg_catalog.to_regclass(t), 'SELECT')",
            (names,)).fetchall()
        conn.rollback()
    except psycopg.Error:  # the diagnosis is a courtesy: the original error is still reported
        return []
    return [t for (t,) in rows]


def desired_snapshot(throwaway: Throwaway, spec: Spec, templates: Path, scope: Scope) -> snap.Snapshot:
    migrations = [(f"{name} (rendered from schema.yaml)", sql) for name, sql in render_migrations(spec, templates).items()]
    try:
        return _applied_snapshot(throwaway, migrations, scope, "desired")
    except MigrationFailed as failed:
        raise blame_schema(throwaway, spec, templates, migrations, failed) from None


def blame_schema(throwaway: Throwaway, spec: Spec, templates: Path, migrations: list[tuple[str, str]],
                 failed: MigrationFailed) -> UserError:
    """PostgreSQL refused the rendered SQL: name the schema.yaml object (a seed: its row) and line, not the file."""
    from ..render.origins import origin_of, seed_rows
    from ..sqltext.statements import split_statements

    index = next((i for i, (origin, _) in enumerate(migrations) if origin == failed.origin), None)
    if index is None:
        return failed
    before, migration = migrations[:index], spec.migrations[index]
    statements = split_statements(migrations[index][1])
    found = throwaway.first_failure(before, statements)
    origin = origin_of(statements[found[0]], spec, migration, templates) if found else None
    if origin is None:
        return failed
    message = found[1]
    if origin.seed is not None:  # which row: each alone, after what the file did before the INSERT
        rows = seed_rows(spec, migration, origin.seed, templates)
        earlier = [("", "\n;\n".join(statements[:found[0]]))] if found[0] else []
        row = throwaway.first_failure([*before, *earlier], [sql for sql, _ in rows])
        if row is not None:
            origin, message = rows[row[0]][1], row[1]
    return UserError(Problem(f"{spec.source}:{origin.line}", f"{origin.path}: PostgreSQL refuses it: {clipped(message, 300)}",
                             "fix it in schema.yaml (found on a throwaway shadow database: nothing was applied anywhere else)"))


def committed_files(folder: Path) -> list[tuple[str, str]]:
    from ..render.files import list_migrations

    migrations = list_migrations(folder)  # every .sql file must be a migration, in version order
    if not migrations:
        raise UserError(Problem(str(folder), "no migration files here", "run `supaschema gen` first, or pass --generated DIR"))
    return [(str(m.path), m.read()) for m in migrations]


def committed_snapshot(throwaway: Throwaway, folder: Path, scope: Scope) -> snap.Snapshot:
    return _applied_snapshot(throwaway, committed_files(folder), scope, "committed")


def _applied_snapshot(throwaway: Throwaway, migrations: list[tuple[str, str]], scope: Scope, prefix: str) -> snap.Snapshot:
    """The snapshot of a shadow database built from these migrations; cached, since it depends on
    nothing else than the SQL, the stub, the scope, the server's version and our introspection code."""
    import dataclasses

    from .. import disk_cache
    from ..postgres.shadow import supabase_stub_sql

    key = "\0".join([disk_cache.fingerprint("catalog/*.py", "catalog/queries/*.sql", "postgres/connection.py"),
                     throwaway.server_version(), repr(scope), supabase_stub_sql(),
                     *(sql for _, sql in migrations)])
    cached = disk_cache.load("shadow-states", key, snap.Snapshot)
    if cached is not None:
        return dataclasses.replace(cached, queries=0)  # read from the cache: no query issued now
    throwaway.ensure_project_roles(scope.roles)  # grants to them must apply in the shadow
    target = throwaway.create(migrations, prefix=prefix)
    try:
        snapshot = snapshot_of(target, scope, what="shadow database")
    finally:
        throwaway.drop(target)
    disk_cache.store("shadow-states", key, snapshot)
    return snapshot


def in_parallel(*jobs):
    """Run snapshot jobs side by side: each waits mostly on its own server, so threads overlap well.

    Results come back in order; the first job's error wins, as if they had run one after the other.
    """
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = [pool.submit(job) for job in jobs]
        return [future.result() for future in futures]
