"""Reads for the cockpit: figures from the rollups, the rows behind a figure from the raw tables.

Every function takes union ids the caller has already checked against the user's scope
(``views.cockpit_union``); a figure of a union is its whole subtree's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Count as DbCount
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Sum, Value, Window
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from gongjiang.core.indicators import Indicator
from gongjiang.orgs.enums import UnionKind
from gongjiang.orgs.figures import province_ids
from gongjiang.orgs.models import Union, UnionAncestor
from gongjiang.orgs.queries import geographic_chains
from gongjiang.orgs.rules import VIEW_WORKERS
from gongjiang.orgs.scope import Scope

from .fill import seen_start
from .models import Count, Grain, Seen

CAPABILITY = VIEW_WORKERS


def root_union(scope: Scope) -> Union | None:
    """The highest union the user's statistics reach (the province for a province admin)."""
    roots = scope.roots(CAPABILITY)
    if not roots:
        return None
    depth = dict(
        UnionAncestor.objects.filter(descendant_id__in=roots)
        .values_list("descendant_id")
        .annotate(n=DbCount("ancestor_id"))
    )
    best = min(roots, key=lambda u: (depth.get(u, 0), u))
    return Union.objects.select_related("region").get(pk=best)


def breadcrumb(scope: Scope, union: Union) -> list[Union]:
    """The geographic ancestors the user may open, top first, ending with ``union``: the union's
    ancestors, each with whether the user's statistics reach it, in one query (not two per level)."""
    if union.parent_id is None or not scope.has(CAPABILITY):
        return [union]
    reached = UnionAncestor.objects.filter(descendant_id=OuterRef("pk"), ancestor_id__in=scope.roots(CAPABILITY))
    walked = geographic_chains([union.pk], Union.objects.annotate(reached=Exists(reached))).get(union.pk, [union])
    chain = [union]
    for parent in walked[1:]:
        if not parent.reached:  # type: ignore[attr-defined]  # annotated above
            break
        chain.append(parent)
    return list(reversed(chain))


@dataclass(frozen=True)
class Child:
    """A union one level down as the cockpit, the API and the exports read it: plain values, not a model
    (a county has 1,393 enterprise unions; building each as a ``Union`` was most of its cockpit's time)."""

    pk: int
    name: str
    kind: str
    region_id: str

    def __str__(self) -> str:
        return self.name


def children(union: Union) -> list[Child]:
    """The unions one level down: geographic children and, for an industrial union, its members."""
    rows = Union.objects.filter(Q(parent=union) | Q(industry_parent=union)).order_by("kind", "name")
    return [Child(*row) for row in rows.values_list("pk", "name", "kind", "region_id")]


def children_among(union: Union, pks: set[int]) -> list[Child]:
    """Those of ``pks`` that are children of ``union`` (the unions below it with a target), in the
    order of :func:`children`."""
    rows = Union.objects.filter(Q(parent=union) | Q(industry_parent=union), pk__in=sorted(pks)).order_by("kind", "name")
    return [Child(*row) for row in rows.values_list("pk", "name", "kind", "region_id")]


@dataclass(frozen=True)
class Ranking:
    """The children ranked by one indicator's year figure, largest first (a child with no figure
    counts as 0, ranked by name among the zeros): the first ``len(rows)`` of ``total``."""

    rows: list[tuple[Child, int]]
    total: int

    @property
    def rest_are_zero(self) -> bool:
        """Whether every child after the rows has no figure (or 0): the ranking is largest first."""
        return bool(self.rows) and self.rows[-1][1] == 0


def ranking(union: Union, code: str, year: int, limit: int | None = None) -> Ranking:
    """The children of :func:`children` ranked in the database by the ``code`` figure of ``year``:
    ``ORDER BY figure DESC, name, id``, a child with no figure counted as 0; the first ``limit`` of
    them, and the number of children (``COUNT(*) OVER ()``, counted before the limit).

    With a limit on PostgreSQL (the cockpit's first 50 of a county's 1,393 enterprise unions) the
    children's figures are read in one index scan (``union_id = ANY(ARRAY(children))`` on
    ``stats_count_figure``), only the largest ``limit`` kept with their ties (``FETCH FIRST … WITH
    TIES``), and joined back to the children: a child outside those is ranked among the zeros, which
    only a child with a smaller figure than the ``limit``-th could be, and then the limit falls before
    it. Otherwise each child's figure is a correlated sub-select (one probe each)."""
    if limit is not None and connection.vendor == "postgresql":
        return _ranking_top(union, code, year, limit)
    figure = Count.objects.filter(
        indicator=code, grain=Grain.YEAR, dimension="", union_id=OuterRef("pk"), period=date(year, 1, 1)
    ).values("value")[:1]
    rows = (
        Union.objects.filter(Q(parent=union) | Q(industry_parent=union))
        .annotate(figure=Coalesce(Subquery(figure), Value(0)), total=Window(DbCount("pk")))
        .order_by("-figure", "name", "pk")
        .values_list("pk", "name", "kind", "region_id", "figure", "total")
    )
    return _ranked(list(rows if limit is None else rows[:limit]))


def _ranked(found: list[tuple[int, str, str, str, int, int]]) -> Ranking:
    return Ranking(
        rows=[(Child(pk, name, kind, region_id), value) for pk, name, kind, region_id, value, _total in found],
        total=found[0][5] if found else 0,
    )


def _ranking_top(union: Union, code: str, year: int, limit: int) -> Ranking:
    qn = connection.ops.quote_name
    unions, counts = qn(Union._meta.db_table), qn(Count._meta.db_table)
    kids = f"SELECT k.id FROM {unions} k WHERE k.parent_id = %s OR k.industry_parent_id = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH top AS (SELECT c.union_id, c.value FROM {counts} c WHERE c.indicator = %s AND c.grain = %s "  # noqa: S608
            f"AND c.dimension = '' AND c.period = %s AND c.union_id = ANY(ARRAY({kids})) "
            f"ORDER BY c.value DESC FETCH FIRST %s ROWS WITH TIES) "
            f"SELECT u.id, u.name, u.kind, u.region_id, COALESCE(top.value, 0) AS figure, COUNT(*) OVER () "
            f"FROM {unions} u LEFT JOIN top ON top.union_id = u.id WHERE u.parent_id = %s OR u.industry_parent_id = %s "
            f"ORDER BY figure DESC, u.name, u.id LIMIT %s",
            [code, Grain.YEAR, date(year, 1, 1), union.pk, union.pk, limit, union.pk, union.pk, limit],
        )
        return _ranked(cursor.fetchall())


def display(indicator: Indicator, value: int | None) -> Decimal | int | None:
    if value is None:
        return None
    if indicator.scale == 1:
        return value
    return (Decimal(value) / indicator.scale).quantize(Decimal("0.01"))


def year_values(codes: list[str], union_ids: list[int] | QuerySet, years: list[int]) -> dict[tuple[str, int, int], int]:
    """Totals per (indicator, union, year) in one query.

    ``union_ids`` may be a sub-select (a county's 1,393 children): on PostgreSQL it is read as
    ``union_id = ANY(ARRAY(…))``, so the plan probes the figure index once per union and indicator
    whatever the size of ``stats_count`` (as ``IN (…)`` the planner joined or scanned every union's
    figures of the year: 70–250 ms at province scale, growing with the table)."""
    rows = Count.objects.filter(
        indicator__in=codes,
        grain=Grain.YEAR,
        period__in=[date(y, 1, 1) for y in years],
        dimension="",
    )
    if isinstance(union_ids, QuerySet) and connection.vendor == "postgresql":
        sql, params = union_ids.query.sql_with_params()
        # the sub-select is compiled by Django from a QuerySet, its values passed as parameters
        rows = rows.extra(where=[f'"stats_count"."union_id" = ANY(ARRAY({sql}))'], params=list(params))  # noqa: S610
    else:
        rows = rows.filter(union_id__in=union_ids)
    found = rows.values_list("indicator", "union_id", "period", "value")
    return {(code, union_id, period.year): value for code, union_id, period, value in found}


def cumulatives(code: str, union_ids: list[int], year: int) -> dict[int, int]:
    """Every year up to ``year`` added, per union, in one query."""
    rows = (
        Count.objects.filter(
            indicator=code, union_id__in=union_ids, grain=Grain.YEAR, dimension="", period__lte=date(year, 1, 1)
        )
        .values_list("union_id")
        .annotate(n=Sum("value"))
        .order_by()
    )
    return dict(rows)


def monthly(code: str, union_id: int, year: int) -> list[int]:
    rows = dict(
        Count.objects.filter(
            indicator=code,
            union_id=union_id,
            grain=Grain.MONTH,
            dimension="",
            period__gte=date(year, 1, 1),
            period__lt=date(year + 1, 1, 1),
        ).values_list("period", "value")
    )
    return [rows.get(date(year, m, 1), 0) for m in range(1, 13)]


@dataclass
class Slice:
    key: str
    label: str
    value: int


def breakdown(indicator: Indicator, union_id: int, year: int, dimension: str) -> list[Slice]:
    return breakdowns([(indicator, year, dimension)], union_id)[0]


def breakdowns(wanted: list[tuple[Indicator, int, str]], union_id: int) -> list[list[Slice]]:
    """The union's split of each (indicator, year, dimension), largest first, in one query (the cockpit's
    five structure panels: one index range of ``stats_count_unique`` each)."""
    if not wanted:
        return []
    match = Q()
    for indicator, year, dimension in wanted:
        match |= Q(indicator=indicator.code, period=date(year, 1, 1), dimension=dimension)
    found: dict[tuple[str, date, str], list[tuple[str, int]]] = defaultdict(list)
    rows = Count.objects.filter(match, union_id=union_id, grain=Grain.YEAR).order_by("-value", "key")
    for code, period, dimension, key, value in rows.values_list("indicator", "period", "dimension", "key", "value"):
        found[(code, period, dimension)].append((key, value))
    out = []
    for indicator, year, dimension in wanted:
        pairs = found.get((indicator.code, date(year, 1, 1), dimension), [])
        dim = next(d for d in indicator.dimensions if d.name == dimension)
        labels = dim.labels([k for k, _v in pairs])
        out.append([Slice(k, labels.get(k, k), v) for k, v in pairs])
    return out


def figure_year(indicator: Indicator, year: int, today: date) -> int:
    """A stock has only the year of its last fill."""
    return today.year if indicator.stock else year


def rows_count(indicator: Indicator, qs: QuerySet) -> int:
    if indicator.measure == "distinct":
        return qs.values(indicator.subject).distinct().count()
    return qs.count()


def is_city_or_industry(union: Union) -> bool:
    return union.kind in (UnionKind.CITY, UnionKind.INDUSTRY)


def group_by_union(values: dict[tuple[str, int, int], int]) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for (code, union_id, _year), value in values.items():
        out[union_id][code] = value
    return out


def figure_url(indicator: Indicator, union_id: int, year: int, dimension: str = "", key: str = "") -> str:
    """Where a figure leads: the owning app's list filtered to its rows, else the statistics' own rows page
    (the indicators whose rows have no list page of their own: entries, nominations, projects, enrolments,
    completions)."""
    if indicator.measure == "distinct" and not indicator.stock and year >= seen_start(timezone.localdate()).year:
        # people counted once, in the years ``Seen`` keeps: paged through ``Seen``, whatever the union's size
        query = {"year": year, **({"dim": dimension, "key": key} if dimension else {})}
        return f"{reverse('stats:people', args=[union_id, indicator.code])}?{urlencode(query)}"
    found = indicator.list_url(union_id, year, dimension, key)
    if found is not None:
        return found
    params: dict[str, str | int] = {"year": year}
    if dimension:
        params["dim"], params["key"] = dimension, key
    return f"{reverse('stats:rows', args=[union_id, indicator.code])}?{urlencode(params)}"


def people_page(
    code: str,
    year: int,
    union_id: int,
    dimension: str,
    key: str,
    *,
    after: int | None,
    limit: int,
    walk: bool | None = None,
) -> tuple[int, list[int]]:
    """The union's figure of people counted once (a kept year) and one page of the people behind it:
    person ids above ``after`` in order, each once, from ``Seen`` (which holds each person at their
    own union).

    A large subtree walks ``stats_seen_walk`` in person order and probes each row's union in the
    closure: a page reads about ``limit`` × the province's figure ÷ the union's figure rows. A small
    one reads its unions' rows through ``stats_seen_unique`` (about the figure's number) and orders
    them here. The walk is taken where it reads fewer: where figure² > ``limit`` × the province's
    (``walk`` forces one path; the tests compare them).
    """
    period = date(year, 1, 1)
    tops = province_ids()
    found = dict(  # one probe of stats_count_figure per union (an OR across a join read every union's figure)
        Count.objects.filter(
            indicator=code,
            grain=Grain.YEAR,
            period=period,
            dimension=dimension,
            key=key,
            union_id__in=[union_id, *tops],
        ).values_list("union_id", "value")
    )
    figure, whole = found.get(union_id, 0), sum(found.get(t, 0) for t in tops)
    rows = Seen.objects.filter(indicator=code, period=period, dimension=dimension, key=key)
    if after is not None:
        rows = rows.filter(subject__gt=after)
    if walk is None:
        walk = figure * figure > limit * whole
    if walk:  # in person order: the page stops at ``limit`` people
        inside = UnionAncestor.objects.filter(ancestor_id=union_id, descendant_id=OuterRef("union_id"))
        walked = rows.filter(Exists(inside)).order_by("subject").values_list("subject", flat=True).distinct()
        return figure, list(walked[:limit])
    subtree = UnionAncestor.objects.filter(ancestor_id=union_id).values("descendant_id")
    return figure, sorted(set(rows.filter(union_id__in=subtree).values_list("subject", flat=True)))[:limit]
