"""Planning renames (drift.renames): ALTER ... RENAME keeps the data, the grants and what depends on
the object, where DROP and CREATE would lose them. Each rename is guarded (a DO block that checks the
old name is there and the new one is not), so a replay, after the rename, does nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..catalog import snapshot as snap
from .operations import LOCKS_TABLE, Phase
from .registry import handles

if TYPE_CHECKING:
    from ..drift.compare import Drift
    from .planner import Planner


def _rename(action: str, param: str, hazards: tuple[str, ...] = (LOCKS_TABLE,)):
    """A handler that emits one guarded rename; drift.actual is the old name."""
    def handler(p: Planner, drift: Drift, obj: Any) -> None:
        p.emit(action, Phase.RENAMES, obj.path, hazards, **{param: obj, "old": drift.actual})
    return handler


# A rename of a table, view or column takes a brief ACCESS EXCLUSIVE lock; renaming a function does not.
handles("table", "renamed")(_rename("rename_table", "table"))
handles("view", "renamed")(_rename("rename_view", "view"))
_rename_column = _rename("rename_column", "column")
handles("constraint", "renamed")(_rename("rename_constraint", "constraint"))
handles("index", "renamed")(_rename("rename_index", "index"))
handles("policy", "renamed")(_rename("rename_policy", "policy"))
handles("function", "renamed")(_rename("rename_function", "function", ()))


@handles("column", "renamed")
def column_renamed(p: Planner, drift: Drift, column: snap.Column) -> None:
    if drift.field == "sequence":  # a serial column's sequence, named after the renamed table or column
        p.emit("rename_sequence", Phase.RENAMES, f"{column.path} sequence", (), schema=column.schema, old=drift.actual,
               new=drift.expected)
    else:
        _rename_column(p, drift, column)


@handles("enum", "renamed")
def enum_value_renamed(p: Planner, drift: Drift, enum: snap.Enum) -> None:
    p.emit("rename_enum_value", Phase.RENAMES, f"{enum.path} value {drift.expected}", (), enum=enum,
           value=drift.expected, old=drift.actual)
