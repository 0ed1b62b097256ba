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
from .functions import read_functions
from .migrations import read_migrations
from .reading import Reader
from .seeds import read_seeds
from .tables import read_tables
from .triggers import read_triggers
from .unmanaged import read_unmanaged
from .views import read_views
from .enums import declared_types, read_enums
from .schemas import read_schemas
from .yaml_source import Source, compose

TOP_KEYS = {"tables", "schemas", "views", "enums", "functions", "triggers", "seeds", "migrations", "unmanaged", "lint"}  # lint: read by lint/config.py
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
    enums = read_enums(reader, top["enums"]) if "enums" in top else []
    reader.declared_types = declared_types(enums)
    tables = read_tables(reader, top["tables"]) if "tables" in top else []
    functions = read_functions(reader, top["functions"]) if "functions" in top else []
    triggers = read_triggers(reader, top["triggers"], tables, functions) if "triggers" in top else []
    seeds = read_seeds(reader, top["seeds"], tables, triggers) if "seeds" in top else []
    views = read_views(reader, top["views"]) if "views" in top else []
    migrations = read_migrations(reader, top.get("migrations"), root, tables, functions, triggers, seeds, views, enums, schemas)
    unmanaged = read_unmanaged(reader, top["unmanaged"]) if "unmanaged" in top else s.Unmanaged()
    source.raise_if_any()
    return s.Spec(tuple(tables), tuple(functions), tuple(triggers), tuple(seeds), tuple(migrations), unmanaged, tuple(views),
                  tuple(enums), tuple(schemas), filename)
