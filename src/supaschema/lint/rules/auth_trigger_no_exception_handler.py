"""supaschema's own: a trigger on auth.users whose function cannot catch its own errors. Any error in it
aborts the INSERT into auth.users, so signups fail ("Database error saving new user")."""

from ...catalog import snapshot as snap
from ..body_text import has_exception_handler
from ..model import SECURITY, WARN, Hit, Rule


def check(ctx):
    for trigger in ctx.all(snap.Trigger):
        if (trigger.schema, trigger.table) != ("auth", "users"):
            continue
        for function in ctx.trigger_function(trigger.function):
            if function.language.lower() != "plpgsql" or not has_exception_handler(function.body):
                yield Hit(trigger.path, f"Trigger `{trigger.name}` on `auth.users` calls `{trigger.function}`, which has "
                                        f"no EXCEPTION handler: an error in it makes signup fail.",
                          f"auth_trigger_no_exception_handler_{trigger.name}_{trigger.function}",
                          {"schema": "auth", "name": "users", "type": "trigger", "trigger": trigger.name,
                           "function": trigger.function}, ("triggers", trigger.name))


RULE = Rule(
    name="auth_trigger_no_exception_handler", title="Auth Trigger Without Exception Handler", level=WARN,
    categories=(SECURITY,), source="supaschema",
    description="An error in a trigger on auth.users rolls back the user's creation, so a bug or a constraint in "
                "the function turns into failed signups.",
    fix="Write the function in PL/pgSQL with `EXCEPTION WHEN OTHERS THEN RAISE WARNING ...; RETURN NEW;`.",
    fix_yaml="End the function's `body:` with `EXCEPTION WHEN OTHERS THEN RAISE WARNING '...'; RETURN NEW;`.",
    check=check)
