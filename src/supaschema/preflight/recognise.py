"""Pending statements -> the data preconditions they carry, in order.

Only these forms are recognised (parsed by sqlglot, never matched loosely):
ALTER TABLE ... ADD COLUMN (NOT NULL, no default) / ALTER COLUMN ... SET NOT NULL /
ALTER COLUMN ... TYPE / ADD [CONSTRAINT] UNIQUE | PRIMARY KEY | CHECK | FOREIGN KEY,
and CREATE UNIQUE INDEX. Anything else yields nothing. A CHECK or FOREIGN KEY added NOT VALID
carries its condition when a later pending statement VALIDATEs it (that statement is where it
fails); it is counted against the rows as they are when the constraint is added.

A precondition is only worth checking against today's rows if nothing pending before
it may have changed them: a table created earlier in the pending set is empty, and a
table given a new column or a converted one earlier is no longer what the database
holds now. Statements that may write anywhere end all checking for the rest of the
set: INSERT, UPDATE, DELETE, TRUNCATE, COPY (their triggers and cascades reach other
tables: a new auth.users row creates a user_balances row), DO, CALL, SELECT, SET
search_path, and anything unknown.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ..sqltext.quoting import ident
from .preconditions import (DEFAULT_SCHEMA, Cast, Check, ForeignKey, Located, NewNotNullColumn, NoNulls,
                            Precondition, TableName, Unique)

_NAME = r'(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)'
_QUALIFIED = rf"({_NAME}(?:\s*\.\s*{_NAME})?)"
_CREATE_TABLE = re.compile(rf"CREATE\s+(?:(?:GLOBAL|LOCAL)\s+)?(?:(?:TEMP|TEMPORARY|UNLOGGED)\s+)?TABLE\s+"
                           rf"(?:IF\s+NOT\s+EXISTS\s+)?{_QUALIFIED}", re.I)
_ALTER_TABLE = re.compile(rf"ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?{_QUALIFIED}", re.I)
_VALIDATE = re.compile(rf"ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?{_QUALIFIED}\s+VALIDATE\s+CONSTRAINT\s+({_NAME})\s*$", re.I)
# Statements that change no row of an existing table (ALTER TABLE and CREATE UNIQUE INDEX are parsed).
_NO_DATA_CHANGE = re.compile(r"(?:CREATE|DROP|COMMENT|GRANT|REVOKE|ALTER|SET|RESET|SECURITY\s+LABEL)\b", re.I)


@dataclass
class _State:
    """What the pending statements read so far have done to the tables."""

    created: set[TableName] = field(default_factory=set)
    written: set[TableName] = field(default_factory=set)
    anything_may_have_changed: bool = False

    def untouched(self, table: TableName) -> bool:
        return not self.anything_may_have_changed and table not in self.created and table not in self.written


def preconditions(statements: Iterable[tuple[Located, str]]) -> list[Precondition]:
    """The preconditions worth checking against today's rows, in statement order."""
    statements = list(statements)
    validated = _validated_later(statements)
    state = _State()
    found: list[Precondition] = []
    for at, sql in statements:
        if state.anything_may_have_changed:
            break
        # A statement's own conditions hold against the rows before it; its effects count from the next one.
        conditions, effect = _read(at, sql, validated)
        found += [pre for pre in conditions if _checkable(pre, state)]
        effect(state)
    return found


def _validated_later(statements: list[tuple[Located, str]]) -> dict[tuple[TableName, str], Located]:
    """(table, constraint) -> the pending VALIDATE CONSTRAINT that checks it."""
    found = {}
    for at, sql in statements:
        if match := _VALIDATE.match(_without_leading_comments(sql)):
            found[(_table_from_text(match.group(1)), _table_from_text(match.group(2)).name)] = at
    return found


def _checkable(pre: Precondition, state: _State) -> bool:
    if not state.untouched(pre.table):
        return False
    return not isinstance(pre, ForeignKey) or state.untouched(pre.referenced)


def _no_effect(state: _State) -> None:
    pass


def _creates(table: TableName):
    return lambda state: state.created.add(table)


def _writes(table: TableName):
    return lambda state: state.written.add(table)


def _may_change_anything(state: _State) -> None:
    state.anything_may_have_changed = True


def _read(at: Located, sql: str, validated: dict | None = None):
    """(the statement's preconditions, what it does to the tables as a function of the state)."""
    head = _without_leading_comments(sql)
    if _VALIDATE.match(head):
        return [], _no_effect  # its condition comes with the ADD ... NOT VALID it validates
    if re.match(r"ALTER\s+TABLE\b|CREATE\s+UNIQUE\s+INDEX\b", head, re.I):
        return _parsed(at, head, validated or {})
    if re.match(r"SET\s+(?:LOCAL\s+|SESSION\s+)?search_path\b", head, re.I):
        return [], _may_change_anything  # unqualified names now mean other tables
    if created := _CREATE_TABLE.match(head):
        return [], _creates(_table_from_text(created.group(1)))
    return [], _no_effect if _NO_DATA_CHANGE.match(head) else _may_change_anything


def _without_leading_comments(sql: str) -> str:
    text = sql.lstrip()
    while text.startswith(("--", "/*")):
        end = text.find("\n") + 1 if text.startswith("--") else text.find("*/") + 2
        if end <= 1:
            return ""
        text = text[end:].lstrip()
    return text


def _table_from_text(name: str) -> TableName:
    parts = [p.strip() for p in re.findall(_NAME, name)]
    parts = [p[1:-1].replace('""', '"') if p.startswith('"') else p.lower() for p in parts]
    return TableName(DEFAULT_SCHEMA, parts[0]) if len(parts) == 1 else TableName(parts[0], parts[1])


def _parse(sql: str):
    import sqlglot

    logging.getLogger("sqlglot").setLevel(logging.ERROR)  # an unsupported form is ours to skip, not to print
    try:
        return sqlglot.parse_one(sql, read="postgres")
    except (sqlglot.errors.SqlglotError, RecursionError):
        return None


def _parsed(at: Located, sql: str, validated: dict):
    from sqlglot import exp

    tree = _parse(sql)
    if isinstance(tree, exp.Create) and isinstance(tree.this, exp.Index):
        return list(_unique_index(at, tree)), _no_effect
    if not (isinstance(tree, exp.Alter) and tree.args.get("kind", "").upper() == "TABLE"):
        altered = _ALTER_TABLE.match(sql)
        # Not understood: it may add or convert values.
        return [], _writes(_table_from_text(altered.group(1))) if altered else _no_effect
    table = _table(tree.this)
    found = list(_alter_table(at, table, tree, validated))
    if any(isinstance(action, exp.ColumnDef) or (isinstance(action, exp.AlterColumn) and action.args.get("dtype"))
           for action in tree.args.get("actions") or []):
        return found, _writes(table)  # later statements see new or converted values: today's rows no longer tell
    return found, _no_effect


def _name(identifier) -> str:
    return identifier.this if identifier.args.get("quoted") else identifier.this.lower()


def _table(node) -> TableName:
    schema = node.args.get("db")
    return TableName(_name(schema) if schema else DEFAULT_SCHEMA, _name(node.this))


def _sql(node) -> str:
    return node.sql(dialect="postgres", comments=False)  # a comment could hide the rest of a query


def _alter_table(at: Located, table: TableName, tree, validated: dict) -> Iterator[Precondition]:
    from sqlglot import exp

    not_valid = bool(tree.args.get("not_valid"))
    for action in tree.args.get("actions") or []:
        if isinstance(action, exp.ColumnDef):
            yield from _added_column(at, table, action)
        elif isinstance(action, exp.AlterColumn):
            column = _name(action.this)
            if action.args.get("allow_null") is False and not action.args.get("drop"):
                yield NoNulls(at, table, column)
            elif action.args.get("dtype"):
                using = action.args.get("using")
                yield Cast(at, table, column, _sql(action.args["dtype"]), _sql(using) if using else None)
        elif isinstance(action, exp.AddConstraint):
            for constraint in action.expressions:
                name = _name(constraint.this) if isinstance(constraint, exp.Constraint) and constraint.this else None
                later = validated.get((table, name)) if not_valid and name else None
                yield from _constraint(later or at, table, constraint, not_valid and not later)


def _added_column(at: Located, table: TableName, column) -> Iterator[Precondition]:
    from sqlglot import exp

    kinds = [c.args.get("kind") for c in column.args.get("constraints") or []]
    gets_a_value = (exp.DefaultColumnConstraint, exp.GeneratedAsIdentityColumnConstraint, exp.ComputedColumnConstraint)
    if any(isinstance(k, gets_a_value) for k in kinds):
        return
    if any(isinstance(k, (exp.NotNullColumnConstraint, exp.PrimaryKeyColumnConstraint)) for k in kinds):
        yield NewNotNullColumn(at, table, _name(column.this))


def _constraint(at: Located, table: TableName, node, not_valid: bool) -> Iterator[Precondition]:
    from sqlglot import exp

    parts = node.expressions if isinstance(node, exp.Constraint) else [node]
    for part in parts:
        if isinstance(part, exp.PrimaryKey):
            columns = tuple(_name(c) for c in part.expressions)
            yield from (NoNulls(at, table, c) for c in columns)
            yield Unique(at, table, tuple(ident(c) for c in columns), ", ".join(columns))
        elif isinstance(part, exp.UniqueColumnConstraint) and isinstance(part.this, exp.Schema):
            columns = tuple(_name(c) for c in part.this.expressions)
            yield Unique(at, table, tuple(ident(c) for c in columns), ", ".join(columns),
                         nulls_distinct=not part.args.get("nulls"))
        elif isinstance(part, exp.CheckColumnConstraint) and not not_valid:
            inner = part.this.unnest()
            if column := _is_not_null(inner):
                yield NoNulls(at, table, column)  # SET NOT NULL's helper CHECK: the same condition, its message
            else:
                yield Check(at, table, _sql(inner))  # CHECK ((x)) as pg_get_constraintdef writes it
        elif isinstance(part, exp.ForeignKey) and not not_valid:
            yield from _foreign_key(at, table, part)


def _is_not_null(node) -> str | None:
    """`column IS NOT NULL` (sqlglot writes it as a negated IS, or NOT around an IS): the column."""
    from sqlglot import exp

    if isinstance(node, exp.Not) and isinstance(node.this, exp.Is):
        node, negated = node.this, True
    else:
        negated = isinstance(node, exp.Is) and bool(node.args.get("negate"))
    if negated and isinstance(node.expression, exp.Null) and isinstance(node.this, exp.Column) and not node.this.table:
        return _name(node.this.this)
    return None


def _foreign_key(at: Located, table: TableName, fk) -> Iterator[ForeignKey]:
    from sqlglot import exp

    reference = fk.args.get("reference")
    target = reference.this if reference is not None else None
    if isinstance(target, exp.Schema):
        referenced, columns = _table(target.this), tuple(_name(c) for c in target.expressions)
    elif isinstance(target, exp.Table):
        referenced, columns = _table(target), None
    else:
        return
    yield ForeignKey(at, table, tuple(_name(c) for c in fk.expressions), referenced, columns or None)


def _unique_index(at: Located, tree) -> Iterator[Unique]:
    from sqlglot import exp

    if not tree.args.get("unique"):
        return
    index = tree.this
    params = index.args.get("params")
    table_node = index.args.get("table")
    if params is None or table_node is None:
        return
    keys = []
    for column in params.args.get("columns") or []:
        key = column.this if isinstance(column, exp.Ordered) else column
        keys.append(ident(_name(key.this)) if isinstance(key, exp.Column) and not key.table else _sql(key))
    where = params.args.get("where")
    if keys:
        yield Unique(at, _table(table_node), tuple(keys), ", ".join(keys), _sql(where.this) if where else None)
