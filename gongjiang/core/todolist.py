"""What a to-do on the home page is. Each app declares its own in ``<app>/todos.py`` as
``TODOS = [Todo(...), ...]``; the home page (portal) shows those with something waiting.

A to-do links to exactly the rows it counts: ``url_name`` + ``query`` is the app's own list,
filtered by the same selector and filter the count uses (tests/portal/test_todo_counts.py follows
every link of every demo role and compares the pager's total with the count).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, Min, QuerySet
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

CLOSING = gettext_lazy("closing %(day)s")


class Missing:
    """Not read (``None`` is a value: no deadline)."""


MISSING = Missing()


@dataclass(frozen=True)
class Todo:
    key: str  # unique across apps, e.g. "review"
    label: Promise | str
    icon: str  # a Bootstrap Icons name
    url_name: str  # the list that shows the waiting rows …
    query: str  # … filtered to them, e.g. "state=proposed"
    # how many wait for this request's user, within their scope; by default, how many ``rows`` gives
    count: Callable[[Any], int] | None = None
    # the rows themselves: the linked list, given ``todo=<key>``, shows exactly these (see ``narrow``)
    rows: Callable[[Any], QuerySet[Any]] | None = None
    # the nearest day by which the work is due (registration closes, a cycle's nominations close) …
    deadline: Callable[[Any], dt.date | None] | None = None
    # … or the date field of ``rows`` whose earliest value is that day: read in :func:`waiting_for`'s
    # one query beside the count, not in a query of its own
    soonest: str = ""
    # how the deadline reads, with %(day)s: "closing 12月20日" unless the item says otherwise
    deadline_label: Promise | str = CLOSING
    # a line for this user under the label, e.g. "12 nomination places open"
    note: Callable[[Any], str] | None = None

    @property
    def href(self) -> str:
        return reverse(self.url_name) + (f"?{self.query}" if self.query else "")

    def for_request(
        self, request: Any, n: int | None = None, day: dt.date | Missing | None = MISSING
    ) -> Waiting | None:
        """What this to-do shows the request's user, or None when nothing waits; ``n``: how many wait,
        and ``day``: the earliest ``soonest``, when already read (:func:`waiting_for` counts every
        to-do's rows in one query)."""
        if n is not None:
            pass
        elif self.count is not None:
            n = self.count(request)
        elif self.rows is not None:
            n = self.rows(request).count()
        else:
            raise TypeError(f"to-do {self.key!r} has neither count nor rows")
        if not n:
            return None
        if self.deadline:
            deadline = self.deadline(request)
        elif self.soonest and isinstance(day, Missing):
            deadline = self.rows(request).aggregate(day=Min(self.soonest))["day"] if self.rows else None
        else:
            deadline = None if isinstance(day, Missing) else day
        return Waiting(todo=self, count=n, deadline=deadline, note=self.note(request) if self.note else "")


@dataclass(frozen=True)
class Waiting:
    """A to-do with something waiting, as one user sees it."""

    todo: Todo
    count: int
    deadline: dt.date | None
    note: str

    @property
    def key(self) -> str:
        return self.todo.key

    @property
    def label(self) -> Promise | str:
        return self.todo.label

    @property
    def icon(self) -> str:
        return self.todo.icon

    @property
    def href(self) -> str:
        return self.todo.href

    @property
    def due(self) -> str:
        """The deadline as the reader says it, e.g. "closing 12月20日"."""
        if self.deadline is None:
            return ""
        return str(self.todo.deadline_label) % {"day": date_format(self.deadline, "MONTH_DAY_FORMAT")}


def waiting_for(request: Any, todos: list[Todo]) -> list[Waiting]:
    """Every to-do of ``todos`` with something waiting for the request's user, in their order.

    The to-dos that count their ``rows`` are counted together, in one query of one scalar subquery
    each (the home page asks about twenty: one round trip instead of twenty); each count is the
    one ``rows(request).count()`` gives. A ``count`` callable runs on its own.
    """
    counts: dict[str, int] = {}
    days: dict[str, dt.date | None] = {}
    columns: dict[str, int] = {}  # to-do key -> its column in the one query
    day_columns: dict[str, int] = {}  # to-do key -> the column of its earliest ``soonest``
    parts: list[str] = []
    params: list[Any] = []
    for todo in todos:
        if todo.count is not None or todo.rows is None:
            continue
        rows = todo.rows(request)
        try:
            sql, sql_params = _count_sql(rows)
        except EmptyResultSet:  # e.g. ``.none()``: nothing can wait
            counts[todo.key] = 0
            continue
        columns[todo.key] = len(parts)
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) t{len(parts)})")  # noqa: S608  # Django's SQL, params apart
        params.extend(sql_params)
        if todo.soonest and not todo.deadline:
            sql, sql_params = _soonest_sql(rows, todo.soonest)
            day_columns[todo.key] = len(parts)
            parts.append(f"(SELECT MIN(t{len(parts)}.soonest) FROM ({sql}) t{len(parts)})")  # noqa: S608
            params.extend(sql_params)
    if parts:
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            row = cursor.fetchone()
        counts |= {key: row[column] for key, column in columns.items()}
        days |= {key: _day(row[column]) for key, column in day_columns.items()}
    found = (todo.for_request(request, counts.get(todo.key), days.get(todo.key, MISSING)) for todo in todos)
    return [waiting for waiting in found if waiting is not None]


def _count_sql(qs: QuerySet[Any]) -> tuple[str, tuple[Any, ...]]:
    """The rows of ``qs``, as ``qs.count()`` counts them: the primary keys alone unless the query
    is distinct, grouped or annotated (then the query itself, without ordering or joined columns)."""
    qs = qs.order_by().select_related(None)
    query = qs.query
    if not (query.distinct or query.values_select or query.combinator or query.group_by or query.annotation_select):
        qs = qs.values("pk")
    return qs.query.sql_with_params()


def once(request: Any, key: str, build: Callable[[], QuerySet[Any]]) -> QuerySet[Any]:
    """A queryset several to-dos of one request start from (an app's visibility rule, read through
    ``Scope.probing``), built once: the home page builds some forty querysets a request, and the ORM's
    work on them, not the database's, is most of its time once the reach is probed."""
    memo = request.__dict__.setdefault("_todo_once", {})
    if key not in memo:
        memo[key] = build()
    return memo[key]


def _soonest_sql(qs: QuerySet[Any], field: str) -> tuple[str, tuple[Any, ...]]:
    """The rows of ``qs`` as one column ``soonest``: their ``field``."""
    return qs.order_by().select_related(None).values(soonest=F(field)).query.sql_with_params()


def _day(value: Any) -> dt.date | None:
    """A date read through a bare cursor (SQLite gives its text)."""
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


def first_things_first(waiting: list[Waiting]) -> list[Waiting]:
    """Those with a deadline first, soonest first; then the rest in the order the apps declared them."""
    dated = sorted((w for w in waiting if w.deadline), key=lambda w: w.deadline or dt.date.max)
    return dated + [w for w in waiting if not w.deadline]


def narrow(request: Any, qs: QuerySet[Any], todos: list[Todo]) -> QuerySet[Any]:
    """A list view's rows, narrowed to the to-do named by ``?todo=<key>`` when it is one of ``todos``.

    The list keeps its own selector and filters; the to-do's rows are intersected with them, so the
    page shows what the home page counted and never a row the list would not show.
    """
    key = request.GET.get("todo")
    for todo in todos:
        if todo.key == key and todo.rows is not None:
            return qs.filter(pk__in=todo.rows(request).values("pk"))
    return qs
