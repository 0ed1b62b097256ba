"""The one kind of user-written SQL text that templates may paste: fragments re-printed by our own printers.

A `Fragment` is made only by `spec.types` (types, `returns`, `arguments`) and
`spec.expressions` (expressions), each from a parse of what the user wrote; the
templates' `fragment` filter refuses anything else, so a plain string from
schema.yaml cannot reach SQL by being inserted where a fragment belongs.
"""

from __future__ import annotations

import re


class Fragment(str):
    """SQL text printed from a parse tree; nothing the parser did not understand is in it."""

    __slots__ = ()


_CONTROL_CHARACTER = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


# Characters that have no place in a name: PostgreSQL would keep them, and they make
# generated files and messages lie about what the name is (a trailing newline looks like no name at all).
def control_character(text: str) -> str | None:
    found = _CONTROL_CHARACTER.search(text)  # one regex scan: every name in schema.yaml passes here
    return f"U+{ord(found.group()):04X}" if found else None

