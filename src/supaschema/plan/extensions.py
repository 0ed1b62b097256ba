"""Planning extensions: created first (types and functions of theirs may be used by everything else),
moved with ALTER EXTENSION ... SET SCHEMA, dropped last of all but schemas.

The version is not planned: the server installs its default one, and the shadow server's
versions say nothing about those the live server has.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..catalog import snapshot as snap
from .operations import DELETES_DATA, Phase
from .registry import handles

if TYPE_CHECKING:
    from ..drift.compare import Drift
    from .planner import Planner


@handles("extension", "missing")
def extension_missing(p: Planner, drift: Drift | None, extension: snap.Extension) -> None:
    p.emit("create_extension", Phase.EXTENSIONS, extension.path, (), extension=extension)


@handles("extension", "extra")
def extension_extra(p: Planner, drift: Drift, extension: snap.Extension) -> None:
    # Never CASCADE: a column or index still using the extension's types makes the DROP fail, loudly.
    p.emit("drop_extension", Phase.DROP_EXTENSIONS, extension.path, (DELETES_DATA,), extension=extension)


@handles("extension", "changed")
def extension_changed(p: Planner, drift: Drift, extension: snap.Extension) -> None:
    actual = p.have.get(drift)
    if actual.relocatable:
        p.emit("alter_extension_schema", Phase.EXTENSIONS, extension.path, (), extension=extension)
    else:
        # PostgreSQL cannot move it: only dropping it (and what uses it) and creating it again will.
        p.emit("drop_extension", Phase.EXTENSIONS, extension.path, (DELETES_DATA,), extension=actual)
        p.emit("create_extension", Phase.EXTENSIONS, extension.path, (), extension=extension)
