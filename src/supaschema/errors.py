"""The one error type a user sees: where, what, and how to fix it.

Everything the CLI catches is a `UserError`; anything else is a bug and keeps
its traceback.
"""

from __future__ import annotations

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


def excerpt(text: str, limit: int = QUOTE_LIMIT) -> str:
    """User text quoted for a message, cut so that a 50 MB value cannot flood the terminal."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}… ({len(text) - limit} more characters)"


def clipped(text: str, limit: int = QUOTE_LIMIT) -> str:
    """The same cut, for text that is shown unquoted (a path of names, a parser's message that echoes input)."""
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text) - limit} more characters)"
