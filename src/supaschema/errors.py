"""The one error type a user sees: where, what, and how to fix it.

Everything the CLI catches is a `UserError`; anything else is a bug and keeps
its traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    where: str  # "schema.yaml:12" or an object name such as "database"
    what: str
    fix: str = ""

    def __str__(self) -> str:
        text = f"{self.where}: {self.what}"
        return f"{text}\n    fix: {self.fix}" if self.fix else text


class UserError(Exception):
    """Bad input or an unusable environment; reported without a traceback, exit 2."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


QUOTE_LIMIT = 80
# What a terminal acts on (ESC, CR, backspace, bell...), shows as a line break, or reorders the text around
# (bidirectional overrides, as in "Trojan Source"); tabs are kept.
_UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNPRINTABLE_BUT_NEWLINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str, *, lines: bool = False) -> str:
    """A name or value from schema.yaml or a database, for a text report: its control characters as escapes,
    so that a name holding ESC or CR cannot rewrite the terminal or the line a finding is on. `lines`: a
    multi-line value (a body) keeps its newlines."""
    pattern = _UNPRINTABLE_BUT_NEWLINE if lines else _UNPRINTABLE
    return pattern.sub(lambda m: f"\\x{ord(m.group(0)):02x}" if ord(m.group(0)) < 0x100 else f"\\u{ord(m.group(0)):04x}", text)


def excerpt(text: str, limit: int = QUOTE_LIMIT) -> str:
    """User text quoted for a message, cut so that a 50 MB value cannot flood the terminal."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}… ({len(text) - limit} more characters)"


def clipped(text: str, limit: int = QUOTE_LIMIT) -> str:
    """The same cut, for text that is shown unquoted (a path of names, a parser's message that echoes input)."""
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text) - limit} more characters)"
