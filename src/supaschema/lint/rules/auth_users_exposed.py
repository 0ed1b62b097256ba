"""0002 auth_users_exposed: a view the API serves that reads auth.users (emails, phones, metadata of every user).

As splinter: a view or materialized view in an exposed schema, selectable by anon or authenticated, that
reads auth.users directly, and does so past row-level security: a materialized view (no RLS at all), a
view that runs as its owner, or a security_invoker view while auth.users itself has RLS off.
"""

from ...catalog import snapshot as snap
from ..model import ERROR, SECURITY, Rule, relation_hit, view_anchor

AUTH_USERS = "auth.users"


def past_rls(view: snap.View) -> bool:
    return view.materialized or not view.security_invoker or AUTH_USERS in view.reads_without_rls


def check(ctx):
    for view in ctx.served_views():
        if AUTH_USERS in view.reads and past_rls(view):
            yield relation_hit("auth_users_exposed", view,
                               f'View/Materialized View "{view.name}" in the public schema may expose `auth.users` data '
                               f"to anon or authenticated roles.",
                               view_anchor(view), "view", exposed_to=ctx.api_readers(view.path)[:1])  # splinter names the first reader


RULE = Rule(
    name="auth_users_exposed", title="Exposed Auth Users", level=ERROR, categories=(SECURITY,),
    description="auth.users holds every user's email, phone and metadata; a view over it that the API serves past "
                "row-level security hands them to anyone with the anon key.",
    fix="Revoke SELECT on the view from anon and authenticated, or move it to a schema the API does not expose, "
        "or make it security_invoker, so it reads auth.users with the caller's own privileges and RLS.",
    fix_yaml="Drop anon/authenticated from the view's `grants:`, or declare it in a schema that is not in "
             "`lint.exposed_schemas`; keep `security_invoker` (the default) and never `materialized: true` over auth.users.",
    check=check, reference="0002_auth_users_exposed")
