"""Results that are pure functions of their inputs, kept on disk between runs.

Two things are slow and repeat from run to run: reading a big schema.yaml with
line numbers and checks (about 2 s for 1,000 tables), and building the desired
state in a shadow database (seconds per thousand tables). Both are pure
functions of text we can hash, so each is stored under a key covering that text
and every piece of code and version that shapes the result.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from . import __version__

KEEP = 32  # newest entries kept per kind


def pickled_through_init(*classes: type) -> None:
    """Unpickle these frozen, slotted dataclasses through their own generated __init__.

    By default they load through dataclasses' __setstate__, a Python loop over fields() for every
    object: a cached state of 1,000 tables holds ~30,000 of them, and __init__ loads it twice as fast.
    Only for classes whose __init__ stores its arguments and nothing else (no __post_init__).
    """
    import dataclasses

    for cls in classes:
        fields = dataclasses.fields(cls)
        if hasattr(cls, "__post_init__") or not all(f.init for f in fields):
            raise TypeError(f"{cls.__name__}: __init__ does more than store its fields")
        cls.__reduce__ = _reducer(cls, tuple(f.name for f in fields))


def _reducer(cls: type, names: tuple[str, ...]):
    def __reduce__(self):
        return cls, tuple([getattr(self, name) for name in names])

    return __reduce__


@cache
def fingerprint(*source_files: str) -> str:
    """supaschema's version, the libraries', and the named source files of this package."""
    from importlib.metadata import PackageNotFoundError, version

    parts = [__version__, str(pickle.HIGHEST_PROTOCOL)]
    for package in ("sqlglot", "PyYAML", "psycopg"):
        try:
            parts.append(version(package))
        except PackageNotFoundError:
            parts.append("?")
    here = Path(__file__).parent
    for name in source_files:
        for path in sorted(here.glob(name)):
            parts.append(hashlib.sha256(path.read_bytes()).hexdigest())
    return "\n".join(parts)


def cache_dir() -> Path:
    base = os.environ.get("SUPASCHEMA_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "supaschema"
    )
    return Path(base)


def _path(kind: str, key: str) -> Path | None:
    if os.environ.get("SUPASCHEMA_NO_CACHE"):
        return None
    return cache_dir() / kind / f"{hashlib.sha256(key.encode('utf-8')).hexdigest()}.pickle"


def load(kind: str, key: str, expected: type) -> Any | None:
    path = _path(kind, key)
    if path is None:
        return None
    try:
        with path.open("rb") as handle:
            value = pickle.load(handle)
    except Exception:  # noqa: BLE001 - truncated, corrupted or foreign: any entry that does not load is a miss
        return None
    return value if isinstance(value, expected) else None


def store(kind: str, key: str, value: Any) -> None:
    path = _path(kind, key)
    if path is None:
        return
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        tmp = None
        entries = sorted(path.parent.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
    except Exception:  # noqa: BLE001 - a cache that cannot be written is only slower
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def template_bytecode():
    """Compiled Jinja templates, kept like Python's .pyc: by the template's path, and used only while the
    checksum of its text matches (Jinja checks it). Compiling the bundled templates is ~0.05 s of every
    run that renders, and their text changes only with supaschema itself or a project's own templates.
    SUPASCHEMA_NO_CACHE does not turn it off: it is about results of schema.yaml and databases, and this
    holds neither."""
    import jinja2

    class _Bytecode(jinja2.FileSystemBytecodeCache):
        def load_bytecode(self, bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # noqa: BLE001 - any entry that does not load is a miss: Jinja compiles the source
                bucket.reset()

        def dump_bytecode(self, bucket) -> None:
            try:
                os.makedirs(self.directory, exist_ok=True)
                super().dump_bytecode(bucket)  # a temporary file, then os.replace: readers never see half of it
            except Exception:  # noqa: BLE001 - a cache that cannot be written is only slower
                pass

    # Jinja keys an entry by the template's path and text only: the environment's options (trim_blocks,
    # extensions) and Jinja's own version shape the compiled code too, so they name the folder.
    shaper = (Path(__file__).parent / "render" / "migrations.py").read_bytes()  # where the options are set
    options = hashlib.sha256(f"{__version__}\0{jinja2.__version__}\0".encode() + shaper).hexdigest()[:16]
    return _Bytecode(str(cache_dir() / "templates" / options), "%s.jinja")
