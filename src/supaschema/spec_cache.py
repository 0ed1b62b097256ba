"""Validated specs cached by the exact text of schema.yaml.

Reading YAML with line numbers and checking every expression is the slow part
of `gen` and `diff` on a big schema (about 2 s for 1,000 tables); an unchanged
file is read back from here instead. Only valid specs are stored, and the key
covers the text and the versions of everything that validates it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from functools import cache
from pathlib import Path

from . import __version__
from .spec import Spec

KEEP = 32  # newest entries kept


@cache
def _key_prefix() -> bytes:
    from importlib.metadata import PackageNotFoundError, version

    parts = [__version__, str(pickle.HIGHEST_PROTOCOL)]
    for package in ("sqlglot", "PyYAML"):
        try:
            parts.append(version(package))
        except PackageNotFoundError:
            parts.append("?")
    # The loader's own source counts too: a fix to validation must not be hidden by the cache.
    here = Path(__file__).parent
    for name in ("spec.py", "spec_loader.py", "sql_expressions.py", "yaml_source.py"):
        parts.append(hashlib.sha256((here / name).read_bytes()).hexdigest())
    return "\n".join(parts).encode()


def _path(text: str) -> Path | None:
    if os.environ.get("SUPASCHEMA_NO_CACHE"):
        return None
    from .postgres_server import cache_dir

    digest = hashlib.sha256(_key_prefix() + b"\0" + text.encode("utf-8")).hexdigest()
    return cache_dir() / "specs" / f"{digest}.pickle"


def load(text: str) -> Spec | None:
    path = _path(text)
    if path is None:
        return None
    try:
        with path.open("rb") as handle:
            spec = pickle.load(handle)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError):
        return None
    return spec if isinstance(spec, Spec) else None


def store(text: str, spec: Spec) -> None:
    path = _path(text)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(spec, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        entries = sorted(path.parent.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # a cache that cannot be written is only slower
