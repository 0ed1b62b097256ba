"""What a parsed expression reads and contains: the columns of its own scope, and the constructs
(subqueries, aggregates, window and set-returning functions) that some places forbid.

A subquery brings its own tables, and with them names we cannot resolve: only the outer scope's
unqualified column references are checked, and nothing inside a subquery (a correlated reference
there may name an outer column or one of the subquery's tables; we never guess which).
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlglot import exp

# SQL's special value functions that sqlglot reads as bare column names.
_SPECIAL_VALUES = frozenset({"current_role", "user", "current_catalog", "current_user", "session_user", "system_user",
                             "current_schema", "current_date", "current_time", "current_timestamp", "localtime",
                             "localtimestamp"})
_SET_RETURNING = tuple(getattr(exp, name) for name in ("Explode", "GenerateSeries", "ExplodingGenerateSeries") if hasattr(exp, name))

SUBQUERY = "a subquery"
AGGREGATE = "an aggregate function"
WINDOW = "a window function"
SET_RETURNING = "a set-returning function"


def outer_nodes(root: exp.Expression) -> Iterator[exp.Expression]:
    """Every node of the expression outside its subqueries."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(child for child in node.iter_expressions() if not isinstance(child, (exp.Query, exp.Subquery)))


def outer_columns(root: exp.Expression) -> frozenset[str]:
    """Unqualified column names read by the expression itself (not by its subqueries)."""
    return frozenset(
        node.name for node in outer_nodes(root)
        if isinstance(node, exp.Column) and not node.table and node.name
        and (node.this.args.get("quoted") or node.name.lower() not in _SPECIAL_VALUES)
    )


def row_columns(root: exp.Expression) -> frozenset[tuple[str, str]]:
    """(qualifier, column) pairs read outside subqueries, e.g. ("old", "balance") for OLD.balance: a trigger's
    WHEN reads the row through OLD and NEW. An unquoted qualifier is folded to lower case, as PostgreSQL does."""
    return frozenset(
        (node.table if node.args["table"].args.get("quoted") else node.table.lower(), node.name)
        for node in outer_nodes(root)
        if isinstance(node, exp.Column) and node.table and not node.args.get("db") and node.name
    )


def constructs(root: exp.Expression) -> frozenset[str]:
    """Which of the constructs that DEFAULT, CHECK, GENERATED and index predicates refuse appear anywhere."""
    found = set()
    stack = [root]
    while stack:
        node = stack.pop()
        children = list(node.iter_expressions())
        if isinstance(node, (exp.Query, exp.Subquery)):
            found.add(SUBQUERY)
        elif isinstance(node, exp.Window):
            found.add(WINDOW)
            children = [c for c in children if c is not node.this]  # sum(x) OVER () is a window, not an aggregate
        elif isinstance(node, exp.AggFunc):
            found.add(AGGREGATE)
        elif isinstance(node, _SET_RETURNING):
            found.add(SET_RETURNING)
        stack.extend(children)
    return frozenset(found)
