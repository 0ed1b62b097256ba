"""Declared renames (`renamed_from:`) turn a missing new name plus an extra old name into one rename.

Applied to the actual snapshot before comparing: the old object is carried over under its new
name, so the differ then sees only what else changed, and the planner emits RENAME (which keeps
the data) instead of DROP and ADD.
"""

from __future__ import annotations

import dataclasses

from ..catalog import snapshot as snap
from ..spec.model import Spec
from .compare import SCHEMA, Drift

Rename = tuple[str, str, str, str]  # schema, table, old column name, new column name


def column_renames(spec: Spec) -> list[Rename]:
    return [(t.schema, t.name, c.renamed_from, c.name) for t in spec.tables for c in t.columns if c.renamed_from]


def apply_renames(expected: snap.Snapshot, actual: snap.Snapshot, renames: list[Rename]) -> tuple[snap.Snapshot, list[Drift]]:
    """The actual snapshot as if the pending renames were done, and one drift item per pending rename."""
    columns = dict(actual.of(snap.Column))
    drifts = []
    for schema, table, old, new in renames:
        old_key, new_key = (schema, table, old), (schema, table, new)
        if old_key in columns and new_key not in columns and new_key in expected.of(snap.Column):
            moved = dataclasses.replace(columns.pop(old_key), name=new)
            columns[new_key] = moved
            drifts.append(Drift(snap.Column.KIND, moved.path, "renamed", "name", new, old, SCHEMA))
    if not drifts:
        return actual, []
    return dataclasses.replace(actual, objects={**actual.objects, snap.Column.KIND: columns}), drifts


def shipped_renames(spec: Spec, files: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(`renamed_from` key, file) for each rename a migration file already performs: the key is stale there."""
    from ..sqltext.quoting import ident, qualified

    result = []
    for schema, table, old, new in column_renames(spec):
        statement = f"ALTER TABLE {qualified(schema, table)} RENAME COLUMN {ident(old)} TO {ident(new)};"
        shipped = next((name for name, text in files if statement in text), None)
        if shipped:
            result.append((f"tables.{table}.columns.{new}.renamed_from", shipped))
    return result
