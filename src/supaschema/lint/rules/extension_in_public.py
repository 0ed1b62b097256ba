"""0014 extension_in_public: an extension installed in the public schema, where the Data API serves its
functions and types beside the project's own (plpgsql is PostgreSQL's, and never flagged)."""

from ...catalog import snapshot as snap
from ..model import SECURITY, WARN, Hit, Rule


def check(ctx):
    for extension in ctx.all(snap.Extension):
        if extension.schema == "public":
            yield Hit(extension.path, f"Extension `{extension.name}` is installed in the public schema. Move it to another schema.",
                      f"extension_in_public_{extension.name}", {"schema": "public", "name": extension.name, "type": "extension"},
                      ("extensions", extension.name))


RULE = Rule(
    name="extension_in_public", title="Extension in Public", level=WARN, categories=(SECURITY,),
    description="An extension in `public` puts its functions and types in the schema the Data API exposes, "
                "beside the project's own, and on every role's search_path.",
    fix="ALTER EXTENSION ... SET SCHEMA extensions (for an extension that cannot move: drop it, then CREATE EXTENSION ... WITH SCHEMA extensions).",
    fix_yaml="Declare it under `extensions:` without `schema:` (Supabase's `extensions` schema is the default), "
             "or with `schema:` naming another schema; `plan` moves it.",
    check=check, reference="0014_extension_in_public")
