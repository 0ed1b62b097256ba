"""Extensions (CREATE EXTENSION ... WITH SCHEMA), each in the schema its objects go to.

Supabase installs extensions in its `extensions` schema, which is on every role's search_path
there and out of the API's reach: that is the default. `public` is allowed (lint warns about it,
as splinter does), and so is any declared schema.
"""

from __future__ import annotations

import re

import yaml

from ..errors import excerpt
from . import model as s
from .reading import Reader

EXTENSION_KEYS = {"schema", "version"}
DEFAULT_SCHEMA = "extensions"
# Extension names are file names under the server's share/extension folder: plain words, '-' allowed (uuid-ossp).
_NAME = re.compile(r"[a-z0-9_][a-z0-9_-]*")
# PostgreSQL's own and Supabase's platform extensions: the platform installs and upgrades them.
PLATFORM = {"plpgsql"}


def read_extensions(r: Reader, node: yaml.Node) -> list[s.Extension]:
    result = []
    for name, key_node, value in r.src.items(node, "extensions"):
        path = f"extensions.{name}"
        if not _NAME.fullmatch(name) or name in PLATFORM:
            r.src.problem(key_node, "extensions", f"{excerpt(name)} cannot be declared here",
                          "use the extension's name as pg_available_extensions lists it (lowercase; plpgsql is always there)")
            continue
        f = r.src.fields(value, path, EXTENSION_KEYS) if isinstance(value, yaml.MappingNode) or value.value else {}
        schema = r.src.text(f["schema"], f"{path}.schema") if "schema" in f else DEFAULT_SCHEMA
        if schema is None or (schema != DEFAULT_SCHEMA and not r.schema_known(f["schema"], f"{path}.schema", schema)):
            continue
        version = r.src.text(f["version"], f"{path}.version") if "version" in f else None
        result.append(s.Extension(name, schema, version, line=key_node.start_mark.line + 1))
    return result
