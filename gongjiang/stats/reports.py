"""The yearly report (产改工作统计年报) as PDF and the monthly bulletin (月通报), both from the rollups."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from gongjiang.orgs.enums import UnionKind
from gongjiang.orgs.models import Union

from . import queries, registry, svg
from .models import Bulletin, Count, Grain


def yearly_context(data: dict[str, Any]) -> dict[str, Any]:
    trends = [
        {"name": t["name"], "unit": t["unit"], "svg": svg.columns([str(y) for y in t["years"]], t["values"])}
        for t in data["trend"]
    ]
    ranking_svg = svg.hbar(
        [r["union"].name for r in data["ranking"]], [float(r["value"] or 0) for r in data["ranking"]]
    )
    structure = [
        {**s, "svg": svg.hbar([x["label"] for x in s["slices"]], [float(x["value"] or 0) for x in s["slices"]])}
        for s in data["structure"]
        if s["slices"]
    ]
    return {**data, "trend_charts": trends, "ranking_svg": ranking_svg, "structure_charts": structure}


def yearly_pdf(data: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # slow to import, only needed for a PDF

    with translation.override("zh-hans"):  # the report goes upward in Chinese
        html = render_to_string("stats/report_pdf.html", {**yearly_context(data), "now": timezone.localtime()})
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def bulletin_unions() -> list[Union]:
    """The province, the city federations and the industrial unions each get a bulletin."""
    return list(
        Union.objects.filter(
            Q(kind=UnionKind.PROVINCE, parent__isnull=True) | Q(kind__in=[UnionKind.CITY, UnionKind.INDUSTRY])
        ).order_by("pk")
    )


def bulletin_rows(union: Union, month: date) -> list[dict[str, Any]]:
    """Each dated indicator: the month, the same month last year, and the year to the month's end."""
    today = timezone.localdate()
    rows = []
    last_year = date(month.year - 1, month.month, 1)
    codes = [i.code for i in registry.indicators()]  # named, so each read is a range of stats_count_figure
    monthly = {
        (c.indicator, c.period): c.value
        for c in Count.objects.filter(
            indicator__in=codes, union=union, grain=Grain.MONTH, dimension="", period__in=[month, last_year]
        )
    }
    to_date: dict[str, int] = {}
    for c in Count.objects.filter(
        indicator__in=codes,
        union=union,
        grain=Grain.MONTH,
        dimension="",
        period__gte=date(month.year, 1, 1),
        period__lte=month,
    ):
        to_date[c.indicator] = to_date.get(c.indicator, 0) + c.value
    for ind in registry.indicators():
        if ind.stock:
            value = Count.objects.filter(
                indicator=ind.code, union=union, grain=Grain.YEAR, dimension="", period=date(today.year, 1, 1)
            ).values_list("value", flat=True)
            rows.append({"indicator": ind, "stock": queries.display(ind, next(iter(value), 0))})
            continue
        rows.append(
            {
                "indicator": ind,
                "month": queries.display(ind, monthly.get((ind.code, month), 0)),
                "last_year": queries.display(ind, monthly.get((ind.code, last_year), 0)),
                # distinct people are not summed over months: the year-to-date is given for additive ones only
                "to_date": queries.display(ind, to_date.get(ind.code, 0)) if ind.additive else None,
            }
        )
    return rows


def make_bulletin(union: Union, month: date) -> Bulletin:
    """Write (or rewrite) the union's bulletin for ``month`` (the first of the month)."""
    month = date(month.year, month.month, 1)
    with translation.override("zh-hans"):
        html = render_to_string(
            "stats/bulletin.html",
            {"union": union, "month": month, "rows": bulletin_rows(union, month), "now": timezone.localtime()},
        )
    bulletin, _created = Bulletin.objects.update_or_create(union=union, month=month, defaults={"html": html})
    return bulletin


def previous_month(today: date) -> date:
    return date(today.year - 1, 12, 1) if today.month == 1 else date(today.year, today.month - 1, 1)


def make_bulletins(month: date | None = None) -> list[Bulletin]:
    month = month or previous_month(timezone.localdate())
    return [make_bulletin(u, month) for u in bulletin_unions()]
