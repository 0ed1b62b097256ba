"""Schemas, enums, domains, composite types and sequences -> their schema.yaml entries.

Each writer returns the entries keyed the way schema.yaml names them (`schema.name`, public
included, so a key never changes meaning), and refuses what the loader has no words for.
"""

from __future__ import annotations

from typing import Any, Callable

from ..catalog import snapshot as snap
from . import definitions as d
from .privileges import Privileges
from .yaml_text import Flow

Refuse = Callable[[str, str], None]


def schemas_entry(snapshot: snap.Snapshot, privileges: Privileges, refuse: Refuse) -> dict:
    result: dict[str, Any] = {}
    for schema in sorted(snapshot.of(snap.Schema).values(), key=lambda sc: sc.name):
        entry: dict[str, Any] = {}
        if schema.comment is not None:
            entry["comment"] = schema.comment
        grants = privileges.object_grants(schema.path, schema.name, None)
        if grants:
            entry["grants"] = Flow(grants)
        result[schema.name] = entry
    return result


def enums_entry(snapshot: snap.Snapshot) -> dict:
    return {f"{e.schema}.{e.name}": Flow({"values": list(e.values)})
            for e in sorted(snapshot.of(snap.Enum).values(), key=lambda e: (e.schema, e.name))}


def domains_entry(snapshot: snap.Snapshot, privileges: Privileges, refuse: Refuse) -> dict:
    result: dict[str, Any] = {}
    for domain in sorted(snapshot.of(snap.Domain).values(), key=lambda o: (o.schema, o.name)):
        entry: dict[str, Any] = {"type": domain.type}
        if domain.not_null:
            entry["nullable"] = False
        if domain.default is not None:
            entry["default"] = domain.default
        if domain.collation:
            entry["collation"] = domain.collation
        checks = {}
        for check in domain.checks:
            try:
                name, end = d.read_identifier(check)
                checks[name] = d.check_expression(check[end:].strip())
            except d.Unsupported as exc:
                refuse(f"domain {domain.path}", f"a form of check ({exc})")
        if checks:
            entry["checks"] = checks
        result[f"{domain.schema}.{domain.name}"] = _commented_and_granted(entry, domain, privileges, "types")
    return result


def composite_types_entry(snapshot: snap.Snapshot, privileges: Privileges, refuse: Refuse) -> dict:
    result: dict[str, Any] = {}
    for composite in sorted(snapshot.of(snap.CompositeType).values(), key=lambda o: (o.schema, o.name)):
        attributes = {}
        for attribute in composite.attributes:
            try:
                name, end = d.read_identifier(attribute)
            except d.Unsupported as exc:
                refuse(f"composite type {composite.path}", f"an attribute ({exc})")
                continue
            kind = attribute[end:].strip()
            if " COLLATE " in kind:
                refuse(f"composite type {composite.path}", f"an attribute with its own collation ({name})")
            attributes[name] = kind
        result[f"{composite.schema}.{composite.name}"] = _commented_and_granted({"attributes": Flow(attributes)}, composite,
                                                                               privileges, "types")
    return result


# The bounds PostgreSQL gives a sequence of each type when MINVALUE/MAXVALUE are left out.
_RANGES = {"smallint": (-32768, 32767), "integer": (-2147483648, 2147483647),
           "bigint": (-9223372036854775808, 9223372036854775807)}


def sequences_entry(snapshot: snap.Snapshot, privileges: Privileges, refuse: Refuse) -> dict:
    result: dict[str, Any] = {}
    for sequence in sorted(snapshot.of(snap.Sequence).values(), key=lambda o: (o.schema, o.name)):
        low, high = _RANGES.get(sequence.type, (None, None))
        if low is None:
            refuse(f"sequence {sequence.path}", f"a sequence of type {sequence.type}")
            continue
        increment = int(sequence.increment)
        default_min, default_max = (1, high) if increment > 0 else (low, -1)
        entry: dict[str, Any] = {}
        if sequence.type != "bigint":
            entry["type"] = sequence.type
        # Only what differs from PostgreSQL's defaults, as a person writes CREATE SEQUENCE.
        for key, value, default in (("start", int(sequence.start), int(sequence.min) if increment > 0 else int(sequence.max)),
                                    ("increment", increment, 1), ("min", int(sequence.min), default_min),
                                    ("max", int(sequence.max), default_max), ("cache", int(sequence.cache), 1)):
            if value != default:
                entry[key] = value
        if sequence.cycle:
            entry["cycle"] = True
        if sequence.owned_by is not None:
            entry["owned_by"] = _owned_by(sequence.owned_by)
        entry = _commented_and_granted(entry, sequence, privileges, "sequences")
        result[f"{sequence.schema}.{sequence.name}"] = Flow(entry) if len(entry) <= 3 and "comment" not in entry else entry
    return result


def _commented_and_granted(entry: dict, obj: Any, privileges: Privileges, object_type: str) -> dict:
    """The entry with the object's comment, and its grants where they differ from what it gets on creation."""
    if obj.comment is not None:
        entry["comment"] = obj.comment
    grants = privileges.object_grants(obj.path, obj.schema, object_type)
    if grants is not None:
        entry["grants"] = Flow(grants)
    return entry


def _owned_by(path: str) -> str:
    """`public.invoices.ticket` (identifiers quoted as needed) -> `invoices.ticket`, as the loader reads it."""
    schema, i = d.read_identifier(path)
    table, i = d.read_identifier(path, i + 1)
    column, _ = d.read_identifier(path, i + 1)
    return f"{table}.{column}" if schema == "public" else f"{schema}.{table}.{column}"
