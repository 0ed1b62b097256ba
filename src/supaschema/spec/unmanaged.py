"""The `unmanaged:` section: objects in the managed schemas that belong to someone else.

Patterns are globs per kind, matched against an object's name and its
schema-qualified name (`legacy_*` or `public.legacy_*`). `report_undeclared: false`
stops reporting objects schema.yaml does not declare at all.
"""

from __future__ import annotations

import yaml

from . import model as s
from .reading import Reader

# The kinds a pattern may name, as the catalog snapshot names them.
UNMANAGED_KINDS = {"tables": "table", "functions": "function", "triggers": "trigger", "policies": "policy", "indexes": "index"}
UNMANAGED_KEYS = {"report_undeclared", *UNMANAGED_KINDS}


def read_unmanaged(r: Reader, node: yaml.Node) -> s.Unmanaged:
    f = r.src.fields(node, "unmanaged", UNMANAGED_KEYS)
    report = r.src.boolean(f["report_undeclared"], "unmanaged.report_undeclared") if "report_undeclared" in f else True
    patterns = []
    for key, kind in UNMANAGED_KINDS.items():
        if key in f:
            globs = r.src.texts(f[key], f"unmanaged.{key}")
            for glob in globs:
                if not glob.strip():
                    r.src.problem(f[key], f"unmanaged.{key}", "a pattern cannot be empty", "e.g. legacy_* or public.legacy_*")
            patterns.append((kind, tuple(g for g in globs if g.strip())))
    return s.Unmanaged(report is not False, tuple(patterns))
