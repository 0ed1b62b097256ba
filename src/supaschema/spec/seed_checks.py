"""A table's CHECK constraints evaluated on each seed row, in Python, before any SQL runs.

Only what Python decides exactly as PostgreSQL does is evaluated: NULL-aware comparisons of
numbers and booleans, text equality, AND/OR/NOT, IN, BETWEEN, IS [NOT] NULL, + - *, length, coalesce.
Anything else (text ordering under a collation, casts, division, functions, other types) is left
undecided, and the shadow database judges it when the rendered SQL is applied.
"""

from __future__ import annotations

import operator
from decimal import Decimal
from functools import lru_cache

import yaml

from ..errors import excerpt
from . import model as s
from .reading import Reader
from .seed_values import compares_like_python, domain_of


class Undecided(Exception):
    """Python cannot tell what PostgreSQL would answer."""


def check_row(r: Reader, row_node: yaml.Node, rpath: str, table: s.Table, values: dict) -> None:
    if not table.checks:
        return  # the common case, and 10,000 rows would each build a row for nothing
    row = _row_with_defaults(table, values)
    for check in table.checks:
        tree = _tree(check.expression)
        if tree is None:
            continue
        try:
            verdict = evaluate(tree, row)
        except Undecided:
            continue
        if verdict is False:
            shown = ", ".join(f"{name} = {_shown(values[name])}" for name in sorted(_columns(tree)) if name in values)
            r.src.problem(row_node, rpath, f"breaks CHECK {check.name} ({excerpt(check.expression)}) with {shown}",
                          "change the value, or the check")


def _shown(value) -> str:
    if value is None:
        return "NULL"
    return excerpt(value) if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else str(value)


_UNKNOWN = object()  # a column whose value PostgreSQL computes (a default we do not evaluate)
_OPAQUE = object()  # a value that is not NULL, but that Python does not compare as PostgreSQL does


def _row_with_defaults(table: s.Table, values: dict) -> dict:
    row = {}
    for column in table.columns:
        if column.name in values:
            value = values[column.name]
            exact = column.collation is None and compares_like_python(domain_of(column.type))
            row[column.name] = value if value is None or exact else _OPAQUE
        elif column.default is None and column.identity is None and column.generated is None:
            row[column.name] = None
        else:
            row[column.name] = _UNKNOWN
    return row


@lru_cache(maxsize=1024)
def _tree(expression: str):
    import sqlglot

    try:
        return sqlglot.parse_one(f"SELECT ({expression}\n)", read="postgres").expressions[0]
    except sqlglot.errors.SqlglotError:
        return None


def _columns(tree) -> set[str]:
    from sqlglot import exp

    return {c.name for c in tree.find_all(exp.Column)}


_COMPARE = {"EQ": operator.eq, "NEQ": operator.ne, "GT": operator.gt, "GTE": operator.ge, "LT": operator.lt, "LTE": operator.le}
_ARITHMETIC = {"Add": operator.add, "Sub": operator.sub, "Mul": operator.mul}


def evaluate(node, row: dict):
    """SQL's value of `node` for this row: True, False, None (NULL), a number or a string; or Undecided."""
    from sqlglot import exp

    kind = type(node).__name__
    if isinstance(node, exp.Paren):
        return evaluate(node.this, row)
    if isinstance(node, exp.Column):
        value = row.get(node.name, _UNKNOWN)
        if value is _UNKNOWN or node.table:
            raise Undecided
        return Decimal(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if isinstance(node, exp.Literal):
        return node.this if node.is_string else Decimal(node.this)
    if isinstance(node, exp.Boolean):
        return bool(node.this)
    if isinstance(node, exp.Null):
        return None
    if isinstance(node, (exp.And, exp.Or, exp.Not)):
        return _logic(node, row)
    if kind in _COMPARE:
        return _compare(_COMPARE[kind], evaluate(node.this, row), evaluate(node.expression, row), ordered=kind not in ("EQ", "NEQ"))
    if kind in _ARITHMETIC:
        left, right = evaluate(node.this, row), evaluate(node.expression, row)
        if left is None or right is None:
            return None
        return _ARITHMETIC[kind](_number(left), _number(right))
    if isinstance(node, exp.Neg):
        value = evaluate(node.this, row)
        return None if value is None else -_number(value)
    return _function(node, row)


def _logic(node, row: dict):
    from sqlglot import exp

    if isinstance(node, exp.Not):
        value = _truth(evaluate(node.this, row))
        return None if value is None else not value
    left, right = _truth(evaluate(node.this, row)), _truth(evaluate(node.expression, row))
    decisive = isinstance(node, exp.Or)  # OR is decided by a TRUE, AND by a FALSE
    if decisive in (left, right):
        return decisive
    return None if None in (left, right) else not decisive


def _function(node, row: dict):
    from sqlglot import exp

    if isinstance(node, exp.Is):
        value, target = evaluate(node.this, row), node.expression
        if isinstance(target, exp.Null):
            return value is None
        if isinstance(target, exp.Boolean):
            return _truth(value) is bool(target.this)
        raise Undecided
    if isinstance(node, exp.In) and not node.args.get("query") and not node.args.get("unnest"):
        return _in(evaluate(node.this, row), [evaluate(e, row) for e in node.expressions])
    if isinstance(node, exp.Between):
        value = evaluate(node.this, row)
        low = _compare(operator.ge, value, evaluate(node.args["low"], row), ordered=True)
        high = _compare(operator.le, value, evaluate(node.args["high"], row), ordered=True)
        return False if False in (low, high) else (None if None in (low, high) else True)
    if isinstance(node, exp.Length):
        value = evaluate(node.this, row)
        if value is not None and not isinstance(value, str):
            raise Undecided
        return None if value is None else Decimal(len(value))
    if isinstance(node, exp.Coalesce):
        for argument in [node.this, *node.expressions]:
            value = evaluate(argument, row)
            if value is not None:
                return value
        return None
    raise Undecided


def _in(value, options: list):
    if value is None:
        return None
    answers = [_compare(operator.eq, value, option, ordered=False) for option in options]
    return True if True in answers else (None if None in answers else False)


def _compare(op, left, right, *, ordered: bool):
    if left is None or right is None:
        return None
    if isinstance(left, bool) and isinstance(right, bool):
        return op(left, right)
    if isinstance(left, str) and isinstance(right, str):
        if ordered:
            raise Undecided  # text order depends on the collation
        return op(left, right)
    return op(_number(left), _number(right))


def _number(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, str):  # a quoted literal compared with a number: PostgreSQL reads it as one
        try:
            return Decimal(value.strip())
        except ArithmeticError:
            raise Undecided from None
    raise Undecided


def _truth(value):
    if value is None or isinstance(value, bool):
        return value
    raise Undecided
