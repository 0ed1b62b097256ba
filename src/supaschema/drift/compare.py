"""Two snapshots -> drift items.

One generic keyed differ (missing, extra, changed fields) serves every kind;
the per-kind knowledge is data: which fields matter for security, how a body
is normalised, and which children to leave out when their table is gone.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from ..catalog import snapshot as snap
from ..sqltext.quoting import ident

SECURITY, SCHEMA, DATA, COSMETIC = "security", "schema", "data", "cosmetic"
SEVERITY_ORDER = {SECURITY: 0, SCHEMA: 1, DATA: 2, COSMETIC: 3}

# Kinds whose every drift is a security question.
SECURITY_KINDS = {snap.Policy, snap.Grant, snap.GrantItem, snap.DefaultPrivilege}
# Fields that are a security question on otherwise structural kinds.
SECURITY_FIELDS = {
    snap.Table: {"rls_enabled", "rls_force"},
    snap.Function: {"security_definer", "config", "leakproof"},
    snap.View: {"security_invoker", "options"},
}
COSMETIC_FIELDS = {"comment"}


@dataclass(frozen=True, slots=True)
class Drift:
    kind: str  # table, column, constraint, index, policy, function, trigger, grant, seed_row
    object: str  # dotted path, e.g. public.usage_records.user_id
    change: str  # missing | extra | changed | renamed (drift.renames)
    field: str | None  # for changed items (and grants: "PRIVILEGE to role")
    expected: Any
    actual: Any
    severity: str  # security | schema | data | cosmetic

    def to_dict(self) -> dict:
        return {"kind": self.kind, "object": self.object, "change": self.change, "field": self.field,
                "expected": self.expected, "actual": self.actual, "severity": self.severity}


@dataclass(frozen=True, slots=True)
class NotComparedItem:
    """An object diff saw but does not compare (its kind is not modelled yet), and on which sides."""

    kind: str
    object: str
    sides: tuple[str, ...]  # "desired", "actual", or both

    def to_dict(self) -> dict:
        return {"kind": self.kind, "object": self.object, "on": list(self.sides)}


def not_compared(expected: snap.Snapshot, actual: snap.Snapshot) -> list[NotComparedItem]:
    """What neither side's comparison covered, so a report can say so instead of staying silent."""
    want, have = set(expected.not_compared), set(actual.not_compared)
    return [NotComparedItem(o.kind, o.path, tuple(side for side, objs in (("desired", want), ("actual", have)) if o in objs))
            for o in sorted(want | have)]


# Privileges that only newer servers know; compared only when both sides have them.
PRIVILEGE_SINCE = {"MAINTAIN": 170000}
_DEFAULT_PRECISION = re.compile(r"^(timestamp|time)\(6\)")


def normalised(kind: type, field: str, value: Any) -> Any:
    if kind is snap.Function and field == "body" and isinstance(value, str):
        # Indentation and blank lines in a body are layout, not behaviour.
        return "\n".join(line.strip() for line in value.strip().splitlines() if line.strip())
    if kind is snap.Column and field == "type" and isinstance(value, str):
        # timestamp(6) is timestamp: 6 is both the default and the maximum precision.
        return _DEFAULT_PRECISION.sub(r"\1", value)
    return value


def severity_of(kind: type, field: str | None) -> str:
    if kind in SECURITY_KINDS or (field and field in SECURITY_FIELDS.get(kind, ())):
        return SECURITY
    if field in COSMETIC_FIELDS:
        return COSMETIC
    if kind is snap.SeedRow:
        return DATA
    return SCHEMA


def keyed_differences(expected: dict[tuple, Any], actual: dict[tuple, Any]) -> tuple[list, list, list]:
    """migra's core: keys only expected, keys only actual, keys in both."""
    # Unsorted: compare() sorts the drift items once at the end.
    missing = [k for k in expected if k not in actual]
    extra = [k for k in actual if k not in expected]
    common = [k for k in expected if k in actual]
    return missing, extra, common


def _summary(obj: Any) -> Any:
    """What a missing or extra object shows as its value."""
    if isinstance(obj, snap.GrantItem):
        return "granted with grant option" if obj.grantable else "granted"
    if isinstance(obj, (snap.Constraint, snap.Index, snap.Trigger)):
        return obj.definition
    if isinstance(obj, snap.Column):
        return obj.type + (" NOT NULL" if obj.not_null else "")
    if isinstance(obj, snap.SeedRow):
        return dict(obj.values)
    if isinstance(obj, snap.DefaultPrivilege):
        return obj.privileges
    return obj.path


def _field_label(obj: Any) -> str | None:
    return obj.label if isinstance(obj, snap.GrantItem) else None


def _grant_items(grants: list[snap.Grant]) -> dict[tuple, snap.GrantItem]:
    return {(*snap.key_of(grant), privilege): item for grant in grants for privilege, item in grant.items().items()}


def compare_kind(kind: type, expected: dict[tuple, Any], actual: dict[tuple, Any]) -> list[Drift]:
    if kind is snap.Grant:
        # Stored one row per grantee, reported one item per privilege; only unequal rows are opened up.
        differ = [k for k in expected.keys() | actual.keys() if expected.get(k) != actual.get(k)]
        want = _grant_items([expected[k] for k in differ if k in expected])
        have = _grant_items([actual[k] for k in differ if k in actual])
        return _compare_objects(snap.GrantItem, want, have)
    return _compare_objects(kind, expected, actual)


def _compare_objects(kind: type, expected: dict[tuple, Any], actual: dict[tuple, Any]) -> list[Drift]:
    drifts = []
    kind_name = snap.Grant.KIND if kind is snap.GrantItem else kind.KIND
    missing, extra, common = keyed_differences(expected, actual)
    if kind is snap.Function:
        drifts, missing, extra = _signature_changes(expected, actual, missing, extra)
    for key in missing:
        obj = expected[key]
        drifts.append(Drift(kind_name, _path(obj), "missing", _field_label(obj), _summary(obj), None, severity_of(kind, None)))
    for key in extra:
        obj = actual[key]
        drifts.append(Drift(kind_name, _path(obj), "extra", _field_label(obj), None, _summary(obj), severity_of(kind, None)))
    for key in common:
        want, have = expected[key], actual[key]
        if want == have:
            continue
        if kind is snap.GrantItem:
            drifts.append(Drift(kind_name, want.object, "changed", f"{want.label}: grantable", want.grantable, have.grantable, SECURITY))
        else:
            drifts.extend(changed_fields(kind, want, have))
    return drifts


def _signature_changes(expected: dict[tuple, Any], actual: dict[tuple, Any], missing: list, extra: list) -> tuple[list[Drift], list, list]:
    """A function whose arguments changed: the only one of its name declared and the only one found, with
    other arguments, is one change (the planner drops and recreates it with what depends on it), not one
    function missing and another extra. Where either side has overloads of the name, an overload missing
    is missing and one found too many is extra: which one took the place of which is not for us to guess."""
    def by_name(keys) -> dict[tuple[str, str], list]:
        grouped: dict[tuple[str, str], list] = {}
        for key in keys:
            grouped.setdefault(key[:2], []).append(key)
        return grouped

    declared, present = by_name(expected), by_name(actual)
    pairs = [(new[0], present[name][0]) for name, new in by_name(missing).items()
             if len(declared[name]) == 1 and len(present.get(name, ())) == 1 and present[name][0] in extra]
    drifts = [Drift(snap.Function.KIND, expected[new].path, "changed", "argument_types", new[2], old[2], SCHEMA) for new, old in pairs]
    paired = {key for pair in pairs for key in pair}
    return drifts, [k for k in missing if k not in paired], [k for k in extra if k not in paired]


def _path(obj: Any) -> str:
    return obj.object if isinstance(obj, snap.GrantItem) else obj.path


def changed_fields(kind: type, want: Any, have: Any) -> list[Drift]:
    if kind is snap.SeedRow:
        return _changed_seed_values(want, have)
    result = []
    for name in snap.compared_fields(kind):
        a, b = getattr(want, name), getattr(have, name)
        if kind is snap.View and name == "definition":
            if _unqualified_view(want) != _unqualified_view(have):
                result.append(Drift(kind.KIND, want.path, "changed", name, a, b, severity_of(kind, name)))
        elif normalised(kind, name, a) != normalised(kind, name, b):
            result.append(Drift(kind.KIND, want.path, "changed", name, a, b, severity_of(kind, name)))
    return result


def _unqualified_view(view: snap.View) -> str:
    """PostgreSQL 16 stopped prefixing columns with their relation's name where one relation is read;
    drop those prefixes on both sides so a server upgrade is not drift."""
    text = view.definition
    for relation in view.reads:
        name = relation.rpartition(".")[2]
        text = re.sub(r'(?<![\w."$])' + re.escape(ident(name)) + r'\.(?=[\w"])', "", text)
    return text


def _without_privileges(objects: dict[tuple, Any], privileges: set[str]) -> dict[tuple, Any]:
    """Default privileges as an older server would see them (MAINTAIN exists from PostgreSQL 17 on)."""
    return {k: dataclasses.replace(o, privileges=tuple(p for p in o.privileges if p not in privileges),
                                   grantable=tuple(p for p in o.grantable if p not in privileges))
            for k, o in objects.items()}


def _definer_owners(expected: snap.Snapshot, actual: snap.Snapshot) -> list[Drift]:
    """A SECURITY DEFINER function runs with its owner's rights: an owner other than the project's
    is a change of privilege. Other functions' owners are not compared."""
    want = expected.of(snap.Function)
    return [Drift(snap.Function.KIND, have.path, "changed", "owner", actual.owner, have.owner, SECURITY)
            for key, have in actual.of(snap.Function).items()
            if have.security_definer and key in want and want[key].security_definer and have.owner != actual.owner]


def _changed_seed_values(want: snap.SeedRow, have: snap.SeedRow) -> list[Drift]:
    a, b = dict(want.values), dict(have.values)
    return [
        Drift(snap.SeedRow.KIND, want.path, "changed", column, a[column], b[column], DATA)
        for column in sorted(a.keys() & b.keys()) if a[column] != b[column]
    ]


def _parent_table(obj: Any) -> tuple[str, str] | None:
    if isinstance(obj, snap.Grant):
        return None
    table = getattr(obj, "table", None)
    return (obj.schema, table) if table is not None else None


def compare(expected: snap.Snapshot, actual: snap.Snapshot) -> list[Drift]:
    """Every drift, security first, then by object; children of a missing or extra table are folded into it."""
    gone: set[tuple] = set()
    gone_paths: set[str] = set()
    for relation in (snap.Schema, snap.Table, snap.View):  # a missing or extra one speaks for its indexes and grants
        relation_missing, relation_extra, _ = keyed_differences(expected.of(relation), actual.of(relation))
        gone |= set(relation_missing) | set(relation_extra)
        gone_paths |= {(expected.of(relation) | actual.of(relation))[k].path for k in relation_missing + relation_extra}
    # Grants on a missing or extra function, sequence or type are folded into it.
    gone_objects = set()
    for kind in (snap.Function, snap.Sequence, snap.Domain, snap.CompositeType):
        missing, extra, _ = keyed_differences(expected.of(kind), actual.of(kind))
        gone_objects |= {(expected.of(kind) | actual.of(kind))[k].path for k in missing + extra}

    oldest = min(expected.server_version, actual.server_version)
    newer_only = {p for p, since in PRIVILEGE_SINCE.items() if since > oldest}

    schemas_missing, schemas_extra, _ = keyed_differences(expected.of(snap.Schema), actual.of(snap.Schema))
    gone_schemas = {(expected.of(snap.Schema) | actual.of(snap.Schema))[k].name for k in schemas_missing + schemas_extra}

    def relevant(obj: Any) -> bool:
        if isinstance(obj, snap.DefaultPrivilege):  # a missing or extra schema speaks for its default privileges
            return obj.schema not in gone_schemas
        if isinstance(obj, snap.Grant):
            return (obj.on or obj.object) not in gone_paths and obj.object not in gone_objects
        parent = _parent_table(obj)
        return parent is None or parent not in gone or isinstance(obj, (snap.Table, snap.View))

    drifts: list[Drift] = []
    for kind in snap.KINDS:
        want, have = expected.of(kind), actual.of(kind)
        if gone or gone_objects or gone_schemas:
            want = {k: o for k, o in want.items() if relevant(o)}
            have = {k: o for k, o in have.items() if relevant(o)}
        if kind is snap.Extension:  # those read for lint only (schema.yaml has no `extensions:`) are not compared
            want, have = {k: o for k, o in want.items() if o.managed}, {k: o for k, o in have.items() if o.managed}
        if newer_only and kind is snap.DefaultPrivilege:
            want, have = _without_privileges(want, newer_only), _without_privileges(have, newer_only)
        drifts.extend(compare_kind(kind, want, have))
    drifts.extend(_definer_owners(expected, actual))
    if newer_only:
        drifts = [d for d in drifts if not (d.kind == "grant" and (d.field or "").split(" ")[0] in newer_only)]
    return sorted(drifts, key=lambda d: (SEVERITY_ORDER[d.severity], d.object, d.kind, d.change, d.field or ""))
