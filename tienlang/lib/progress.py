"""Progress of long work, reported from deep inside it without passing a callback around.

A background job sets a reporter for the duration of its run (`reporting`); code that
loops over many rows calls `step()` per row. Outside a job `step()` costs one lookup.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from contextvars import ContextVar

_reporter: ContextVar[_Reporter | None] = ContextVar("progress_reporter", default=None)


class _Reporter:
    def __init__(self, callback: Callable[[int], None], every_seconds: float):
        self.callback = callback
        self.every = every_seconds
        self.done = 0
        self.last = 0.0

    def step(self, count: int) -> None:
        self.done += count
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            self.callback(self.done)


@contextlib.contextmanager
def reporting(callback: Callable[[int], None], every_seconds: float = 0.5):
    """Within the block, `step()` calls `callback(rows done so far)` at most every `every_seconds`."""
    reporter = _Reporter(callback, every_seconds)
    token = _reporter.set(reporter)
    try:
        yield reporter
    finally:
        _reporter.reset(token)


def step(count: int = 1) -> None:
    reporter = _reporter.get()
    if reporter is not None:
        reporter.step(count)
