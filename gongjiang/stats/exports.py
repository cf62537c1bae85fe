"""Exports of the cockpit: any panel to xlsx (``core.exports.Exporter``), and the upward report,
the year's figures by city and industrial union in a fixed layout."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from gongjiang.core.exports import Exporter
from gongjiang.orgs.enums import UnionKind
from gongjiang.orgs.models import Union

from . import queries, registry


class HeadlineExporter(Exporter):
    identifier = "stats-headline"
    label = gettext_lazy("Headline figures")
    headers = (
        gettext_lazy("Indicator"),
        gettext_lazy("Year"),
        gettext_lazy("Value"),
        gettext_lazy("Last year"),
        gettext_lazy("Change (%)"),
        pgettext_lazy("of measure", "Unit"),
    )

    def rows(self, items: Iterable[Any]) -> Iterator[Sequence[Any]]:
        for c in items:
            yield (
                str(c["indicator"].name),
                c["year"],
                c["value"],
                c["previous"],
                c["change"],
                str(c["indicator"].unit),
            )


class TrendExporter(Exporter):
    identifier = "stats-trend"
    label = gettext_lazy("Five-year trends")
    headers = (
        gettext_lazy("Indicator"),
        gettext_lazy("Year"),
        gettext_lazy("Value"),
        pgettext_lazy("of measure", "Unit"),
    )

    def rows(self, items: Iterable[Any]) -> Iterator[Sequence[Any]]:
        for t in items:
            for year, value in zip(t["years"], t["values"], strict=True):
                yield (t["name"], year, value, t["unit"])


class RankingExporter(Exporter):
    identifier = "stats-ranking"
    label = gettext_lazy("Ranking")
    headers = (gettext_lazy("Rank"), gettext_lazy("Union"), gettext_lazy("Indicator"), gettext_lazy("Value"))

    def rows(self, items: Iterable[Any]) -> Iterator[Sequence[Any]]:
        for rank, (name, indicator, value) in enumerate(items, start=1):
            yield (rank, name, indicator, value)


class TargetExporter(Exporter):
    identifier = "stats-targets"
    label = gettext_lazy("Targets")
    headers = (
        gettext_lazy("Indicator"),
        gettext_lazy("Union"),
        gettext_lazy("Target"),
        gettext_lazy("Actual"),
        gettext_lazy("Document"),
        pgettext_lazy("target", "On track"),
    )

    def rows(self, items: Iterable[Any]) -> Iterator[Sequence[Any]]:
        for t in items:
            yield (
                str(t["indicator"].name),
                t["union"].name,
                t["target"].value,
                t["actual"],
                t["target"].document,
                _("yes") if t["on_track"] else _("no"),
            )


class StructureExporter(Exporter):
    identifier = "stats-structure"
    label = gettext_lazy("Structure")
    headers = (gettext_lazy("Panel"), gettext_lazy("Item"), gettext_lazy("Value"))

    def rows(self, items: Iterable[Any]) -> Iterator[Sequence[Any]]:
        for panel in items:
            for s in panel["slices"]:
                yield (panel["title"], s["label"], s["value"])


PANELS: dict[str, type[Exporter]] = {
    "headline": HeadlineExporter,
    "trend": TrendExporter,
    "ranking": RankingExporter,
    "targets": TargetExporter,
    "structure": StructureExporter,
}


def panel_rows(panel: str, data: dict[str, Any]) -> list[Any]:
    if panel == "headline":
        return data["cards"]
    if panel == "trend":
        return data["trend"]
    if panel == "ranking":
        name = str(data["rank_indicator"].name)
        return [(r["union"].name, name, r["value"]) for r in data["ranking"]]
    if panel == "targets":
        return data["targets"]
    return data["structure"]


def upward_report(union: Union, year: int) -> FileResponse:
    """产改工作统计年报 (upward): one row per city federation and industrial union below ``union``,
    then the total of ``union`` itself; one column per indicator, in a fixed order."""
    import xlsxwriter

    today = timezone.localdate()
    indicators = registry.indicators()
    kids = [k for k in queries.children(union) if k.kind in (UnionKind.CITY, UnionKind.INDUSTRY)]
    kids.sort(key=lambda k: (k.kind != UnionKind.CITY, k.region_id, k.name))
    ids = [union.pk, *(k.pk for k in kids)]
    values = queries.year_values([i.code for i in indicators], ids, sorted({year, today.year}))
    tmp = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (closed by FileResponse)
    book = xlsxwriter.Workbook(tmp, {"strings_to_formulas": False})
    sheet = book.add_worksheet(str(year))
    title = book.add_format({"bold": True, "font_size": 14})
    head = book.add_format({"bold": True, "border": 1, "text_wrap": True, "align": "center", "valign": "vcenter"})
    cell = book.add_format({"border": 1})
    sheet.write(0, 0, _("%(union)s: reform statistics, %(year)s") % {"union": union.name, "year": year}, title)
    sheet.write(1, 0, _("Generated %(date)s") % {"date": today.isoformat()})
    sheet.write(3, 0, _("Region code"), head)
    sheet.write(3, 1, _("Union"), head)
    for col, ind in enumerate(indicators, start=2):
        sheet.write(3, col, f"{ind.name}（{ind.unit}）", head)
    sheet.set_row(3, 48)
    sheet.set_column(0, 0, 10)
    sheet.set_column(1, 1, 28)
    sheet.set_column(2, len(indicators) + 1, 14)
    for row, u in enumerate([*kids, union], start=4):
        sheet.write(row, 0, u.region_id, cell)
        sheet.write(row, 1, u.name if u is not union else _("Total: %(union)s") % {"union": u.name}, cell)
        for col, ind in enumerate(indicators, start=2):
            raw = values.get((ind.code, u.pk, queries.figure_year(ind, year, today)), 0)
            shown = queries.display(ind, raw)
            sheet.write_number(row, col, float(shown or 0), cell)
    book.close()
    tmp.seek(0)
    return FileResponse(
        tmp,
        as_attachment=True,
        filename=f"upward-{union.region_id}-{year}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
