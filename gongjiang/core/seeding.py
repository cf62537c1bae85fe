"""The shared context of the demo seed: each app's ``demo.seed(ctx)`` reads what lower layers made
and adds what it makes (``ctx.admin``, ``ctx.cities``, …). The kernel knows no attribute but these."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

from django.db import connection


class DemoContext(SimpleNamespace):
    """``rng`` (seeded: the demo is reproducible), ``options`` (the command's), ``log`` (a line out)."""

    rng: random.Random
    options: dict[str, Any]
    log: Callable[[str], None]

    def __init__(self, *, rng: random.Random, options: dict[str, Any], log: Callable[[str], None]) -> None:
        super().__init__(rng=rng, options=options, log=log)


@contextmanager
def without_savepoints() -> Iterator[None]:
    """Inside an atomic block: the atomic blocks nested in this one (every service's) open no SAVEPOINT.

    For a build that runs thousands of service calls in one transaction, where a savepoint and its
    release are two of a service's ten round trips to PostgreSQL. The services keep every check and
    write; what is lost is a partial rollback, so use it only where nothing in the block catches a
    failure: an error anywhere marks the whole transaction for rollback, as it would end the build
    anyway. SQLite's backend takes no notice (its savepoints are in-process calls, not round trips).
    """
    if not connection.in_atomic_block:
        raise RuntimeError("without_savepoints() is for the inside of a transaction")
    features = connection.features
    previous = features.uses_savepoints
    features.uses_savepoints = False
    try:
        yield
    finally:
        features.uses_savepoints = previous


@contextmanager
def in_bulk() -> Iterator[None]:
    """:func:`without_savepoints` and ``audit.held()`` together, inside a transaction: what ``seed_demo``
    wraps the seed of an app in when its demo module says ``IN_BULK = True`` (nothing in it catches a
    service's failure). A failure caught inside anyway is not lost: with no savepoint to roll back to,
    the transaction is marked for rollback and its next statement refuses to run."""
    from . import audit  # here: the kernel's seeding helpers load no model at import

    with without_savepoints(), audit.held():
        yield
