"""The statistics part of the REST API: the cockpit's figures, read from the same rollups, within the
token user's scope (a union the user's statistics do not reach is a 404, as on the pages)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from gongjiang.core.indicators import Indicator
from gongjiang.orgs.models import Union

from . import queries, registry
from .fill import freshness

router = Router(tags=["stats"])
ROUTERS = [router]


class ErrorOut(Schema):
    detail: str


class IndicatorOut(Schema):
    code: str
    name: str
    definition: str
    unit: str
    measure: str
    additive: bool
    stock: bool
    dimensions: list[str]


class StatsUnionOut(Schema):
    id: int
    name: str
    kind: str
    region: str


class FigureOut(Schema):
    code: str
    year: int
    value: str  # a decimal string: money in yuan, counts as whole numbers
    raw: int  # as stored: money in fen
    previous: str | None
    rows_url: str


class ChildOut(StatsUnionOut):
    figures: dict[str, str]


class FiguresOut(Schema):
    union: StatsUnionOut
    year: int
    as_of: str | None
    figures: list[FigureOut]
    children: list[ChildOut]


class SliceOut(Schema):
    key: str
    label: str
    value: str
    rows_url: str


class IndicatorFiguresOut(Schema):
    union: StatsUnionOut
    code: str
    year: int
    dimension: str
    months: list[str]  # January to December of the year (empty for a stock)
    slices: list[SliceOut]


def _union(request: HttpRequest, union_id: int) -> Union:
    if not request.scope.covers(queries.CAPABILITY, union_id):
        raise Http404
    return Union.objects.select_related("region").get(pk=union_id)


def _year(year: int | None) -> int:
    today = timezone.localdate()
    return year if year is not None and 1990 <= year <= today.year else today.year


def _union_out(union: Union) -> dict[str, object]:
    return {"id": union.pk, "name": union.name, "kind": union.kind, "region": union.region_id or ""}


def _text(indicator: Indicator, raw: int | None) -> str | None:
    shown = queries.display(indicator, raw)
    return None if shown is None else str(shown)


@router.get("/stats/indicators", response=list[IndicatorOut])
def list_indicators(request: HttpRequest):
    """Every indicator with its written definition (口径)."""
    if queries.root_union(request.scope) is None:
        raise PermissionDenied
    return [
        {
            "code": i.code,
            "name": str(i.name),
            "definition": str(i.definition),
            "unit": str(i.unit),
            "measure": i.measure,
            "additive": i.additive,
            "stock": i.stock,
            "dimensions": [d.name for d in i.dimensions],
        }
        for i in registry.indicators()
    ]


@router.get("/stats/unions/{union_id}", response={200: FiguresOut, 404: ErrorOut})
def union_figures(request: HttpRequest, union_id: int, year: int | None = None):
    """A union's figures for the year (its whole subtree), and each union one level down."""
    union = _union(request, union_id)
    year = _year(year)
    today = timezone.localdate()
    indicators = registry.indicators()
    kids = queries.children(union)
    values = queries.year_values(
        [i.code for i in indicators], [union.pk, *(k.pk for k in kids)], sorted({year, year - 1, today.year})
    )

    def raw(ind: Indicator, union_id: int, y: int) -> int:
        return values.get((ind.code, union_id, queries.figure_year(ind, y, today)), 0)

    figures = []
    for ind in indicators:
        shown_year = queries.figure_year(ind, year, today)
        figures.append(
            {
                "code": ind.code,
                "year": shown_year,
                "value": _text(ind, raw(ind, union.pk, year)),
                "raw": raw(ind, union.pk, year),
                "previous": None if ind.stock else _text(ind, values.get((ind.code, union.pk, year - 1), 0)),
                "rows_url": queries.figure_url(ind, union.pk, shown_year),
            }
        )
    children = [
        {**_union_out(k), "figures": {ind.code: _text(ind, raw(ind, k.pk, year)) for ind in indicators}} for k in kids
    ]
    fresh = freshness()
    return {
        "union": _union_out(union),
        "year": year,
        "as_of": fresh.isoformat() if fresh else None,
        "figures": figures,
        "children": children,
    }


@router.get("/stats/unions/{union_id}/indicators/{code}", response={200: IndicatorFiguresOut, 404: ErrorOut})
def indicator_figures(request: HttpRequest, union_id: int, code: str, year: int | None = None, dimension: str = ""):
    """One indicator of a union: its months and, with ``dimension``, its split by that dimension."""
    union = _union(request, union_id)
    indicator = registry.get(code)
    if indicator is None or (dimension and dimension not in {d.name for d in indicator.dimensions}):
        raise Http404
    today = timezone.localdate()
    year = queries.figure_year(indicator, _year(year), today)
    months = [] if indicator.stock else [_text(indicator, v) or "0" for v in queries.monthly(code, union.pk, year)]
    slices = (
        [
            {
                "key": s.key,
                "label": s.label,
                "value": _text(indicator, s.value) or "0",
                "rows_url": queries.figure_url(indicator, union.pk, year, dimension, s.key),
            }
            for s in queries.breakdown(indicator, union.pk, year, dimension)
        ]
        if dimension
        else []
    )
    return {
        "union": _union_out(union),
        "code": code,
        "year": year,
        "dimension": dimension,
        "months": months,
        "slices": slices,
    }
