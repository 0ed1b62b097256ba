"""Declared renames (`renamed_from:`) turn a missing new name plus an extra old name into one rename.

Applied to the actual snapshot before comparing: the old object is carried over under its new
name, with what PostgreSQL itself carries along on a RENAME (children keyed by the table, grants,
the name as other definitions print it), so the differ sees only what else changed, and the
planner emits RENAME (which keeps the data and the grants) instead of DROP and CREATE.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from ..catalog import snapshot as snap
from ..spec.model import Spec
from ..sqltext.quoting import ident, literal, qualified
from .compare import SCHEMA, Drift


@dataclass(frozen=True, slots=True)
class Rename:
    kind: str  # table | view | function | column | policy | enum_value
    schema: str
    parent: str | None  # the table of a column or policy, the enum of a value
    old: str
    new: str
    key: str = ""  # the schema.yaml key that declares it, e.g. tables.t.columns.c.renamed_from


def declared_renames(spec: Spec) -> list[Rename]:
    # Relations first: a renamed column or policy of a renamed table is found under the table's new name.
    result = [Rename("table", t.schema, None, t.renamed_from, t.name, f"tables.{t.name}.renamed_from")
              for t in spec.tables if t.renamed_from]
    result += [Rename("view", v.schema, None, v.renamed_from, v.name, f"views.{v.qualified_name}.renamed_from")
               for v in spec.views if v.renamed_from]
    result += [Rename("function", f.schema, None, f.renamed_from, f.name, f"{f.key_path}.renamed_from")
               for f in spec.functions if f.renamed_from]
    result += [Rename("column", t.schema, t.name, c.renamed_from, c.name, f"tables.{t.name}.columns.{c.name}.renamed_from")
               for t in spec.tables for c in t.columns if c.renamed_from]
    result += [Rename("policy", t.schema, t.name, p.renamed_from, p.name, f"tables.{t.name}.policies.{p.name}.renamed_from")
               for t in spec.tables for p in t.policies if p.renamed_from]
    result += [Rename("enum_value", e.schema, e.name, old, new, f"enums.{e.qualified_name}.values.{new}.renamed_from")
               for e in spec.enums for new, old in e.renamed_values]
    return result


# --- names inside printed definitions ------------------------------------------------------------

# PostgreSQL's printed SQL as tokens: string literals, quoted names, bare words, anything else.
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|[^\W\d][\w$]*|.", re.S)


def renamed_in(text: str | None, old: str, new: str) -> str | None:
    """`text` as PostgreSQL prints it once `old` is called `new`: every name token `old` replaced,
    never inside a string literal. A token that was something else only costs a rebuild: the
    differ then sees a change where there is none, never the reverse."""
    if text is None or old not in text:
        return text
    spelled, respelled = {ident(old), f'"{old}"'}, ident(new)
    return "".join(respelled if token in spelled else token for token in _TOKENS.findall(text))


class _Working:
    """A mutable copy of the actual snapshot's objects, kind by kind."""

    def __init__(self, actual: snap.Snapshot):
        self.actual = actual
        self.objects = {kind: dict(objects) for kind, objects in actual.objects.items()}

    def of(self, kind: type) -> dict[tuple, Any]:
        return self.objects.setdefault(kind.KIND, {})

    def replace(self, kind: type, key: tuple, **changes: Any) -> Any:
        objects = self.of(kind)
        moved = dataclasses.replace(objects.pop(key), **changes)
        objects[snap.key_of(moved)] = moved
        return moved

    def update_where(self, kind: type, changes) -> None:
        """`changes(obj)` gives the fields to change (or nothing) for each object of a kind."""
        for key, obj in list(self.of(kind).items()):
            if fields := changes(obj):
                self.replace(kind, key, **fields)

    def snapshot(self) -> snap.Snapshot:
        return dataclasses.replace(self.actual, objects=self.objects)


def _renamed_fields(obj: Any, names: tuple[str, ...], old: str, new: str) -> dict[str, Any]:
    changed = {name: renamed_in(getattr(obj, name), old, new) for name in names}
    return {name: value for name, value in changed.items() if value != getattr(obj, name)}


def _pending(w: _Working, expected: snap.Snapshot, kind: type, old_key: tuple, new_key: tuple) -> Any:
    """The object moved to its new name, when the rename is still to be done (the old name is there,
    the new one is not, and the desired state has it); otherwise None, and nothing moves."""
    objects = w.of(kind)
    if old_key not in objects or new_key in objects or new_key not in expected.of(kind):
        return None
    return w.replace(kind, old_key, name=new_key[-1])


def _drift(kind: type, path: str, new: str, old: str, field: str = "name") -> Drift:
    return Drift(kind.KIND, path, "renamed", field, new, old, SCHEMA)


# --- one function per kind ---------------------------------------------------------------------------

def _rename_relation(w: _Working, expected: snap.Snapshot, r: Rename, kind: type) -> list[Drift]:
    """A table or view: its children and grants follow, and the definitions that name it print the new name."""
    old_key, new_key = (r.schema, r.old), (r.schema, r.new)
    if (moved := _pending(w, expected, kind, old_key, new_key)) is None:
        return []
    drifts = [_drift(kind, moved.path, r.new, r.old)]
    old_path, new_path = qualified(r.schema, r.old), qualified(r.schema, r.new)
    for child in (snap.Column, snap.Constraint, snap.Index, snap.Policy, snap.Trigger, snap.SeedRow):
        w.update_where(child, lambda o: {"table": r.new} if (o.schema, o.table) == old_key else None)
    w.update_where(snap.Grant, lambda g: {"object": new_path + g.object[len(old_path):], "on": new_path if g.on else ""}
                   if g.object == old_path or g.on == old_path else None)
    old_dotted, new_dotted = f"{r.schema}.{r.old}", f"{r.schema}.{r.new}"
    w.update_where(snap.Sequence, lambda s: {"owned_by": new_dotted + s.owned_by[len(old_dotted):]}
                   if s.owned_by and s.owned_by.startswith(old_dotted + ".") else None)
    w.update_where(snap.Index, lambda i: {"definition": _renamed_part(i.definition, r.old, r.new, before_using=True)}
                   if (i.schema, i.table) == new_key else None)
    w.update_where(snap.Constraint, lambda c: {"definition": _renamed_part(c.definition, r.old, r.new, before_using=False),
                                               "referenced_table": new_dotted} if c.referenced_table == old_dotted else None)
    _rename_in_definitions(w, r.old, r.new, reads=(old_dotted, new_dotted))
    _rename_row_type(w, r.old, r.new)
    return drifts


def _renamed_part(definition: str, old: str, new: str, *, before_using: bool) -> str:
    """An index definition's head (its table: `CREATE INDEX i ON public.t USING ...`), or its columns after
    USING; a foreign key's target after REFERENCES. Only there, so that a column and a table of one name stay apart."""
    separator = " USING " if definition.startswith("CREATE ") else " REFERENCES "
    head, found, tail = definition.partition(separator)
    if not found:
        return definition
    if before_using and separator == " USING ":
        return renamed_in(head, old, new) + found + tail
    return head + found + renamed_in(tail, old, new)


def _rename_row_type(w: _Working, old: str, new: str) -> None:
    """Functions taking or returning the relation's row type print its new name (a new path for their grants)."""
    for key, function in list(w.of(snap.Function).items()):
        if fields := _renamed_fields(function, ("result", "arguments", "argument_types"), old, new):
            moved = w.replace(snap.Function, key, **fields)
            if moved.path != function.path:
                w.update_where(snap.Grant, lambda g: {"object": moved.path} if g.object == function.path else None)


def _rename_in_definitions(w: _Working, old: str, new: str, reads: tuple[str, str] | None = None) -> None:
    """Definitions that print the name anywhere in an expression: views, policies, trigger conditions."""
    def view(v: snap.View) -> dict | None:
        fields = _renamed_fields(v, ("definition",), old, new)
        if reads and reads[0] in v.reads:
            fields["reads"] = tuple(reads[1] if x == reads[0] else x for x in v.reads)
        return fields

    w.update_where(snap.View, view)
    w.update_where(snap.Policy, lambda p: _renamed_fields(p, ("using", "with_check"), old, new))
    w.update_where(snap.Trigger, lambda t: _renamed_fields(t, ("when",), old, new))


def _derived_names(w: _Working, expected: snap.Snapshot, done: list[Rename]) -> list[Drift]:
    """PostgreSQL keeps constraint and index names on a rename; schema.yaml derives some from the
    table and column names (`<table>_pkey`, `<table>_<columns>_key`): those are renamed too."""
    tables: dict[tuple[str, str], tuple[str, list[tuple[str, str]]]] = {}
    for r in done:
        if r.kind == "table":
            tables[(r.schema, r.new)] = (r.old, tables.get((r.schema, r.new), ("", []))[1])
        elif r.kind == "column":
            old_table, columns = tables.get((r.schema, r.parent), (r.parent, []))
            tables[(r.schema, r.parent)] = (old_table, [*columns, (r.old, r.new)])
    drifts = []
    for (schema, table), (old_table, columns) in tables.items():
        def derive(name: str) -> str:
            if not name.startswith(f"{old_table}_"):
                return name
            rest = name[len(old_table):]  # _<columns>_<suffix>, the columns joined by _
            for old, new in columns:
                rest = rest.replace(f"_{old}_", f"_{new}_")
            return table + rest

        for kind in (snap.Constraint, snap.Index):
            drifts += _follow_derived_names(w, expected, kind, schema, table, derive)
        drifts += _follow_serial_sequences(w, expected, schema, table, derive)
    return drifts


_NEXTVAL = re.compile(r"nextval\('([^']+)'::regclass\)")


def _follow_serial_sequences(w: _Working, expected: snap.Snapshot, schema: str, table: str, derive) -> list[Drift]:
    """A serial column's sequence (`<table>_<column>_seq`) keeps its name too: renamed with its table or
    column, or the default would call a sequence that does not exist."""
    drifts = []
    prefix = f"{ident(schema)}."
    for key, column in list(w.of(snap.Column).items()):
        found = _NEXTVAL.fullmatch(column.default or "")
        if (column.schema, column.table) != (schema, table) or not found or not found.group(1).startswith(prefix):
            continue
        old = found.group(1)[len(prefix):]
        new = derive(old)
        default = f"nextval({literal(qualified(schema, new))}::regclass)"
        wanted = expected.of(snap.Column).get(key)
        if new != old and ident(old) == old and wanted is not None and wanted.default == default:
            moved = w.replace(snap.Column, key, default=default)
            drifts.append(_drift(snap.Column, moved.path, new, old, field="sequence"))
    return drifts


def _follow_derived_names(w: _Working, expected: snap.Snapshot, kind: type, schema: str, table: str, derive) -> list[Drift]:
    drifts = []
    want = expected.of(kind)
    for key, obj in list(w.of(kind).items()):
        name = derive(obj.name)
        if (obj.schema, obj.table) != (schema, table) or name == obj.name:
            continue
        if (schema, table, name) in want and (schema, table, name) not in w.of(kind) and key not in want:
            extra = {"definition": renamed_in(obj.definition, obj.name, name)} if kind is snap.Index else {}
            moved = w.replace(kind, key, name=name, **extra)
            drifts.append(_drift(kind, moved.path, name, obj.name))
    return drifts


def _rename_column(w: _Working, expected: snap.Snapshot, r: Rename) -> list[Drift]:
    if (moved := _pending(w, expected, snap.Column, (r.schema, r.parent, r.old), (r.schema, r.parent, r.new))) is None:
        return []
    drifts = [_drift(snap.Column, moved.path, r.new, r.old)]
    table, table_path = (r.schema, r.parent), qualified(r.schema, r.parent)
    own = lambda o: (o.schema, o.table) == table  # noqa: E731
    w.update_where(snap.Column, lambda c: _renamed_fields(c, ("generated",), r.old, r.new) if own(c) else None)
    w.update_where(snap.Constraint, lambda c: _column_in_constraint(c, r))
    w.update_where(snap.Index, lambda i: {"definition": _renamed_part(i.definition, r.old, r.new, before_using=False)}
                   if own(i) else None)
    w.update_where(snap.Policy, lambda p: _renamed_fields(p, ("using", "with_check"), r.old, r.new) if own(p) else None)
    w.update_where(snap.Trigger, lambda t: {**_renamed_fields(t, ("when",), r.old, r.new),
                                            "update_of": tuple(r.new if c == r.old else c for c in t.update_of)} if own(t) else None)
    w.update_where(snap.SeedRow, lambda s: {"values": tuple(sorted((r.new if c == r.old else c, v) for c, v in s.values))}
                   if own(s) else None)
    w.update_where(snap.Grant, lambda g: {"object": f"{table_path}.{ident(r.new)}"}
                   if g.object == f"{table_path}.{ident(r.old)}" else None)
    old_dotted = f"{r.schema}.{r.parent}.{r.old}"
    w.update_where(snap.Sequence, lambda s: {"owned_by": f"{r.schema}.{r.parent}.{r.new}"} if s.owned_by == old_dotted else None)
    return drifts


def _column_in_constraint(c: snap.Constraint, r: Rename) -> dict | None:
    """A constraint names a column of its own table before REFERENCES, and one of the target table after."""
    head, found, tail = c.definition.partition(" REFERENCES ") if c.type == "foreign key" else (c.definition, "", "")
    if (c.schema, c.table) == (r.schema, r.parent):
        head = renamed_in(head, r.old, r.new)
    if c.referenced_table == f"{r.schema}.{r.parent}":
        tail = renamed_in(tail, r.old, r.new)
    return {"definition": head + found + tail} if head + found + tail != c.definition else None


def _rename_policy(w: _Working, expected: snap.Snapshot, r: Rename) -> list[Drift]:
    moved = _pending(w, expected, snap.Policy, (r.schema, r.parent, r.old), (r.schema, r.parent, r.new))
    return [_drift(snap.Policy, moved.path, r.new, r.old)] if moved else []


def _rename_function(w: _Working, expected: snap.Snapshot, r: Rename) -> list[Drift]:
    """Old name, same arguments: each declared function of the new name whose arguments the old one has."""
    drifts = []
    functions = w.of(snap.Function)
    for schema, name, arguments in expected.of(snap.Function):
        old_key, new_key = (schema, r.old, arguments), (schema, name, arguments)
        if (schema, name) != (r.schema, r.new) or old_key not in functions or new_key in functions:
            continue
        old_path = functions[old_key].path
        moved = w.replace(snap.Function, old_key, name=r.new)
        drifts.append(_drift(snap.Function, moved.path, r.new, r.old))
        w.update_where(snap.Grant, lambda g: {"object": moved.path} if g.object == old_path else None)
    if drifts:
        old_name, new_name = f"{r.schema}.{r.old}", f"{r.schema}.{r.new}"
        w.update_where(snap.Trigger, lambda t: {"function": new_name} if t.function == old_name else None)
        _rename_in_definitions(w, r.old, r.new)
    return drifts


def _rename_enum_value(w: _Working, expected: snap.Snapshot, r: Rename) -> list[Drift]:
    key = (r.schema, r.parent)
    enum, want = w.of(snap.Enum).get(key), expected.of(snap.Enum).get(key)
    if enum is None or want is None or r.old not in enum.values or r.new in enum.values or r.new not in want.values:
        return []
    moved = w.replace(snap.Enum, key, values=tuple(r.new if v == r.old else v for v in enum.values))
    # Rows and defaults hold the value itself: they read the new label once it is renamed.
    used = {tuple(path.split(".", 2)) for path in enum.used_by}
    old_default, new_default = f"{literal(r.old)}::", f"{literal(r.new)}::"
    w.update_where(snap.Column, lambda c: {"default": c.default.replace(old_default, new_default)}
                   if (c.schema, c.table, c.name) in used and c.default and old_default in c.default else None)
    w.update_where(snap.SeedRow, lambda s: {"values": tuple((c, r.new if v == r.old and (s.schema, s.table, c) in used else v)
                                                            for c, v in s.values)})
    return [_drift(snap.Enum, moved.path, r.new, r.old, field="value")]


_APPLIERS = {
    "table": lambda w, e, r: _rename_relation(w, e, r, snap.Table),
    "view": lambda w, e, r: _rename_relation(w, e, r, snap.View),
    "function": _rename_function,
    "column": _rename_column,
    "policy": _rename_policy,
    "enum_value": _rename_enum_value,
}


def apply_renames(expected: snap.Snapshot, actual: snap.Snapshot, renames: list[Rename]) -> tuple[snap.Snapshot, list[Drift]]:
    """The actual snapshot as if the pending renames were done, and one drift item per rename they take
    (the declared ones, and the constraint and index names derived from a renamed table or column)."""
    working = _Working(actual)
    drifts, done = [], []
    for rename in renames:
        if applied := _APPLIERS[rename.kind](working, expected, rename):
            drifts += applied
            done.append(rename)
    drifts += _derived_names(working, expected, done)
    return (working.snapshot(), drifts) if drifts else (actual, [])


# --- stale keys -------------------------------------------------------------------------------------

def _performed_by(r: Rename) -> re.Pattern:
    """The statement the plan's template writes for a rename (inside its guard), as it appears in a file."""
    to = re.escape(f" RENAME TO {ident(r.new)};")
    statements = {
        "table": re.escape(f"ALTER TABLE {qualified(r.schema, r.old)}") + to,
        "view": r"ALTER (?:MATERIALIZED )?VIEW " + re.escape(qualified(r.schema, r.old)) + to,
        "function": re.escape(f"ALTER FUNCTION {qualified(r.schema, r.old)}(") + r"[^;]*\)" + to,
        "column": re.escape(f"ALTER TABLE {qualified(r.schema, r.parent or '')} RENAME COLUMN {ident(r.old)} TO {ident(r.new)};"),
        "policy": re.escape(f"ALTER POLICY {ident(r.old)} ON {qualified(r.schema, r.parent or '')}") + to,
        "enum_value": re.escape(f"ALTER TYPE {qualified(r.schema, r.parent or '')} RENAME VALUE {literal(r.old)} TO {literal(r.new)};"),
    }
    return re.compile(statements[r.kind])


def shipped_renames(spec: Spec, files: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(`renamed_from` key, file) for each rename a migration file already performs: the key is stale there."""
    result = []
    for rename in declared_renames(spec):
        pattern = _performed_by(rename)
        shipped = next((name for name, text in files if pattern.search(text)), None)
        if shipped:
            result.append((rename.key, shipped))
    return result
