"""supaschema's own: anon_writes_new_tables and authenticated_writes_new_tables. The project owner's default
privileges let an API role INSERT, UPDATE, DELETE or TRUNCATE every table (and view) it creates next in an
exposed schema. Supabase's defaults grant ALL to anon and authenticated in `public`, so a table created without
RLS (a quick fix in the SQL editor, a migration that forgot it) is writable through the API the moment it exists.
One rule per role, as splinter's security definer pair."""

from functools import partial

from ...catalog import snapshot as snap
from ..model import INFO, SECURITY, WARN, Hit, Rule

WRITES = ("DELETE", "INSERT", "TRUNCATE", "UPDATE")


def check(role: str, ctx):
    # The project owner's (creator ""): the role that makes the project's tables; the text says so.
    defaults = [d for d in ctx.all(snap.DefaultPrivilege) if d.object_type == "tables" and ctx.exposed(d.schema) and not d.creator]
    for schema in sorted({d.schema for d in defaults}):
        # PUBLIC's defaults reach every role.
        holders = [d for d in defaults if d.schema == schema and d.grantee in (role, "public")
                   and set(WRITES) & set(d.privileges)]
        if not holders:
            continue
        writes = sorted({p for d in holders for p in d.privileges if p in WRITES})
        via = " (through PUBLIC)" if all(d.grantee == "public" for d in holders) else ""
        yield Hit(f"new tables in {schema}",
                  f"Tables created in `{schema}` by the project's owner will grant {', '.join(writes)} to `{role}`{via}.",
                  f"{role}_writes_new_tables_{schema}",
                  {"schema": schema, "type": "default privileges", "role": role, "privileges": writes},
                  ("default_privileges", schema, "tables", holders[0].grantee))


def rule(role: str, level: str, who: str) -> Rule:
    return Rule(
        name=f"{role}_writes_new_tables", title=f"{who} Can Write New Tables", level=level, categories=(SECURITY,),
        source="supaschema",
        description=f"Every table created later in an exposed schema starts out writable by `{role}` through the Data "
                    f"API, and only its RLS stands in the way: a table created without it is open the moment it exists.",
        fix=f"As the role that runs the migrations (postgres on Supabase): ALTER DEFAULT PRIVILEGES IN SCHEMA ... "
            f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON TABLES FROM {role}; then grant each table what it needs.",
        fix_yaml=f"Declare `default_privileges: {{<schema>: {{tables: {{{role}: []}}}}}}` (or `[select]`) and give "
                 f"each table its `grants:`.",
        check=partial(check, role))


RULES = (rule("anon", WARN, "Public"), rule("authenticated", INFO, "Signed-In Users"))
