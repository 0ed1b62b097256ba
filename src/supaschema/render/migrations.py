"""Spec -> migration SQL text, through the Jinja templates in templates/.

Pure: the same spec and templates give byte-identical files on any machine.
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2

from ..disk_cache import template_bytecode
from ..spec import model as s
from ..spec.functions import overloads_by_name
from ..sqltext import quoting as sql_text
from ..sqltext.fragments import Fragment
from ..sqltext.statements import quoted_spans
from ..errors import Problem, UserError

# Every SQL word a template may take from data: timings, events, commands, volatilities, identities,
# foreign-key actions, index methods, trigger levels, privileges, trigger states. Nothing else passes `keyword`.
KEYWORDS = frozenset({
    "BEFORE", "AFTER", "INSTEAD OF", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "SELECT", "ALL",
    "REFERENCES", "TRIGGER", "EXECUTE", "USAGE", "MAINTAIN", "VOLATILE", "STABLE", "IMMUTABLE", "ALWAYS", "BY DEFAULT",
    "CASCADE", "RESTRICT", "SET NULL", "SET DEFAULT", "NO ACTION", "BTREE", "HASH", "GIN", "GIST", "BRIN",
    "ROW", "STATEMENT", "TABLE", "FUNCTION", "SCHEMA", "CREATE", "TYPE", "SEQUENCE", "ENABLE", "DISABLE", "ENABLE REPLICA", "ENABLE ALWAYS",
    "TABLES", "SEQUENCES", "FUNCTIONS", "TYPES", "INDEX", "DOMAIN", "POLICY",
})




def bundled_templates() -> Path:
    package = Path(__file__).resolve().parents[1]
    # Installed: templates/ inside the package (the wheel force-includes it); editable: the repository's.
    for candidate in (package / "templates", package.parents[1] / "templates"):
        if (candidate / "migration.sql.j2").is_file():
            return candidate
    raise UserError(Problem("templates", "no bundled templates found", "reinstall supaschema or pass --templates DIR"))


def templates_for(schema_path: Path, explicit: Path | None = None) -> Path:
    """The project's own templates/ beside schema.yaml win over the bundled ones."""
    if explicit is not None:
        if not (explicit / "migration.sql.j2").is_file():
            raise UserError(Problem(str(explicit), "no migration.sql.j2 in this templates folder", "point --templates at a folder holding migration.sql.j2"))
        return explicit
    beside = schema_path.resolve().parent / "templates"
    return beside if (beside / "migration.sql.j2").is_file() else bundled_templates()


def role(name: str) -> str:
    return "PUBLIC" if name.lower() == "public" else sql_text.ident(name)


def _search_path(value: str) -> str:
    parts = [p.strip() for p in value.split(",") if p.strip()]
    return ", ".join(sql_text.ident(p) for p in parts) if parts else "''"


def _sql_comment(text: str) -> str:
    # Every line gets its own "--": a newline in user text cannot end the comment.
    return "\n".join(f"-- {line}".rstrip() for line in text.splitlines() or [""])


def _value_rows(rows) -> str:
    # A Python loop, not a template one: seed tables hold thousands of rows, and Jinja's loop
    # costs a macro-call's worth per value.
    return ",\n".join("    (" + ", ".join(sql_text.literal(v) for v in row) + ")" for row in rows)


def _keyword(value: str | list[str] | tuple[str, ...], separator: str | None = None) -> str:
    if separator is not None and not isinstance(value, str):
        return separator.join(_keyword(v) for v in value)
    if not isinstance(value, str) or value.upper() not in KEYWORDS:
        raise jinja2.TemplateRuntimeError(f"{value!r} is not one of the SQL words a template may insert")
    return value


def _fragment(value: object) -> str:
    # Runtime half of the quoting invariant: only text our re-printers made passes.
    if not isinstance(value, Fragment):
        raise jinja2.TemplateRuntimeError(f"{str(value)[:60]!r} was not re-printed from a parse; insert it with ident or literal")
    return value


def _catalog_sql(value: object) -> str:
    # Text PostgreSQL's own deparsers printed (format_type, pg_get_expr, pg_get_*def) in a snapshot.
    if not isinstance(value, str):
        raise jinja2.TemplateRuntimeError(f"{value!r} is not catalog text")
    return value


def _managed_roles(grants: tuple[tuple[str, tuple[str, ...]], ...]) -> list[str]:
    declared = [r for r, _ in grants if r.lower() not in s.RESET_ROLES]
    return [*s.RESET_ROLES, *sorted(declared)]


def environment(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.do"],
        bytecode_cache=template_bytecode(),
    )
    env.filters.update(
        ident=sql_text.ident,
        idents=lambda names: ", ".join(sql_text.ident(n) for n in names),
        literal=sql_text.literal,
        dollar_quoted=sql_text.dollar_quoted,
        do_block=lambda body: sql_text.dollar_quoted(f"\nBEGIN\n{body}\nEND;\n"),
        roles=lambda names: ", ".join(role(n) for n in names),
        privileges=lambda privs: ", ".join(_keyword(p.upper()) for p in privs),
        keyword=_keyword,
        fragment=_fragment,
        catalog_sql=_catalog_sql,
        search_path=_search_path,
        sql_comment=_sql_comment,
        value_rows=_value_rows,
    )
    env.globals.update(qualified=sql_text.qualified, managed_roles=_managed_roles)
    return env


def migration_contexts(spec: s.Spec) -> dict[str, dict]:
    """File name -> what its template needs: the migration and the objects it holds, in order."""
    tables = {t.key: t for t in spec.tables}  # by key once: a linear search per object is quadratic
    policies = {(t.key, p.name): p for t in spec.tables for p in t.policies}
    functions = overloads_by_name(spec.functions)  # a migration places a name with all its overloads
    triggers = {t.name: t for t in spec.triggers}
    views = {v.qualified_name: v for v in spec.views}
    enums = {e.qualified_name: e for e in spec.enums}
    schemas = {sc.name: sc for sc in spec.schemas}
    seeds = {s.table_key(sd.schema, sd.table): sd for sd in spec.seeds}
    contexts = {}
    for m in spec.migrations:
        here = [tables[name] for name in m.tables]
        declared = [f for name in m.functions for f in functions[name]]
        views_here = [views[name] for name in m.views]
        # Not one a view of this file calls: by words, a body that only mentions a view must not move its
        # function past a view that needs it.
        called = set(_WORD.findall(" ".join(str(v.query) for v in views_here).lower()))
        after_views = [f for f in declared if f.name.lower() not in called and _needs(f, {v.name for v in views_here})]
        after = [f for f in declared if f not in after_views and _needs(f, {t.name for t in here})]
        contexts[m.filename] = {
            "migration": m,
            "tables": here,
            "policies": [policies[key] for key in m.policies],
            "functions": [f for f in declared if f not in after and f not in after_views],
            "functions_after_tables": after,
            "views": views_here,
            "functions_after_views": after_views,
            "enums": [enums[name] for name in m.enums],
            "schemas": [schemas[name] for name in m.schemas],
            "triggers": [triggers[name] for name in m.triggers],
            "seeds": [seeds[name] for name in m.seeds],
            "default_privileges": [d for d in spec.default_privileges if d.schema in m.default_privileges],
            "sequences": [q for q in spec.sequences if f"{q.schema}.{q.name}" in m.sequences],
            "domains": [d for d in spec.domains if f"{d.schema}.{d.name}" in m.domains],
            "composite_types": [c for c in spec.composite_types if f"{c.schema}.{c.name}" in m.composite_types],
            "extensions": [e for e in spec.extensions or () if e.name in m.extensions],
        }
    return contexts


def _needs(function: s.Function, relations: set[str]) -> bool:
    """Whether a function must wait for these tables or views of its own file: it takes or returns one's
    row type, or it is SQL, whose body PostgreSQL checks at CREATE (check_function_bodies). The others come
    before the tables, so that column defaults and CHECKs (and the policies, views and triggers after) may
    call them; those needing a view come after the views (a view cannot call them: they read it).
    By words, like the planner's phases: a body that only mentions a name waits for nothing it needs."""
    names = {name.lower() for name in relations}
    if not names:
        return False
    text = f"{function.arguments} {function.returns} {function.body if function.language == 'sql' else ''}"
    return not names.isdisjoint(_WORD.findall(text.lower()))


_WORD = re.compile(r"[a-z_][a-z0-9_$]*")


def render_migrations(spec: s.Spec, templates: Path) -> dict[str, str]:
    """File name -> SQL text, in migration order."""
    env = environment(templates)
    try:
        template = env.get_template("migration.sql.j2")
        return {name: _tidy(template.render(context)) for name, context in migration_contexts(spec).items()}
    except jinja2.TemplateError as exc:
        where = f"{getattr(exc, 'filename', None) or templates}:{getattr(exc, 'lineno', '') or ''}".rstrip(":")
        raise UserError(Problem(where, f"template error: {exc.message}", "fix the template")) from None


def _tidy(text: str) -> str:
    """Collapse the blank lines and trailing spaces template control flow leaves behind, in supaschema's
    own text only: string literals, quoted names and dollar-quoted bodies pass through untouched."""
    pieces, last = [], 0
    for begin, end in quoted_spans(text):
        if text.find("\n", begin, end) < 0:
            continue  # both rules need a line break, so a span without one is safe inside the text around it
        pieces += [_tidy_layout(text[last:begin]), text[begin:end]]
        last = end
    pieces.append(_tidy_layout(text[last:]))
    return "".join(pieces).lstrip("\n").rstrip(" \t\n") + "\n"


def _tidy_layout(code: str) -> str:
    # Only "\n" is a line break here: the templates write no other, and str.splitlines would also
    # split on \x0b, \x0c, \x1c-\x1e, \x85, \u2028 and \u2029. The last line runs into a quoted span or
    # the end of the text, not a line break, so its spaces stay. str methods, not regular expressions:
    # a regex tries every space of a 1.4 MB file as a start.
    lines = code.split("\n")
    code = "\n".join([line.rstrip(" \t") for line in lines[:-1]] + lines[-1:])
    while "\n\n\n" in code:
        code = code.replace("\n\n\n", "\n\n")
    return code
