"""What a column type change costs: whether PostgreSQL rewrites the table, or only checks the catalog.

Only the changes PostgreSQL documents as binary-coercible without a rewrite are recognised
(a longer or unlimited varchar or varbit, varchar to text, a numeric with more digits and the same
scale); anything else is taken to rewrite the table, so the tag errs on the side of caution.
"""

from __future__ import annotations

import re

_TYPMOD = re.compile(r"(?P<base>[a-z ]+?)(?:\((?P<args>[0-9, ]+)\))?(?P<array>(?:\[\])*)")
_LENGTHENED = {"character varying", "bit varying"}
_WIDENS_TO = {"character varying": {"text"}, "text": {"character varying"}}


def rewrites(old: str, new: str) -> bool:
    """Whether ALTER COLUMN ... TYPE from `old` to `new` (format_type's spelling) rewrites every row."""
    if old == new:
        return False
    a, b = _TYPMOD.fullmatch(old), _TYPMOD.fullmatch(new)
    if not a or not b or a["array"] != b["array"]:
        return True
    if b["base"] in _WIDENS_TO.get(a["base"], ()) and not b["args"]:
        return False
    if a["base"] != b["base"]:
        return True
    if not b["args"]:
        return a["base"] not in _LENGTHENED | {"numeric"}
    if not a["args"]:
        return True  # unlimited to limited: every value must be checked, and may be rewritten
    old_args = [int(x) for x in a["args"].split(",")]
    new_args = [int(x) for x in b["args"].split(",")]
    if a["base"] in _LENGTHENED:
        return new_args[0] < old_args[0]
    if a["base"] == "numeric" and len(old_args) == len(new_args) == 2:
        return not (new_args[0] >= old_args[0] and new_args[1] == old_args[1])
    return True
