"""Whether the statistics watchers are deferred in this context (``fill.deferred``): a build that writes a
whole database and ends in a full fill (the demo seed) lets them mark nothing. Kept apart from both
``stats.changes`` (which asks) and ``stats.fill`` (which opens the block and says when it filled all), so
neither imports the other."""

from __future__ import annotations

from contextvars import ContextVar


class Deferral:
    """Inside ``fill.deferred``: whether a watched write was let through since the last full fill."""

    unfilled = False


current: ContextVar[Deferral | None] = ContextVar("stats_deferral", default=None)


def deferring() -> bool:
    """True (and noted) when a watched write happens inside ``fill.deferred``."""
    state = current.get()
    if state is None:
        return False
    state.unfilled = True
    return True


def filled_all() -> None:
    """``fill.update_stats`` rewrote every indicator from the epoch: a deferred block is even."""
    state = current.get()
    if state is not None:
        state.unfilled = False
