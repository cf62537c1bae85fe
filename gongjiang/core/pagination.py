"""A pager that never counts millions of rows.

``CappedPaginator`` counts at most ``cap`` rows (``SELECT count(*) FROM (… LIMIT cap + 1)``, which
an index walk answers in milliseconds). Up to the cap it behaves exactly like Django's paginator.
Past it the count is unknown: the pager shows "10,000+ results", "Page n" without a total, and
learns whether a next page exists by fetching one row more than it shows. Exports never page: they
stream every row.
"""

import math
from collections.abc import Sequence
from functools import cached_property
from typing import Any

from django.core.paginator import EmptyPage, InvalidPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet

COUNT_CAP = 10_000


class CappedPage(Page):
    """A page past the counted range: whether a next page exists comes from one extra row."""

    def __init__(self, object_list: Sequence[Any], number: int, paginator: "CappedPaginator", *, more: bool) -> None:
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more

    def end_index(self) -> int:
        return (self.number - 1) * self.paginator.per_page + len(self.object_list)


class CappedPaginator(Paginator):
    def __init__(
        self, object_list: Any, per_page: int, *, cap: int | None = None, count_in_order: bool = False, **kwargs: Any
    ) -> None:
        """``count_in_order``: count the first ``cap + 1`` rows in the list's own order, so that the
        count walks the index the page walks (unordered, PostgreSQL may read the table from its
        start until it has ``cap + 1`` rows: a sequential scan of a large table)."""
        super().__init__(object_list, per_page, **kwargs)
        self.cap = COUNT_CAP if cap is None else cap
        self.count_in_order = count_in_order

    @cached_property
    def count(self) -> int:
        """The exact number of rows up to ``cap``; ``cap + 1`` means "more than cap"."""
        if hasattr(self.object_list, "capped_count"):  # a list that knows how to count itself cheaply
            return self.object_list.capped_count(self.cap)
        if hasattr(self.object_list, "query"):
            qs: Any = self.object_list
            if not self.count_in_order:
                qs = qs.order_by()
            query = qs.query
            if not (query.distinct or query.values_select or query.combinator or query.group_by):
                qs = qs.values("pk")  # no joins for select_related, no annotations in the count
            return qs[: self.cap + 1].count()
        return len(self.object_list[: self.cap + 1])

    @property
    def capped(self) -> bool:
        """True when there are more rows than were counted."""
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        """Pages within the counted rows (a lower bound when ``capped``)."""
        if self.capped:
            return math.ceil(self.cap / self.per_page)
        return super().num_pages

    def validate_number(self, number: Any) -> int:
        if not self.capped:
            return super().validate_number(number)
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from exc
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number: Any) -> Page:
        if not self.capped:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return CappedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)

    def get_page(self, number: Any) -> Page:
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            if self.capped:
                return self.page(1)
            return self.page(self.num_pages)


class CountedApart:
    """A list for :class:`CappedPaginator` whose pages are slices of ``rows`` and whose count is
    ``counted``'s, where both are the same rows read two ways: e.g. a page walked down an index with
    each row probed for its scope (``Scope.walking``), and the count through the scope's hash, which
    is cheaper over many rows (issue 17). ``counted`` is counted as the paginator counts a queryset."""

    ordered = True

    def __init__(self, rows: QuerySet[Any], counted: QuerySet[Any]) -> None:
        self.rows = rows
        self.counted = counted

    def capped_count(self, cap: int) -> int:
        qs = self.counted.order_by()
        query = qs.query
        if not (query.distinct or query.values_select or query.combinator or query.group_by):
            qs = qs.values("pk")
        return qs[: cap + 1].count()

    def count(self) -> int:
        return self.counted.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[Any]:
        return list(self.rows[key])


class NewestFirst:
    """A sliceable, countable list of ``qs``'s rows, newest first (``-pk``), for :class:`CappedPaginator`,
    read some cheaper way than ``qs``'s own ``ORDER BY id DESC LIMIT``: a subclass gives
    :meth:`capped_count` and :meth:`rows` (rows ``start`` to ``stop``, for pages ending at most
    ``max_rows`` deep; deeper pages, and an open slice, take ``qs`` itself). Counting everything
    (``len``) is ``qs``'s exact count."""

    ordered = True
    max_rows: int | None = None

    def __init__(self, qs: QuerySet[Any]) -> None:
        self.qs = qs

    def capped_count(self, cap: int) -> int:
        raise NotImplementedError

    def rows(self, start: int, stop: int) -> list[Any]:
        raise NotImplementedError

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[Any]:
        if not isinstance(key, slice) or key.step is not None:
            raise TypeError(f"{type(self).__name__} supports plain slices only")
        start, stop = key.start or 0, key.stop
        if stop is None or (self.max_rows is not None and stop > self.max_rows):
            return list(self.qs[key])
        return self.rows(start, stop)


class NewestOfBranches(NewestFirst):
    """``qs``'s rows newest first, where every row of ``qs`` is a row of at least one of ``branches``
    and every branch's row one of ``qs``'s (each branch is ``qs``, or its rows, narrowed by one
    condition that ``qs`` implies for some of its rows). PostgreSQL only (``LIMIT`` inside a ``UNION``).

    An ``OR`` newest first makes PostgreSQL collect every match of either side and sort them, or
    walk the primary key past every row that matches neither. Rows ``start`` to ``stop`` of the
    union are among each branch's newest ``stop``: each branch is read as an index walk of ``stop``
    rows and the union of those ids sorted; the count likewise, ``cap + 1`` rows a branch."""

    def __init__(self, qs: QuerySet[Any], branches: list[QuerySet[Any]]) -> None:
        super().__init__(qs)
        self.branches = branches

    def _newest(self, stop: int) -> QuerySet[Any]:
        """Ids of each branch's newest ``stop`` rows, united (a row in two branches once)."""
        first, *others = (b.order_by("-pk").values_list("pk", flat=True)[:stop] for b in self.branches)
        return first.union(*others) if others else first

    def capped_count(self, cap: int) -> int:
        return min(self._newest(cap + 1).count(), cap + 1)  # each branch's cap + 1: up to n times that

    def rows(self, start: int, stop: int) -> list[Any]:
        # The ids first, then the rows by primary key: as ``id IN (… UNION …)`` inside ``qs``,
        # PostgreSQL read every line of the ledger through ``qs``'s reach filter to join 51 ids.
        ids = sorted(set(self._newest(stop)), reverse=True)[start:stop]
        rows = {row.pk: row for row in self.qs.order_by().filter(pk__in=ids)}
        return [rows[pk] for pk in ids if pk in rows]


__all__ = [
    "COUNT_CAP",
    "CappedPage",
    "CappedPaginator",
    "CountedApart",
    "InvalidPage",
    "NewestFirst",
    "NewestOfBranches",
]
