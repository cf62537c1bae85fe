"""Keep a warm web process's long-lived objects out of the garbage collector's full passes.

Once warm, a Django process holds some 180,000 objects the collector tracks: models, URL patterns,
compiled templates, form classes, cached querysets of choices. CPython walks every one of them in
a full (generation 2) collection, which it starts whenever the objects surviving since the last
have grown by a quarter: 100–240 ms inside whichever request tips it over (measured in
``bench/pages.py``'s processes, docs/benchmarks.md), the slowest request of a page in some
hundreds. ``gc.freeze()`` moves every object alive into a permanent generation that collections
skip (Instagram's recipe), so later full passes walk only what came after.

Done once a process is warm, not at start-up: the first requests compile the templates and URL
patterns they use and fill the module-level caches, which would otherwise stay in every full pass.
After the ``GC_FREEZE_AFTER_REQUESTS``-th request of the process (0: never), after one collection so
that no garbage is frozen, and once more after ten times as many (the pages first visited later).
A frozen object is never freed; what is alive at that point lives for the process anyway, and
gunicorn recycles a worker after ``max_requests``.
"""

from __future__ import annotations

import gc
import itertools
from typing import Any

from django.conf import settings

_served = itertools.count(1)


def after_request(**_kwargs: Any) -> None:
    """``request_finished``: count this process's requests and freeze at the set points. In
    gunicorn the signal fires once the response has been written, so no client waits for it."""
    n = next(_served)
    first = settings.GC_FREEZE_AFTER_REQUESTS
    if first and n in (first, 10 * first):
        freeze()


def freeze() -> None:
    gc.collect()
    gc.freeze()
