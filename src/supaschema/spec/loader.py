"""schema.yaml -> Spec, reporting every problem with its file:line.

Reading happens in two passes: shapes and types first (per object), then
references between objects (columns, tables, functions, migration contents),
so one run lists all problems instead of stopping at the first.
"""

from __future__ import annotations

import gc
from pathlib import Path

from .. import disk_cache
from ..errors import Problem, UserError
from . import model as s
from .composite_types import read_composite_types
from .default_privileges import read_default_privileges
from .domains import read_domains
from .functions import read_functions
from .lint_section import key_lines, read_lint
from .migrations import read_migrations
from .reading import Reader
from .seeds import read_seeds
from .sequences import read_sequences
from .tables import read_tables
from .triggers import read_triggers
from .unmanaged import read_unmanaged
from .views import read_views
from .enums import declared_types, read_enums
from .extensions import read_extensions
from .schemas import read_schemas
from .yaml_source import Source, compose

TOP_KEYS = {"tables", "schemas", "views", "enums", "functions", "triggers", "seeds", "migrations", "unmanaged", "lint", "owner",
            "default_privileges", "roles", "sequences", "domains", "composite_types", "extensions"}
# read_migrations reports a missing `migrations:` itself, with a fix that says what to list.
TOP_REQUIRED = {"tables", "migrations"}


def load_spec(path: Path) -> s.Spec:
    try:
        text = path.read_bytes().decode("utf-8")  # no newline translation; YAML applies its own rules
    except FileNotFoundError:
        raise UserError(Problem(str(path), "file not found", "run from the project folder or pass --schema PATH")) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(Problem(str(path), f"cannot read: {exc}", "check the file's permissions and encoding (UTF-8)")) from None
    # Only valid specs are stored; the key covers the text and the code that validates it.
    key = disk_cache.fingerprint("spec/*.py", "sqltext/*.py") + "\0" + str(path) + "\0" + text  # the spec names its file
    cached = disk_cache.load("specs", key, s.Spec)
    if cached is not None:
        return cached
    spec = parse_spec(text, str(path))
    disk_cache.store("specs", key, spec)
    return spec


def parse_spec(text: str, filename: str = "schema.yaml") -> s.Spec:
    # Reading allocates a few objects per YAML node and frees none of them until the end, so the
    # cyclic collector only rescans a growing heap: pausing it halves the time of a big schema.yaml.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _parse_spec(text, filename)
    finally:
        if enabled:
            gc.enable()


def _parse_spec(text: str, filename: str) -> s.Spec:
    source = Source(filename)
    root = compose(text, filename)
    if root is None:
        raise UserError(Problem(f"{filename}:1", "the file is empty", "declare at least `tables:`"))
    top = source.fields(root, "", TOP_KEYS, TOP_REQUIRED - {"migrations"})
    reader = Reader(source)
    schemas = read_schemas(reader, top["schemas"]) if "schemas" in top else []
    reader.schemas |= {sc.name for sc in schemas}
    extensions = read_extensions(reader, top["extensions"]) if "extensions" in top else None
    enums = read_enums(reader, top["enums"]) if "enums" in top else []
    domains = read_domains(reader, top["domains"]) if "domains" in top else []
    reader.declared_types = declared_types(enums) | _type_names(domains)
    composite_types = read_composite_types(reader, top["composite_types"]) if "composite_types" in top else []
    reader.declared_types |= _type_names(composite_types)
    tables = read_tables(reader, top["tables"]) if "tables" in top else []
    functions = read_functions(reader, top["functions"]) if "functions" in top else []
    triggers = read_triggers(reader, top["triggers"], tables, functions) if "triggers" in top else []
    seeds = read_seeds(reader, top["seeds"], tables, triggers) if "seeds" in top else []
    views = read_views(reader, top["views"]) if "views" in top else []
    default_privileges = read_default_privileges(reader, top["default_privileges"], ("public", *(sc.name for sc in schemas))) if "default_privileges" in top else []
    sequences = read_sequences(reader, top["sequences"], tables) if "sequences" in top else []
    migrations = read_migrations(reader, top.get("migrations"), root, tables, functions, triggers, seeds, views, enums, schemas,
                                 default_privileges, sequences, domains, composite_types, extensions or ())
    owner = read_owner(reader, top["owner"]) if "owner" in top else None
    roles = read_roles(reader, top["roles"]) if "roles" in top else []
    unmanaged = read_unmanaged(reader, top["unmanaged"]) if "unmanaged" in top else s.Unmanaged()
    lint = read_lint(reader, top["lint"]) if "lint" in top else s.LintSection()
    source.raise_if_any()
    return s.Spec(tuple(tables), tuple(functions), tuple(triggers), tuple(seeds), tuple(migrations), unmanaged, tuple(views),
                  tuple(enums), tuple(schemas), filename, owner=owner, default_privileges=tuple(default_privileges), roles=tuple(roles),
                  sequences=tuple(sequences), domains=tuple(domains), composite_types=tuple(composite_types),
                  lint=lint, key_lines=key_lines(root), extensions=tuple(extensions) if extensions is not None else None)


def _type_names(types) -> set[str]:
    """How a column may name a declared domain or composite type: schema.name, and name for public ones."""
    return {n for t in types for n in (f"{t.schema}.{t.name}", t.name if t.schema == "public" else None) if n}


def read_roles(r: Reader, node) -> list[str]:
    """Roles whose grants schema.yaml manages: any privilege they hold on a managed object and
    schema.yaml does not declare is drift. Other roles (Supabase's internal ones) are never compared."""
    return [role for role in r.src.texts(node, "roles") if r.name(node, "roles", role)]


def read_owner(r: Reader, node) -> str | None:
    """The project's owner role: it must exist already (roles are the platform's, not schema.yaml's)."""
    owner = r.src.text(node, "owner")
    return owner if owner is not None and r.name(node, "owner", owner) else None
