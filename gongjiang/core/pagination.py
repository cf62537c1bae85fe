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


__all__ = ["COUNT_CAP", "CappedPage", "CappedPaginator", "InvalidPage"]
