"""What every per-kind reader of schema.yaml shares: the source with its problems, names, expressions, columns.

Each object kind has its own module (tables, columns, indexes, policies, functions,
triggers, seeds, migrations) with `read_*` functions taking a `Reader`.
"""

from __future__ import annotations

import yaml

from ..errors import clipped, excerpt
from ..sqltext.fragments import Fragment, control_character
from .expressions import parse_expression
from .model import split_table_key
from .yaml_source import Source, closest

MAX_IDENTIFIER = 63
TABLE_PRIVILEGES = {"select", "insert", "update", "delete", "truncate", "references", "trigger", "all"}
COLUMN_PRIVILEGES = {"select", "insert", "update", "references"}
SEQUENCE_PRIVILEGES = {"usage", "select", "update", "all"}
TYPE_PRIVILEGES = {"usage", "all"}
# Tables outside schema.yaml that a Supabase project always has, with the columns we may point at.
EXTERNAL_TABLES = {("auth", "users"): {"id", "email", "phone", "created_at", "updated_at"}}


def split_qualified(name: str, default_schema: str = "public") -> tuple[str, str]:
    schema, dot, rest = name.partition(".")
    return (schema, rest) if dot else (default_schema, name)


def identifier_error(name: str) -> str | None:
    if not name:
        return "a name cannot be empty"
    if (char := control_character(name)) is not None:
        return f"{excerpt(name)} holds the control character {char}; names cannot hold line breaks or other control characters"
    if len(name.encode()) > MAX_IDENTIFIER:
        return f"{excerpt(name)} is longer than PostgreSQL's {MAX_IDENTIFIER}-byte limit for names"
    return None


def mapping_keys(node: yaml.Node) -> set[str]:
    """The keys of a mapping, read without reporting anything (the reader of each entry does)."""
    return {k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)} if isinstance(node, yaml.MappingNode) else set()


def each(node: yaml.Node) -> list[yaml.Node]:
    """A list, or a single value as a list of one."""
    return list(node.value) if isinstance(node, yaml.SequenceNode) else [node]


class Reader:
    def __init__(self, source: Source):
        self.src = source
        # Foreign-key targets, checked once every table is known.
        self.pending_references: list[tuple[yaml.Node, str, str, str, list[str]]] = []
        # Type names declared in schema.yaml (enums, domains, composite types), which columns may use besides
        # PostgreSQL's own: schema.name, and name for public ones.
        self.declared_types: set[str] = set()
        # Schemas objects may live in: public and those under `schemas:`.
        self.schemas: set[str] = {"public"}

    def schema_known(self, node: yaml.Node, path: str, schema: str) -> bool:
        if schema in self.schemas:
            return True
        self.src.problem(node, path, f"schema {excerpt(schema)} is not declared", f"add it under `schemas:` ({closest(schema, sorted(self.schemas))})")
        return False

    def name(self, node: yaml.Node, path: str, value: str) -> bool:
        error = identifier_error(value)
        if error:
            self.src.problem(node, path, error, "use a shorter name" if "long" in error else "remove it from the name")
        return error is None

    def comment(self, fields: dict[str, yaml.Node], path: str) -> str | None:
        """The optional `comment:` of an object (COMMENT ON ...)."""
        return self.src.text(fields["comment"], f"{path}.comment") if "comment" in fields else None

    def renamed_from(self, fields: dict[str, yaml.Node], path: str, still_declared: set[str], what: str,
                     schema: str | None = None) -> str | None:
        """The optional `renamed_from:` of an object: its previous name, which must be gone from schema.yaml
        (`what` says where it would still be, e.g. "a column of this table"). For an object in `schema`
        (a table, view, function), the old name may be qualified as schema.yaml's keys are, in that schema only."""
        node = fields.get("renamed_from")
        old = self.src.text(node, f"{path}.renamed_from") if node is not None else None
        if old is not None and schema is not None:
            old_schema, bare = split_table_key(old)
            if bare != old and old_schema != schema:  # read as a name in `schema`, it would never match: the rename silently lost
                self.src.problem(node, f"{path}.renamed_from", f"{excerpt(old)} is in schema {old_schema}, but a rename stays in its schema ({schema})",
                                 f"write the old name as it was in {schema}; to move an object to another schema, declare it there and drop the old one")
                return None
            old = bare
        if old is None or not self.name(node, f"{path}.renamed_from", old):
            return None
        if old in still_declared:
            self.src.problem(node, f"{path}.renamed_from", f"{excerpt(old)} is still {what}",
                             "a rename needs the old name gone: remove or rename that one")
            return None
        return old

    def reprinted(self, node: yaml.Node, path: str, printer, what: str, fix: str) -> Fragment | None:
        """A type-like field re-printed by `printer`, or None with the problem noted."""
        text = self.src.text(node, path)
        if text is None:
            return None
        try:
            return printer(text)
        except ValueError as exc:  # the printers' syntax errors
            self.src.problem(node, path, f"{excerpt(text)} {what} ({clipped(str(exc), 160)})", fix)
            return None

    def expression(self, node: yaml.Node, path: str, columns: set[str] | None = None, *, place: str | None = None) -> Fragment | None:
        """An expression; `columns` are the names it may read (None: unchecked), `place` names where it goes
        when that place refuses subqueries, aggregates, window and set-returning functions (a DEFAULT, a CHECK...)."""
        text = self.src.text(node, path)
        if text is None:
            return None
        parsed = parse_expression(text)
        if parsed.error:
            fix = ("rewrite it with plain '...' strings, \"...\" names, words, numbers and operators"
                   if "represented" in parsed.error else "write one PostgreSQL expression, e.g. `price >= 0`")
            self.src.problem(node, path, f"{excerpt(text)} {parsed.error}", fix)
            return None
        ok = True
        if place is not None:
            for construct in sorted(parsed.constructs):
                self.src.problem(node, path, f"{construct} is not allowed in {place} (PostgreSQL refuses it)",
                                 f"{place} is computed from the row alone: use constants, operators and plain functions "
                                 "(a trigger can look up other rows)")
                ok = False
        if columns is not None:
            for missing in sorted(parsed.columns - columns):
                if columns or place is None:
                    self.src.problem(node, path, f"refers to column {excerpt(missing)}, which the table does not have",
                                     closest(missing, sorted(columns)))
                else:
                    self.src.problem(node, path, f"{place} cannot refer to a column ({excerpt(missing)})",
                                     "use a constant or a function call; for a value computed from other columns use `generated:`")
                ok = False
        return parsed.sql if ok else None

    def columns_exist(self, node: yaml.Node, path: str, names: list[str], table_columns: set[str] | None, table: str) -> bool:
        if table_columns is None:  # a view selecting `*`: its columns are known only to PostgreSQL
            return True
        ok = True
        for name in names:
            if name not in table_columns:
                self.src.problem(node, path, f"column {excerpt(name)} does not exist in table {excerpt(table)}", closest(name, sorted(table_columns)))
                ok = False
        return ok


def read_grants(r: Reader, node: yaml.Node, path: str, allowed: set[str] = TABLE_PRIVILEGES) -> list[tuple[str, tuple[str, ...]]]:
    result = []
    for role, key_node, value in r.src.items(node, path):
        if not r.name(key_node, path, role):
            continue
        privileges = [p.lower() for p in r.src.texts(value, f"{path}.{role}")]
        for bad in sorted(set(privileges) - allowed):
            r.src.problem(value, f"{path}.{role}", f"unknown privilege {excerpt(bad)}", closest(bad, sorted(allowed)))
        result.append((role, tuple(p for p in privileges if p in allowed)))
    return result
