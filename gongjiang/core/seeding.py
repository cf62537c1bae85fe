"""The shared context of the demo seed: each app's ``demo.seed(ctx)`` reads what lower layers made
and adds what it makes (``ctx.admin``, ``ctx.cities``, …). The kernel knows no attribute but these."""

from __future__ import annotations

import random
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any


class DemoContext(SimpleNamespace):
    """``rng`` (seeded: the demo is reproducible), ``options`` (the command's), ``log`` (a line out)."""

    rng: random.Random
    options: dict[str, Any]
    log: Callable[[str], None]

    def __init__(self, *, rng: random.Random, options: dict[str, Any], log: Callable[[str], None]) -> None:
        super().__init__(rng=rng, options=options, log=log)
