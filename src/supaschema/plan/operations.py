"""What a plan is made of: operations, the phase that orders them, and the hazards they carry.

Destructiveness and hazards come from the operation's type, never from looking
at SQL text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

DELETES_DATA = "DELETES_DATA"
REWRITES_TABLE = "REWRITES_TABLE"
LOCKS_TABLE = "LOCKS_TABLE"
CHANGES_ACCESS = "CHANGES_ACCESS"
HAZARD_ORDER = (DELETES_DATA, REWRITES_TABLE, LOCKS_TABLE, CHANGES_ACCESS)


class Phase(IntEnum):
    """The one explicit order of a plan, read top to bottom."""

    SCHEMAS = 1  # everything else may live in them
    EXTENSIONS = 2  # their types and functions may be used by everything else
    RENAMES = 3  # first: every later statement uses the new names
    DROP_VIEWS = 5  # first: a view blocks retyping or dropping what it reads
    DROP_POLICIES = 10
    DROP_TRIGGERS = 20
    DROP_INDEXES = 30
    DROP_FOREIGN_KEYS = 40
    DROP_CONSTRAINTS = 50
    DEFAULT_PRIVILEGES = 52  # before anything is created, so new objects get the declared privileges
    DROP_RETYPED_FUNCTIONS = 55  # a function whose result type changes cannot be replaced in place
    ENUMS = 57  # before the functions and columns that use them
    FUNCTIONS = 60
    FUNCTION_OWNERS = 65  # after a function is (re)created
    TYPES = 66  # domains and composite types, before the tables whose columns use them
    SEQUENCES = 67  # before the tables whose defaults call them
    CREATE_TABLES = 70
    ROW_TYPE_FUNCTIONS = 72  # functions taking or returning a table's row type need the table first
    COLUMN_IDENTITY = 75  # before defaults: a column stops being identity before it gets a default
    COLUMNS = 80
    COLUMN_FUNCTIONS = 82  # SQL functions reading a table or column created above: PostgreSQL checks their body now
    SEQUENCE_OPTIONS = 85  # OWNED BY needs its column
    CONSTRAINTS = 90
    FOREIGN_KEYS = 100
    VIEWS = 105  # after the columns they read; before INDEXES, which materialized views may have
    VIEW_FUNCTIONS = 107  # SQL functions reading a view created above (a view cannot call them: they read it)
    INDEXES = 110
    RLS = 120
    POLICIES = 130
    TRIGGERS = 140
    COMMENTS = 150
    DROP_COLUMNS = 160
    DROP_TABLES = 170
    DROP_ENUMS = 175  # after the tables and columns that used them
    DROP_SEQUENCES = 176  # after the columns whose defaults call them
    DROP_TYPES = 178  # after the columns that use them
    DROP_FUNCTIONS = 180
    DROP_EXTENSIONS = 182  # after the columns, functions and types that used them
    DROP_SCHEMAS = 185  # after what they held
    SEED_ROWS = 190
    GRANTS = 200


class Step(IntEnum):
    """Which part of a change a statement belongs to; `gen` and `plan --write` write one file per part.

    On a table that already holds rows, the slow work is taken out of the locks that block traffic:
    indexes are built CONCURRENTLY (outside any transaction, one per file, so every tool runs them
    alone), and constraints are added NOT VALID in the first file, then validated in the last one,
    whose SHARE UPDATE EXCLUSIVE lock lets reads and writes through while the rows are scanned.
    """

    ATOMIC = 1  # one transaction
    CONCURRENT = 2  # outside any transaction block
    FINISH = 3  # one transaction, after the concurrent builds: VALIDATE, SET NOT NULL, their comments


@dataclass(frozen=True, slots=True)
class Operation:
    action: str  # names the template: templates/plan/<action>.sql.j2
    phase: Phase
    target: str  # the object path, for the header and comments
    params: dict = field(default_factory=dict, compare=False, hash=False)
    hazards: tuple[str, ...] = ()
    step: Step = Step.ATOMIC

    @property
    def destructive(self) -> bool:
        return DELETES_DATA in self.hazards


@dataclass(frozen=True, slots=True)
class Plan:
    operations: tuple[Operation, ...]


def hazard_counts(plan: Plan) -> dict[str, int]:
    """Operations per hazard, the gravest first; hazards no operation has are left out."""
    counts = {h: sum(h in op.hazards for op in plan.operations) for h in HAZARD_ORDER}
    return {h: n for h, n in counts.items() if n}


# Operations that read better as one statement when they share everything but a list.
_MERGEABLE = {
    "grant": lambda op: (op.params["grant"].object_kind, op.params["grant"].object, op.params["grant"].grantee, op.params["grant"].grantable),
    "revoke": lambda op: (op.params["grant"].object_kind, op.params["grant"].object, op.params["grant"].grantee),
    "insert_seed_rows": lambda op: (op.params["row"].schema, op.params["row"].table),
    "update_seed_row": lambda op: op.target,
}
_LIST_PARAM = {"grant": "grants", "revoke": "grants", "insert_seed_rows": "rows", "update_seed_row": "changes"}
_ITEM_PARAM = {"grant": "grant", "revoke": "grant", "insert_seed_rows": "row", "update_seed_row": "change"}


def merged(operations: list[Operation]) -> list[Operation]:
    """GRANT SELECT, INSERT ... instead of one GRANT per privilege; one INSERT for many seed rows."""
    result: list[Operation] = []
    for op in operations:
        key = _MERGEABLE.get(op.action)
        item = op.params.get(_ITEM_PARAM.get(op.action, ""))
        previous = result[-1] if result else None
        if key and previous is not None and previous.action == op.action and key(previous) == key(op):
            items = previous.params[_LIST_PARAM[op.action]] + [item]
            result[-1] = Operation(op.action, op.phase, op.target, {**previous.params, _LIST_PARAM[op.action]: items}, op.hazards, op.step)
        elif key:
            result.append(Operation(op.action, op.phase, op.target, {**op.params, _LIST_PARAM[op.action]: [item]}, op.hazards, op.step))
        else:
            result.append(op)
    return result
