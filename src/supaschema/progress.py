"""A progress line on standard error for work that takes longer than about a second.

The stages say what they are doing (`step`, `detail`); only the command line decides whether
anyone sees it (`shown_on`), so a pipe, a CI log and `--format json` stay exactly as they were.
Nothing is printed for work that ends within the delay, and the line is erased when done.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import TextIO

from .errors import printable

# Tests set it to 0 to see every step at once, instead of waiting for slow work.
DELAY_S = float(os.environ.get("SUPASCHEMA_PROGRESS_AFTER", "1.0"))
TICK_S = 0.25


class _Line:
    def __init__(self, stream: TextIO, delay: float):
        self.stream = stream
        self.delay = delay
        self.started = time.monotonic()
        self.steps: dict[int, list] = {}  # thread -> [label or a function making it, detail]
        self.lock = threading.Lock()
        self.shown = False
        self.done = threading.Event()

    def text(self) -> str:
        parts = []
        for entry in self.steps.values():
            if callable(entry[0]):
                entry[0] = entry[0]()  # made once, and only when it is going to be shown
            parts.append(f"{entry[0]}{f': {entry[1]}' if entry[1] else ''}")
        return " · ".join(parts)

    def draw(self) -> None:
        with self.lock:
            elapsed = time.monotonic() - self.started
            if elapsed < self.delay or not self.steps or self.done.is_set():
                return
            width = _columns(self.stream) - 1  # a wrapped line could not be rewritten in place
            line = printable(f"{elapsed:3.0f}s  {self.text()}")  # a step may name a table: its ESC or newline would break the line
            self.stream.write("\r\033[K" + line[:width])
            self.stream.flush()
            self.shown = True

    def erase(self) -> None:
        with self.lock:
            self.done.set()
            if self.shown:
                self.stream.write("\r\033[K")
                self.stream.flush()

    def tick(self) -> None:
        while not self.done.wait(TICK_S):
            self.draw()


def _columns(stream: TextIO) -> int:
    try:
        return os.get_terminal_size(stream.fileno()).columns or 80
    except (OSError, ValueError, AttributeError):
        return 80


_line: _Line | None = None


@contextlib.contextmanager
def shown_on(stream: TextIO, enabled: bool = True) -> Iterator[None]:
    """Show the steps taken inside on this stream (a terminal), after DELAY_S."""
    global _line
    if not enabled or _line is not None:
        yield
        return
    _line = _Line(stream, DELAY_S)
    ticker = threading.Thread(target=_line.tick, daemon=True)
    ticker.start()
    try:
        yield
    finally:
        _line.erase()
        ticker.join()
        _line = None


def silence() -> None:
    """For output meant for tools (`--format json`): nothing more on any stream."""
    if _line is not None:
        _line.erase()


@contextlib.contextmanager
def step(label: str | Callable[[], str]) -> Iterator[None]:
    """What this thread is doing. A function is called only if the line is shown (counting the
    statements of a big file costs time that a pipe should not pay)."""
    line, me = _line, threading.get_ident()
    if line is None:
        yield
        return
    with line.lock:
        previous = line.steps.get(me)
        line.steps[me] = [label, ""]
    line.draw()
    try:
        yield
    finally:
        with line.lock:
            if previous is None:
                line.steps.pop(me, None)
            else:
                line.steps[me] = previous


def detail(text: str) -> None:
    """How far this thread's current step has got, e.g. "columns (2 of 9 queries)"."""
    line = _line
    if line is None:
        return
    with line.lock:
        entry = line.steps.get(threading.get_ident())
        if entry is not None:
            entry[1] = text
    line.draw()
