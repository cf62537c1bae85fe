"""The shape of a statistical indicator, declared by the app whose rows it counts.

Each app lists its indicators in ``<app>/indicators.py`` as ``INDICATORS = [...]``; the
``stats`` app collects them (``core.plugins.contributions("indicators", "INDICATORS")``),
fills its rollups from them inside the database and links every figure back to the rows
it counts. The kernel knows the shape only, never a domain.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import Promise

Measure = Literal["count", "distinct", "sum"]

_shared: ContextVar[dict[Hashable, Any] | None] = ContextVar("indicator_shared_reads", default=None)


@contextmanager
def shared_reads() -> Iterator[None]:
    """Within the block, :func:`shared` reads each key once: the targets of one cockpit page may
    share a read (the province's goals, one query for the three craftsmen indicators)."""
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def shared(key: Hashable, read: Callable[[], Any]) -> Any:
    """``read()``, once per key within :func:`shared_reads` (outside it, every time)."""
    memo = _shared.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


@dataclass(frozen=True)
class Dimension:
    """A split of an indicator: ``path`` reaches the value from the counted row; ``labels``
    turns the stored keys into what a reader sees."""

    name: str
    label: Promise | str
    path: str
    labels: Callable[[list[str]], dict[str, str]] = lambda keys: {k: k for k in keys}


@dataclass(frozen=True)
class Target:
    """A target from policy data: the figure to reach, the document it comes from, and whether
    it is counted up to the end of the year (cumulative) or within the year, or is a goal for a
    later year."""

    value: int
    document: str
    cumulative: bool = False
    # a goal for a later year (``by``), set in ``start``: on track while the figure keeps pace
    by: int | None = None
    start: int | None = None

    def expected_share(self, year: int, share_of_year: float) -> float:
        """The part of the value a figure of ``year`` should have reached to be on track."""
        if self.by is not None and self.start is not None and self.by > self.start:
            return min(1.0, max(0.0, (year - self.start) / (self.by - self.start)))
        return share_of_year


@dataclass(frozen=True)
class Indicator:
    """One figure, with its written definition (口径).

    ``rows()`` returns every counted row, unscoped; ``union`` is the path to the union a row
    belongs to (``None``: the province's own, e.g. policy documents); ``date`` the path to
    the day it counts on (``None`` for a stock, counted as it stands on the day of the fill).
    ``measure``: ``count`` rows, ``distinct`` values of ``subject`` (people counted once per
    union and period, so never summed up the tree), or ``sum`` of ``subject`` (money in fen,
    shown divided by ``scale``). ``target(union_ids, year)`` returns the policy targets of those
    unions that have one, as :class:`Target` rows citing their documents; ``union_ids`` is a list
    or a sub-select of ids (the cockpit passes its children as one, a county has over a thousand).
    """

    code: str
    name: Promise | str
    definition: Promise | str
    unit: Promise | str
    rows: Callable[[], QuerySet[Any]]
    union: str | None
    date: str | None
    measure: Measure = "count"
    subject: str = "pk"
    dimensions: tuple[Dimension, ...] = ()
    scale: int = 1
    label: str = "pk"  # path shown for each row on the rows page
    link_path: str = "pk"  # the id the detail URL takes
    link: Callable[[int], str] | None = None  # detail URL of a row (or of the subject, for distinct)
    target: Callable[[Any, int], dict[int, Target]] | None = None
    # The list page of the owning app that shows the rows behind a figure (a URL name whose view
    # narrows its list through ``orgs.figures.narrow``), and the path from a counted row to the
    # listed object's id: ``pk`` for the rows themselves, the subject for a count of people.
    listing: str | None = None
    listing_path: str = "pk"
    headline: bool = True
    order: int = 100
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def additive(self) -> bool:
        """Whether a parent's figure is the sum of its children's (people counted once are not)."""
        return self.measure != "distinct"

    @property
    def stock(self) -> bool:
        return self.date is None

    def list_url(self, union_id: int, year: int | None, dimension: str = "", key: str = "") -> str | None:
        """The owning app's list page filtered to the rows behind one figure (``None``: no list page)."""
        if self.listing is None:
            return None
        params: dict[str, str | int] = {"figure": self.code, "figure_union": union_id}
        if year is not None and not self.stock:
            params["figure_year"] = year
        if dimension:
            params["figure_dim"], params["figure_key"] = dimension, key
        return f"{reverse(self.listing)}?{urlencode(params)}"
