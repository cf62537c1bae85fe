"""The cockpit: the same page at every level of the union tree, within the user's scope."""

from __future__ import annotations

import math
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from gongjiang.competitions.enums import State
from gongjiang.competitions.models import Competition
from gongjiang.core.http import URL_SENTINEL, per_row
from gongjiang.core.indicators import Indicator, shared_reads
from gongjiang.core.pagination import CappedPaginator
from gongjiang.orgs.enums import UnionKind
from gongjiang.orgs.figures import rows_behind
from gongjiang.orgs.models import Region, Union, UnionAncestor
from gongjiang.people.models import Honour, Worker

from . import exports, queries, registry, reports
from .figures import participant_times as participant_figures
from .fill import freshness, seen_start
from .models import Bulletin
from .tiles import TILES

TREND_YEARS = 5
BUCKETS = 5


def cockpit_union(request: HttpRequest, union_id: int) -> Union:
    """The union whose figures are asked for, if the user's statistics reach it (else 404)."""
    if not request.scope.covers(queries.CAPABILITY, union_id):
        raise Http404
    return Union.objects.select_related("region").get(pk=union_id)


def chosen_year(request: HttpRequest) -> int:
    today = timezone.localdate()
    raw = request.GET.get("year", "")
    if raw.isdigit() and 1990 <= int(raw) <= today.year:
        return int(raw)
    return today.year


def build_for(request: HttpRequest, union: Union, year: int, *, ranking_limit: int | None = None) -> dict[str, Any]:
    """The cockpit of ``union`` with the indicator the request chose for its map and ranking."""
    chosen = request.GET.get("map", "")
    code = chosen if registry.get(chosen) else "participant_times"
    return build(union, year, rank=code, map_code=code, ranking_limit=ranking_limit)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The cockpit of the highest union the user's statistics reach: a city admin starts at their city."""
    union = queries.root_union(request.scope)
    if union is None:
        raise Http404
    return cockpit(request, union.pk)


def _change(current: int | None, previous: int | None) -> float | None:
    if current is None or not previous:
        return None
    return round((current - previous) * 100 / previous, 1)


def _tiles(kids: list[queries.Child], map_ind: Indicator, figures: dict[int, int]) -> list[dict[str, Any]]:
    """The province's schematic map: one tile per prefecture, coloured by the chosen indicator
    (``figures``: the children's figures by union id, 0 when a child has none)."""
    tiles: list[dict[str, Any]] = []
    by_code = {k.region_id: k for k in kids if k.kind == UnionKind.CITY}
    region_names = dict(Region.objects.filter(code__in=list(TILES)).values_list("code", "name"))
    top = max((figures.get(k.pk, 0) for k in by_code.values()), default=0)
    for code, (row, col) in TILES.items():
        city = by_code.get(code)
        raw = figures.get(city.pk, 0) if city else None
        bucket = 0 if not raw or not top else max(1, math.ceil(raw * (BUCKETS - 1) / top))
        tiles.append(
            {
                "code": code,
                "row": row,
                "col": col,
                "union": city,
                "name": region_names.get(code, code),
                "value": queries.display(map_ind, raw),
                "raw": raw,
                "bucket": bucket,
            }
        )
    return tiles


def _targets(
    indicators: list[Indicator],
    union: Union,
    *,
    year: int,
    today: date,
    value: Any,
    values: dict[tuple[str, int, int], int],
    kids: list[queries.Child] | None,
) -> list[dict[str, Any]]:
    """Each target set for the union or a union below it, against the actual figure: the union's first,
    then its children's (by kind and name), read for the unions that have a target only (``kids``: every
    child when the ranking read them all, else ``None``)."""
    share = (
        1.0 if year < today.year else (today - date(year, 1, 1)).days / (date(year + 1, 1, 1) - date(year, 1, 1)).days
    )
    # the union and its children as a sub-select: a county's 1,393 ids are neither sent as parameters
    # nor compiled by Django, three times over (the apps' targets filter by ``union_id IN (…)``)
    everyone_ids = Union.objects.filter(Q(pk=union.pk) | Q(parent=union) | Q(industry_parent=union)).values("pk")
    with shared_reads():  # the targets of one page may share a read (the three craftsmen goals: one)
        found = [(ind, t) for ind in indicators if ind.target is not None and (t := ind.target(everyone_ids, year))]
    if not found:
        return []
    # the year's figures of the unions with a target (``values`` holds the union's own and the ranked
    # children's), in one query, added to ``values`` that ``value`` reads
    missing = {
        (ind.code, pk)
        for ind, by_union in found
        for pk, t in by_union.items()
        if not t.cumulative and (ind.code, pk, queries.figure_year(ind, year, today)) not in values
    }
    if missing:
        read = queries.year_values(
            sorted({code for code, _pk in missing}),
            sorted({pk for _code, pk in missing}),
            sorted({queries.figure_year(ind, year, today) for ind, _t in found}),
        )
        values.update({k: v for k, v in read.items() if (k[0], k[1]) in missing})
    below = {pk for _ind, by_union in found for pk in by_union} - {union.pk}
    if kids is not None:
        below_kids = sorted((k for k in kids if k.pk in below), key=lambda k: (k.kind, k.name))
    else:
        below_kids = queries.children_among(union, below) if below else []
    everyone = [union, *below_kids]
    targets: list[dict[str, Any]] = []
    for ind, by_union in found:
        running = (
            queries.cumulatives(ind.code, list(by_union), year) if any(t.cumulative for t in by_union.values()) else {}
        )
        for u in everyone:
            target = by_union.get(u.pk)
            if target is None:
                continue
            actual = running.get(u.pk, 0) if target.cumulative else (value(ind, u.pk, year) or 0)
            targets.append(
                {
                    "indicator": ind,
                    "union": u,
                    "target": target,
                    "actual": actual,
                    "percent": round(actual * 100 / target.value) if target.value else None,
                    "on_track": actual
                    >= target.value * target.expected_share(queries.figure_year(ind, year, today), share),
                }
            )
    return targets


def build(
    union: Union,
    year: int,
    *,
    rank: str = "participant_times",
    map_code: str = "participant_times",
    ranking_limit: int | None = None,
) -> dict[str, Any]:
    """Everything the cockpit shows, read from the rollups (the page, the JSON and the exports share it).

    ``ranking_limit``: the page shows the first children of the ranking only (a county has 1,393
    enterprise unions), ranked in the database; the JSON, the xlsx and the PDF list every child."""
    today = timezone.localdate()
    indicators = registry.indicators()
    headline = [i for i in indicators if i.headline]
    years = list(range(year - TREND_YEARS + 1, year + 1))
    codes = [i.code for i in indicators]
    rank_ind = registry.get(rank) or registry.indicators()[0]
    map_ind = registry.get(map_code) or registry.indicators()[0]
    # the union's own figures over the trend's years; its children's only as the ranking reads them
    values = queries.year_values(codes, [union.pk], sorted({*years, year - 1, today.year}))
    ranked = queries.ranking(union, rank_ind.code, queries.figure_year(rank_ind, year, today), ranking_limit)
    for child, raw in ranked.rows:
        values[(rank_ind.code, child.pk, queries.figure_year(rank_ind, year, today))] = raw

    def value(ind: Indicator, union_id: int, y: int) -> int | None:
        return values.get((ind.code, union_id, queries.figure_year(ind, y, today)))

    cards = []
    for ind in headline:
        cur = value(ind, union.pk, year) or 0
        prev = None if ind.stock else values.get((ind.code, union.pk, year - 1), 0)
        cards.append(
            {
                "indicator": ind,
                "value": queries.display(ind, cur),
                "raw": cur,
                "previous": queries.display(ind, prev),
                "change": _change(cur, prev),
                "year": queries.figure_year(ind, year, today),
            }
        )
    trend = [
        {
            "code": ind.code,
            "name": str(ind.name),
            "unit": str(ind.unit),
            "years": years,
            "values": [float(queries.display(ind, values.get((ind.code, union.pk, y), 0)) or 0) for y in years],
        }
        for ind in headline
        if not ind.stock
    ]
    ranking = [{"union": k, "value": queries.display(rank_ind, raw), "raw": raw} for k, raw in ranked.rows]
    tiles = []
    if union.kind == UnionKind.PROVINCE:  # the map: the province's cities (a few dozen children in all)
        whole = ranked if map_ind == rank_ind and len(ranked.rows) == ranked.total else None
        whole = whole or queries.ranking(union, map_ind.code, queries.figure_year(map_ind, year, today))
        tiles = _tiles([k for k, _raw in whole.rows], map_ind, {k.pk: raw for k, raw in whole.rows})
    complete = len(ranked.rows) == ranked.total
    targets = _targets(
        indicators,
        union,
        year=year,
        today=today,
        value=value,
        values=values,
        kids=[k for k, _raw in ranked.rows] if complete else None,
    )
    target_summary = []
    for ind in indicators:
        rows = [t for t in targets if t["indicator"].code == ind.code]
        if not rows:
            continue
        own = next((t for t in rows if t["union"].pk == union.pk), None)
        below = [t for t in rows if t["union"].pk != union.pk]
        target_summary.append(
            {
                "indicator": ind,
                "own": own,
                "children": len(below),
                "on_track": sum(1 for t in below if t["on_track"]),
            }
        )
    panels = [
        (ind, dimension, limit)
        for code, dimension, limit in (
            ("competitions_held", "tier", 10),
            ("participant_times", "occupation", 10),
            ("workers_by_grade", "grade", 10),
            ("grade_rises", "source", 10),
            ("money_paid", "programme", 10),
        )
        if (ind := registry.get(code)) is not None
    ]
    split = queries.breakdowns([(ind, queries.figure_year(ind, year, today), dim) for ind, dim, _n in panels], union.pk)
    structure = []
    for (ind, dimension, limit), all_slices in zip(panels, split, strict=True):
        slices = all_slices[:limit]
        dim = next(d for d in ind.dimensions if d.name == dimension)
        structure.append(
            {
                "indicator": ind,
                "dimension": dimension,
                "title": f"{ind.name} · {dim.label}",
                "year": queries.figure_year(ind, year, today),
                "slices": [
                    {"key": s.key, "label": s.label, "value": queries.display(ind, s.value), "raw": s.value}
                    for s in slices
                ],
            }
        )
    return {
        "union": union,
        "year": year,
        "years": years,
        "cards": cards,
        "trend": trend,
        "ranking": ranking,
        "rank_indicator": rank_ind,
        "map_indicator": map_ind,
        "tiles": tiles,
        "targets": targets,
        "target_summary": target_summary,
        "structure": structure,
        "ranking_total": ranked.total,
        "ranking_rest_zero": ranked.rest_are_zero,
    }


# the ranking's chart and table show the first ones (a county may have over a thousand enterprise
# unions); the xlsx export and the JSON's children list every one
RANKING_SHOWN = 50


def chart_data(data: dict[str, Any]) -> dict[str, Any]:
    """What the charts draw, as plain JSON (no model objects)."""
    chosen = next((t for t in data["trend"] if t["code"] == data["map_indicator"].code), None)
    return {
        "trend": [chosen] if chosen else data["trend"][:1],
        "ranking": {
            "name": str(data["rank_indicator"].name),
            "labels": [r["union"].name for r in data["ranking"][:RANKING_SHOWN]],
            "values": [float(r["value"] or 0) for r in data["ranking"][:RANKING_SHOWN]],
        },
        "structure": [
            {
                "title": s["title"],
                "labels": [x["label"] for x in s["slices"]],
                "values": [float(x["value"] or 0) for x in s["slices"]],
            }
            for s in data["structure"]
        ],
    }


def _ranking_rows(ranking: list[dict[str, Any]], indicator: Indicator, year: int) -> list[dict[str, Any]]:
    """The ranking table's rows with their two links (the child's cockpit, the rows behind its figure),
    each built once for the page and filled in per child: a county shows 50 children, and a ``reverse``
    and a figure's link per row in the template were a fifth of its rendering."""
    cockpit = per_row(f"{reverse('stats:cockpit', args=[URL_SENTINEL])}?year={year}")
    behind = per_row(queries.figure_url(indicator, URL_SENTINEL, year))
    return [{**r, "href": cockpit.format(r["union"].pk), "behind": behind.format(r["union"].pk)} for r in ranking]


SMALL_SUBTREE = 200  # unions: below this the workers are found through their union's index


def latest_honours(union_id: int, n: int = 6, window: int = 1200) -> list[Honour]:
    """The newest honours of workers in the union's subtree.

    A small subtree reads its workers through the union index; a large one (a county of a thousand
    enterprise unions, a city, the province) looks among the newest ``window`` honours only: one query
    walks the honour's own (year, id) index down to the window's last honour, each honour's worker by
    primary key and its union against the subtree, and stops at the ``n``-th found, so no plan scans
    the worker table and no walk goes past the window (a subtree with few honours).
    """
    descendants = UnionAncestor.objects.filter(ancestor_id=union_id)
    subtree = descendants.values("descendant_id")
    newest = Honour.objects.filter(worker__union_id__in=subtree).select_related("worker").order_by("-year", "-id")
    if descendants[: SMALL_SUBTREE + 1].count() <= SMALL_SUBTREE:  # counts at most 201 rows, not a province's 50,000
        return list(newest[:n])
    last = Honour.objects.order_by("-year", "-id").values_list("year", "id")[window - 1 : window].first()
    if last is not None:
        year, pk = last
        newest = newest.filter(Q(year__gt=year) | Q(year=year, id__gte=pk))
    return list(newest[:n])


@login_required
def cockpit(request: HttpRequest, union_id: int) -> HttpResponse:
    union = cockpit_union(request, union_id)
    year = chosen_year(request)
    data = build_for(request, union, year, ranking_limit=RANKING_SHOWN)
    subtree = UnionAncestor.objects.filter(ancestor_id=union.pk).values("descendant_id")
    honours = latest_honours(union.pk)
    notices = Competition.objects.filter(organiser_id__in=subtree, state=State.NOTICE).order_by("-notice_ends_on")[:6]
    context = {
        **data,
        "nav": "stats",
        "charts": chart_data(data),
        "ranking_shown": _ranking_rows(data["ranking"][:RANKING_SHOWN], data["rank_indicator"], year),
        "ranking_rest": data["ranking_total"] - len(data["ranking"][:RANKING_SHOWN]),
        "breadcrumb": queries.breadcrumb(request.scope, union),
        "fresh": freshness(),
        "year_choices": list(range(timezone.localdate().year, timezone.localdate().year - 8, -1)),
        "indicators": registry.indicators(),
        "honours": honours,
        "notices": notices,
        "bulletins": Bulletin.objects.filter(union=union)[:12],
        "geojson": bool(getattr(settings, "STATS_MAP_GEOJSON", "")),
        "review_no": getattr(settings, "STATS_MAP_REVIEW_NO", ""),
    }
    return render(request, "stats/cockpit.html", context)


@login_required
def cockpit_json(request: HttpRequest, union_id: int) -> JsonResponse:
    union = cockpit_union(request, union_id)
    year = chosen_year(request)
    data = build_for(request, union, year)
    fresh = freshness()
    return JsonResponse(
        {
            "union": {"id": union.pk, "name": union.name, "region": union.region_id},
            "year": year,
            "as_of": fresh.isoformat() if fresh else None,
            "figures": {c["indicator"].code: str(c["value"]) for c in data["cards"]},
            "children": [
                {"id": r["union"].pk, "name": r["union"].name, "value": str(r["value"])} for r in data["ranking"]
            ],
            "map": [{"code": t["code"], "value": None if t["raw"] is None else str(t["value"])} for t in data["tiles"]],
            **chart_data(data),
        }
    )


@login_required
def rows(request: HttpRequest, union_id: int, code: str) -> HttpResponse:
    """The rows behind one figure: as many as the figure says."""
    union = cockpit_union(request, union_id)
    indicator = registry.get(code)
    if indicator is None:
        raise Http404
    year = None if indicator.stock else chosen_year(request)
    dimension = request.GET.get("dim", "")
    key = request.GET.get("key", "")
    qs = rows_behind(indicator, union.pk, year, dimension, key)
    total = queries.rows_count(indicator, qs)
    if indicator.measure == "distinct":
        listing = qs.values_list(indicator.link_path, indicator.label).distinct().order_by(indicator.label)
    else:
        fields = [indicator.link_path, indicator.label] + ([indicator.subject] if indicator.measure == "sum" else [])
        listing = qs.values_list(*fields).order_by("-pk")
    # only the page's rows are read (a province's figure may stand for millions of them)
    page = CappedPaginator(listing, 100).get_page(request.GET.get("page"))
    dim = next((d for d in indicator.dimensions if d.name == dimension), None)
    return render(
        request,
        "stats/rows.html",
        {
            "nav": "stats",
            "union": union,
            "indicator": indicator,
            "year": year,
            "dimension": dim,
            "key_label": dim.labels([key]).get(key, key) if dim else "",
            "total": total,
            "page": page,
            "rows": [
                (r[0], r[1], r[2] if len(r) > 2 else None, indicator.link(r[0]) if indicator.link else None)
                for r in page.object_list
            ],
            "breadcrumb": queries.breadcrumb(request.scope, union),
        },
    )


PEOPLE_PAGE = 50


@login_required
def people(request: HttpRequest, union_id: int, code: str) -> HttpResponse:
    """The people behind a figure of people counted once, in the years ``Seen`` keeps: paged by person
    id (keyset, ``?after=``) through ``Seen`` (``queries.people_page``) and the page's workers by primary
    key; the total is the figure itself."""
    union = cockpit_union(request, union_id)
    indicator = registry.get(code)
    year = chosen_year(request)
    if indicator is None or indicator.measure != "distinct" or indicator.stock:
        raise Http404
    if year < seen_start(timezone.localdate()).year:  # older years: the owning list, narrowed
        return redirect(indicator.list_url(union.pk, year) or reverse("stats:cockpit", args=[union.pk]))
    dimension, key = request.GET.get("dim", ""), request.GET.get("key", "")
    raw = request.GET.get("after", "")
    after = int(raw) if raw.isdigit() and len(raw) < 19 else None
    total, ids = queries.people_page(code, year, union.pk, dimension, key, after=after, limit=PEOPLE_PAGE + 1)
    more = len(ids) > PEOPLE_PAGE
    ids = ids[:PEOPLE_PAGE]
    workers = Worker.objects.filter(pk__in=ids).select_related("union").in_bulk()
    params = {"year": year, **({"dim": dimension, "key": key} if dimension else {})}
    dim = next((d for d in indicator.dimensions if d.name == dimension), None)
    return render(
        request,
        "stats/people.html",
        {
            "nav": "stats",
            "union": union,
            "indicator": indicator,
            "year": year,
            "dimension": dim,
            "key_label": dim.labels([key]).get(key, key) if dim else "",
            "total": total,
            "people": [workers[i] for i in ids if i in workers],
            "next_url": f"?{urlencode({**params, 'after': ids[-1]})}" if more else "",
            "first_url": f"?{urlencode(params)}" if after is not None else "",
            "breadcrumb": queries.breadcrumb(request.scope, union),
        },
    )


@login_required
def definitions(request: HttpRequest) -> HttpResponse:
    if queries.root_union(request.scope) is None:
        raise Http404
    return render(request, "stats/definitions.html", {"nav": "stats", "indicators": registry.indicators()})


@login_required
def export_panel(request: HttpRequest, union_id: int, panel: str) -> HttpResponse:
    union = cockpit_union(request, union_id)
    year = chosen_year(request)
    exporter = exports.PANELS.get(panel)
    if exporter is None:
        raise Http404
    data = build_for(request, union, year)
    return exporter().response(exports.panel_rows(panel, data), "xlsx")


@login_required
def upward(request: HttpRequest, union_id: int) -> HttpResponse:
    union = cockpit_union(request, union_id)
    year = chosen_year(request)
    return exports.upward_report(union, year)


@login_required
def yearly_report(request: HttpRequest, union_id: int) -> HttpResponse:
    """产改工作统计年报 of the union, as PDF."""
    union = cockpit_union(request, union_id)
    year = chosen_year(request)
    pdf = reports.yearly_pdf(build_for(request, union, year))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="report-{union.region_id}-{year}.pdf"'
    return response


@login_required
def bulletin(request: HttpRequest, union_id: int, pk: int) -> HttpResponse:
    union = cockpit_union(request, union_id)
    found = Bulletin.objects.filter(union=union, pk=pk).select_related("union").first()
    if found is None:
        raise Http404
    return render(
        request,
        "stats/bulletin_page.html",
        {"nav": "stats", "bulletin": found, "breadcrumb": queries.breadcrumb(request.scope, union)},
    )


@login_required
def figures(request: HttpRequest) -> HttpResponse:
    """Participant-times in final competitions, for the user's own workers, by each dimension (from the rollups)."""
    from gongjiang.competitions.exports import DIMENSION_LABELS, FiguresExporter

    if not request.scope.has(queries.CAPABILITY):
        raise PermissionDenied
    tables = [(d, participant_figures(request.scope, d)) for d in ("region", "industry", "tier", "occupation", "year")]
    if fmt := request.GET.get("fmt"):
        rows = [(str(DIMENSION_LABELS[d]), label, n) for d, table in tables for label, n in table]
        return FiguresExporter().response(rows, fmt)
    labelled = [(DIMENSION_LABELS[d], table, sum(n for _label, n in table)) for d, table in tables]
    return render(request, "stats/figures.html", {"tables": labelled, "nav": "stats", "fresh": freshness()})


def health(request: HttpRequest) -> JsonResponse:
    """200 while every indicator was filled within ``STATS_MAX_AGE_HOURS``; 503 when a fill is late."""
    fresh = freshness()
    limit = getattr(settings, "STATS_MAX_AGE_HOURS", 26)
    late = fresh is None or (timezone.now() - fresh).total_seconds() > limit * 3600
    body = {"status": "late" if late else "ok", "as_of": fresh.isoformat() if fresh else None}
    return JsonResponse(body, status=503 if late else 200)
