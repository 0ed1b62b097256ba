"""The roles a Supabase project has (anon, authenticated, ...), for throwaway databases.

Roles belong to the whole server, not to one database. On a --shadow-url server that someone
else owns, only the missing ones are created, and `RoleFootprint.undo` drops them (and revokes
the memberships granted) when done. A privilege the URL's role lacks is named (CREATEROLE,
CREATEDB, membership), never blamed on the SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import Problem, UserError
from ..spec.model import API_ROLES
from ..sqltext.quoting import ident

if TYPE_CHECKING:
    import psycopg

# As Supabase creates them. BYPASSRLS is left out where the connecting role may not grant it:
# nothing supaschema reads from a shadow database depends on it.
ROLES = {
    "anon": "NOLOGIN NOINHERIT",
    "authenticated": "NOLOGIN NOINHERIT",
    "service_role": "NOLOGIN NOINHERIT BYPASSRLS",
    "supabase_auth_admin": "NOLOGIN NOINHERIT CREATEROLE",
    "authenticator": "LOGIN NOINHERIT",
}
AUTH_OWNER = "supabase_auth_admin"  # the stub makes it own the auth schema, as on Supabase
NO_SHADOW_URL = "or leave --shadow-url out to use a local throwaway server"


@dataclass
class RoleFootprint:
    """What was changed on the server's role list, to be undone."""

    created: list[str] = field(default_factory=list)
    memberships: list[tuple[str, str]] = field(default_factory=list)  # (role, member) granted on existing roles

    def undo(self, conn: "psycopg.Connection") -> list[str]:
        """Revoke and drop what was added; returns the roles still in use (another run's databases)."""
        import psycopg

        for role, member in reversed(self.memberships):
            conn.execute(f"REVOKE {ident(role)} FROM {ident(member)}")
        self.memberships.clear()
        kept = []
        for role in reversed(self.created):
            try:
                conn.execute(f"DROP ROLE IF EXISTS {ident(role)}")
            except psycopg.errors.DependentObjectsStillExist:
                kept.append(role)
        self.created = kept
        return kept


@dataclass(frozen=True, slots=True)
class Me:
    name: str
    superuser: bool
    createrole: bool
    createdb: bool
    bypassrls: bool


def who_am_i(conn: "psycopg.Connection") -> Me:
    row = conn.execute("SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_catalog.pg_roles "
                       "WHERE rolname = current_user").fetchone()
    return Me(*row)


def require_createdb(me: Me, where: str) -> None:
    if not (me.superuser or me.createdb):
        raise UserError(Problem(where, f"the role {me.name} may not create databases (it lacks CREATEDB), and the shadow "
                                       "databases are created there",
                                f"ALTER ROLE {ident(me.name)} CREATEDB (as a superuser), {NO_SHADOW_URL}"))


def ensure_roles(conn: "psycopg.Connection", me: Me, where: str, footprint: RoleFootprint) -> None:
    """Create the missing roles, and make sure `me` may hand the auth schema to its owner; every change
    goes into `footprint` as it happens, so a failure half-way is still undone."""
    import psycopg

    existing = {name for (name,) in conn.execute("SELECT rolname FROM pg_catalog.pg_roles WHERE rolname = ANY(%s)", (list(ROLES),))}
    missing = [name for name in ROLES if name not in existing]
    if missing and not (me.superuser or me.createrole):
        raise UserError(Problem(where, f"the role {me.name} may not create the roles a Supabase project has "
                                       f"({', '.join(missing)}): it lacks CREATEROLE",
                                f"ALTER ROLE {ident(me.name)} CREATEROLE, or create these roles on that server beforehand, {NO_SHADOW_URL}"))
    try:
        for name in missing:
            attributes = ROLES[name]
            if not (me.superuser or me.bypassrls):
                attributes = attributes.replace(" BYPASSRLS", "")
            conn.execute(f"CREATE ROLE {ident(name)} {attributes}")
            footprint.created.append(name)
    except psycopg.errors.InsufficientPrivilege as exc:
        raise UserError(Problem(where, f"the role {me.name} may not create the role {name}: {exc.diag.message_primary}",
                                f"create the roles {', '.join(missing)} on that server beforehand (as a superuser), {NO_SHADOW_URL}")) from None
    if me.superuser:
        for name in API_ROLES:  # as on Supabase; a superuser shadow is our own or the user's to keep
            for member in ("authenticator", "postgres"):
                if name in footprint.created and (member in footprint.created or member in existing or member == me.name):
                    conn.execute(f"GRANT {ident(name)} TO {ident(member)}")
        return
    _join_auth_owner(conn, me, where, footprint)


def ensure_project_roles(conn: "psycopg.Connection", me: Me, where: str, footprint: RoleFootprint,
                         roles: tuple[str, ...]) -> None:
    """The roles schema.yaml grants to (roles are the platform's: a real project has them), created
    NOLOGIN where missing so that the grants apply in a shadow database; undone like the others."""
    import psycopg

    existing = {name for (name,) in conn.execute("SELECT rolname FROM pg_catalog.pg_roles WHERE rolname = ANY(%s)", (list(roles),))}
    missing = [name for name in roles if name not in existing and name.lower() != "public"]
    if missing and not (me.superuser or me.createrole):
        raise UserError(Problem(where, f"the role {me.name} may not create the roles schema.yaml grants to "
                                       f"({', '.join(missing)}): it lacks CREATEROLE",
                                f"create these roles on that server beforehand, {NO_SHADOW_URL}"))
    for name in missing:
        try:
            conn.execute(f"CREATE ROLE {ident(name)} NOLOGIN")
        except (psycopg.errors.DuplicateObject, psycopg.errors.UniqueViolation):
            continue  # a concurrent run made it first: it is that run's to drop
        footprint.created.append(name)


def _join_auth_owner(conn: "psycopg.Connection", me: Me, where: str, footprint: RoleFootprint) -> None:
    import psycopg

    privilege = "SET" if conn.info.server_version >= 160000 else "MEMBER"  # PostgreSQL 16 split membership
    if conn.execute("SELECT pg_catalog.pg_has_role(current_user, %s, %s)", (AUTH_OWNER, privilege)).fetchone()[0]:
        return
    try:
        conn.execute(f"GRANT {ident(AUTH_OWNER)} TO {ident(me.name)}")
    except psycopg.errors.InsufficientPrivilege:
        raise UserError(Problem(where, f"the role {me.name} must be a member of {AUTH_OWNER} (the stub makes it own the auth "
                                       "schema, as on Supabase), and may not grant that to itself",
                                f"GRANT {ident(AUTH_OWNER)} TO {ident(me.name)} (as a superuser), {NO_SHADOW_URL}")) from None
    if AUTH_OWNER not in footprint.created:
        footprint.memberships.append((AUTH_OWNER, me.name))
