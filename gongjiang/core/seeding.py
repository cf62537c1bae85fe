"""The shared context of the demo seed: each app's ``demo.seed(ctx)`` reads what lower layers made
and adds what it makes (``ctx.admin``, ``ctx.cities``, …). The kernel knows no attribute but these."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from types import SimpleNamespace
from typing import Any

from django.db import connection, transaction

from .plugins import app_modules


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


def seed_apps(ctx: DemoContext, *, each: Callable[[str], AbstractContextManager[Any]] | None = None) -> None:
    """Every installed app's ``demo.seed(ctx)``, in layer order: what ``seed_demo`` runs.

    Each app's seed is one transaction (PostgreSQL writes its log to disk once per app, not once per
    service call; the services' own blocks become savepoints, so a caught error still undoes only its
    own call); an app whose seed catches no failure says ``IN_BULK = True`` and runs :func:`in_bulk`.
    An app may also hold something around the whole seed, every app's part: its demo module's
    ``around_seed()``, a context manager entered before the first app's seed and left after the last
    (the statistics defer their watchers to the full fill their seed ends with). ``each(app)``, if
    given, wraps each app's seed and its commit (a benchmark's timer).
    """
    modules = list(app_modules("demo"))
    with ExitStack() as around:
        for module in modules:
            if hasattr(module, "around_seed"):
                around.enter_context(module.around_seed())
        for module in modules:
            app = module.__name__.split(".")[-2]
            bulk = in_bulk if getattr(module, "IN_BULK", False) else nullcontext
            with each(app) if each else nullcontext(), transaction.atomic(), bulk():
                module.seed(ctx)
