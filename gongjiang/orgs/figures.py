"""The rows behind a statistical figure, for the list pages the figures link to.

A figure of the statistics cockpit counts an indicator's rows (``core.indicators``) in one union's
subtree and one year, optionally for one key of one dimension. Its link opens the list page of the
app that owns those rows (``Indicator.listing``) with ``?figure=<code>&figure_union=<id>`` and
``&figure_year=<y>``, ``&figure_dim=…&figure_key=…`` (prefixed: a list's own ``year`` filter may mean
another date); that list view passes its queryset, already scoped to the user, through
:func:`narrow`, which keeps exactly the rows the figure counts, or for a count of distinct people
exactly those people. The fill (``stats.fill``), the figure and the list read the same definition,
so the number of rows on the page is the figure.

The indicators are found through the plug-in surface, never imported: this module sits in ``orgs``
so that every app's list view can use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import models
from django.db.models import F, QuerySet
from django.db.models.functions import TruncDate
from django.http import HttpRequest

from gongjiang.core.indicators import Dimension, Indicator
from gongjiang.core.plugins import cached_contributions

from .enums import UnionKind
from .models import Union, UnionAncestor
from .rules import VIEW_WORKERS

# who may read figures (and so follow them to their rows): the statistics' capability
CAPABILITY = VIEW_WORKERS


def find(code: str) -> Indicator | None:
    return next((i for i in cached_contributions("indicators", "INDICATORS") if i.code == code), None)


def province_ids() -> list[int]:
    return list(Union.objects.filter(kind=UnionKind.PROVINCE, parent__isnull=True).values_list("pk", flat=True))


def date_expr(indicator: Indicator, model: type[models.Model]) -> models.Expression | F:
    """The day a row counts on, as a date (a datetime is cut to its local date)."""
    if indicator.date is None:
        raise ValueError(indicator.code)
    field: models.Field = model._meta.get_field(indicator.date.split("__")[0])  # type: ignore[assignment]
    for part in indicator.date.split("__")[1:]:
        field = field.related_model._meta.get_field(part)  # type: ignore[union-attr,assignment]
    if isinstance(field, models.DateTimeField):
        return TruncDate(indicator.date)
    return F(indicator.date)


def source(indicator: Indicator, *, since: date | None = None, until: date | None = None) -> QuerySet:
    """The indicator's rows with ``_day`` (its date) annotated, restricted to ``[since, until)``."""
    qs = indicator.rows().order_by()
    if indicator.date is None:
        return qs
    qs = qs.annotate(_day=date_expr(indicator, qs.model)).filter(_day__isnull=False)
    if since is not None:
        qs = qs.filter(_day__gte=since)
    if until is not None:
        qs = qs.filter(_day__lt=until)
    return qs


def rows_behind(indicator: Indicator, union_id: int, year: int | None, dimension: str = "", key: str = "") -> QuerySet:
    """The raw rows a figure counts: the indicator's rows in the union's subtree, in ``year``."""
    if indicator.date is not None and year is not None:
        qs = source(indicator, since=date(year, 1, 1), until=date(year + 1, 1, 1))
    else:
        qs = source(indicator)
    if indicator.union is None:
        if union_id not in province_ids():
            return qs.none()
    else:
        subtree = UnionAncestor.objects.filter(ancestor_id=union_id).values("descendant_id")
        qs = qs.filter(**{f"{indicator.union}__in": subtree})
    if dimension:
        dim = next((d for d in indicator.dimensions if d.name == dimension), None)
        if dim is None:
            return qs.none()
        qs = qs.filter(**({f"{dim.path}__isnull": True} if key == "" else {dim.path: key}))
    return qs


@dataclass
class Figure:
    """The figure a list is narrowed to, for the banner above the list."""

    indicator: Indicator
    union: Union
    year: int | None
    dimension: Dimension | None
    key: str
    key_label: str


def _int(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) < 10 else None


def narrow(request: HttpRequest, qs: QuerySet) -> tuple[QuerySet, Figure | None]:
    """Keep the rows of ``qs`` behind the figure the request names (``?figure=…``); no figure: ``qs``.

    A figure of another app's rows, of a union the user's statistics do not reach, or of an
    unknown code or dimension selects nothing.
    """
    code = request.GET.get("figure", "")
    if not code:
        return qs, None
    indicator = find(code)
    union_id = _int(request.GET.get("figure_union"))
    if indicator is None or union_id is None or not request.scope.covers(CAPABILITY, union_id):
        return qs.none(), None
    rows = indicator.rows().model
    target: Any = rows if indicator.listing_path == "pk" else rows._meta.get_field(indicator.listing_path).related_model
    if target is not qs.model:
        return qs.none(), None
    year = None if indicator.stock else _int(request.GET.get("figure_year"))
    dimension, key = request.GET.get("figure_dim", ""), request.GET.get("figure_key", "")
    behind = rows_behind(indicator, union_id, year, dimension, key)
    dim = next((d for d in indicator.dimensions if d.name == dimension), None)
    union = Union.objects.get(pk=union_id)
    figure = Figure(indicator, union, year, dim, key, dim.labels([key]).get(key, key) if dim else "")
    return qs.filter(pk__in=behind.values(indicator.listing_path)), figure
