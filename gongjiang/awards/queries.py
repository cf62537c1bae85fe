"""Reads for awards, always from the user's scope."""

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Count, OuterRef, Q, QuerySet, Sum

from gongjiang.core.pagination import NewestFirst, NewestOfBranches
from gongjiang.orgs.models import UnionAncestor
from gongjiang.orgs.queries import own_cities, reach_cities
from gongjiang.orgs.rules import APPROVE_PAYMENTS, MANAGE_FUNDS, REVIEW_AWARDS, VIEW_AWARDS
from gongjiang.orgs.scope import ProbeEachRow, Scope
from gongjiang.policy.models import Programme

from .enums import DecisionState
from .models import Decision, HonourCycle, LedgerLine, Nomination, ReachLineTotal


def reaches_everywhere(scope: Scope, cap: str) -> bool:
    """Every union is in the capability's reach (:meth:`Scope.reaches_all`): a filter on the reach
    keeps every row with a union. The province's officials then skip the filter altogether (``x IN
    every union OR …`` makes PostgreSQL read the closure table and every row of the table)."""
    return scope.reaches_all(cap)


def decisions_for(scope: Scope) -> QuerySet[Decision]:
    """About the user's workers, or from competitions the user's unions organised.

    Below the province the two branches are read apart and their ids united (``id IN (… UNION …)``):
    ``union IN reach OR owner IN reach`` in one condition can use neither the ``(union, state)`` nor
    the ``(owner, state)`` index and reads every decision (issue 17); each branch alone is an index
    walk from the reach's closure rows."""
    qs = Decision.objects.select_related("worker", "rule__document", "result__event__competition", "occupation")
    if reaches_everywhere(scope, VIEW_AWARDS):
        return qs
    about_workers = Decision.objects.filter(scope.union_filter(VIEW_AWARDS, "union")).order_by().values("pk")
    organised = Decision.objects.filter(scope.union_filter(REVIEW_AWARDS, "owner")).order_by().values("pk")
    return qs.filter(pk__in=about_workers.union(organised))


def lines_for(scope: Scope) -> QuerySet[LedgerLine]:
    """The province sees every line; others the lines paid to their subtree, and every line of their
    own unions' programmes."""
    if reaches_everywhere(scope, VIEW_AWARDS):
        visible = Q()
    else:
        # The programmes first (a small table), then the lines by their own two columns: a filter on
        # ``programme.owner`` joined the programme to every line and read the whole ledger (issue 17);
        # ``union_id IN … OR programme_id IN …`` lets the newest lines be read down the primary key
        # and one year's totals from ``line_year_totals`` alone.
        visible = scope.union_filter(VIEW_AWARDS, "union") | Q(programme__in=_programmes_of_lines(scope).values("pk"))
    return LedgerLine.objects.filter(visible).select_related("programme", "worker", "rule__document")


def _programmes_of_lines(scope: Scope) -> QuerySet[Programme]:
    """The programmes whose every line the user sees (below the province): their unions' own, and
    for a finance officer the provincial ones."""
    owners = scope.union_filter(MANAGE_FUNDS, "owner")
    if scope.has(APPROVE_PAYMENTS):
        owners |= Q(owner__isnull=True) | scope.union_filter(APPROVE_PAYMENTS, "owner")
    return Programme.objects.filter(owners).order_by()


def _rollup_rows(scope: Scope, year: int | None) -> QuerySet[Any] | None:
    """``(state, total, lines)`` rows whose sums per state are what ``lines_for(scope)`` holds for
    ``year`` (every year: ``None``), read from :class:`ReachLineTotal`, or ``None`` when it cannot
    give them. One query.

    It can for an official whose reach has one root (the reach's lines are the root's rows) or who
    reaches every union under a single top union (the top's rows hold every line); the lines of the
    programmes their unions own that were paid outside the reach are added in the same query, summed
    apart (few: a union's programme pays within its own unions; each probed for the root), each line
    once. ``None`` for several roots (a union below two of them would count twice), several top
    unions, and whoever approves payments below the province (they see the provincial programmes'
    lines wherever they were paid: most of the year's lines again)."""
    years = {} if year is None else {"year": year}
    if reaches_everywhere(scope, VIEW_AWARDS):
        tops = scope.tops()
        if len(tops) != 1:
            return None
        (root,) = tops
        return ReachLineTotal.objects.filter(ancestor_id=root, **years).values_list("state", "total", "lines")
    roots = scope.roots(VIEW_AWARDS)
    if len(roots) != 1 or scope.has(APPROVE_PAYMENTS):
        return None
    (root,) = roots
    rows = ReachLineTotal.objects.filter(ancestor_id=root, **years).values_list("state", "total", "lines")
    inside = UnionAncestor.objects.filter(ancestor_id=root, descendant_id=OuterRef("union_id"))
    outside = (
        LedgerLine.objects.filter(programme__in=_programmes_of_lines(scope).values("pk"), **years)
        .filter(~Q(ProbeEachRow(inside)))
        .order_by()
        .values("state")
        .annotate(total=Sum("amount"), lines=Count("pk"))
        .values_list("state", "total", "lines")
    )
    return rows.union(outside, all=True)


def reach_year_totals(scope: Scope, year: int) -> dict[str, Any] | None:
    """The plain ledger's totals per state for one budget year (what ``lines_for(scope)`` sums for
    ``year``) from the rollup (:func:`_rollup_rows`: a few rows whatever the number of lines), or
    ``None``. At province scale the year's sum read 50,710 lines for the province (8–14 ms) and its
    reach's share for an industrial union (8–20 ms) (issue 17)."""
    rows = _rollup_rows(scope, year)
    if rows is None:
        return None
    totals: dict[str, Any] = {}
    counts: dict[str, int] = {}
    for state, total, lines in rows:
        totals[state] = totals[state] + total if state in totals else total
        counts[state] = counts.get(state, 0) + lines
    return {state: total for state, total in totals.items() if counts[state]}  # a state with no line is not shown


class RollupCounted:
    """``rows`` (the plain ledger, newest first) for :class:`CappedPaginator`, counted from the rollup
    (:func:`_rollup_rows` over every year) instead of up to ``cap + 1`` lines walked down the primary
    key through the reach's hash (an industrial union's: 3.6 ms at province scale, issue 17)."""

    ordered = True

    def __init__(self, rows: Any, counted: int) -> None:
        self.rows = rows
        self.counted = counted

    @classmethod
    def of(cls, scope: Scope, rows: Any) -> Any:
        """``rows`` counted from the rollup, or ``rows`` itself when the rollup cannot count them."""
        read = _rollup_rows(scope, None)
        return rows if read is None else cls(rows, sum(lines for _state, _total, lines in read))

    def capped_count(self, cap: int) -> int:
        return min(self.counted, cap + 1)

    def count(self) -> int:
        return self.counted

    def __len__(self) -> int:
        return self.counted

    def __getitem__(self, key: slice) -> Any:
        return self.rows[key]


class ReachNewestLines(NewestFirst):
    """The plain ledger (no filter) of an official below a city (a county's, an enterprise's), newest
    first: the lines of the reach's unions, each union's newest read down ``(union, -id)`` (one index
    probe a union, however deep its lines lie among the city's), and the lines of the programmes
    the user sees whole. PostgreSQL only (``LATERAL``).

    A county's lines may lie deep in the ledger: Harbin's county with the most unions (2,211 in reach)
    had its newest line 66,895 lines down the ledger, which the city's walk (``line_city_newest``)
    passes line by line (21 ms for a page, 24 ms to count 1,001 at province scale, issue 17).

    Every row of ``qs`` (``lines_for``: the reach's lines or the programmes') is in one of the two
    sets and every row of those is one of ``qs``'s; the rows are read through ``qs`` by key."""

    max_rows = 1000  # deeper pages take ``qs`` itself

    def __init__(self, qs: QuerySet[LedgerLine], roots: set[int], programmes: list[int]) -> None:
        super().__init__(qs)
        self.roots = sorted(roots)
        self.programmes = programmes

    def _reach_ids(self, n: int, *, newest: bool) -> list[int]:
        """Ids of ``n`` lines of the reach's unions: the newest ``n``, or any ``n`` (to count)."""
        if n < 1:
            return []
        closure, line = UnionAncestor._meta.db_table, LedgerLine._meta.db_table
        # A union below two of the roots once (a DISTINCT only then: it plans a parallel aggregate).
        distinct = "DISTINCT " if len(self.roots) > 1 else ""
        reach = f"SELECT {distinct}descendant_id FROM {closure} WHERE ancestor_id = ANY(%s::bigint[])"  # noqa: S608
        if not newest:
            sql = f"SELECT x.id FROM ({reach}) a CROSS JOIN LATERAL (SELECT l.id FROM {line} l WHERE l.union_id = a.descendant_id LIMIT %s) x LIMIT %s"  # noqa: S608
            params: list[Any] = [self.roots, n, n]
        else:
            # The newest n are no older than the n-th newest of the unions' newest lines (n unions
            # each hold a line at least that new): each union's newest line first (one probe a union),
            # then the lines from that bound down, of the unions that reach it. 2,211 unions of a
            # county at province scale: 7.5 to 4 ms (load 3), instead of each union's newest n sorted.
            sql = (
                f"WITH n AS (SELECT a.descendant_id AS u, x.id AS m FROM ({reach}) a CROSS JOIN LATERAL "  # noqa: S608
                f"(SELECT l.id FROM {line} l WHERE l.union_id = a.descendant_id ORDER BY l.id DESC LIMIT 1) x), "
                "b AS (SELECT COALESCE((SELECT m FROM n ORDER BY m DESC OFFSET %s LIMIT 1), 0) AS bound) "
                f"SELECT x.id FROM n CROSS JOIN b CROSS JOIN LATERAL (SELECT l.id FROM {line} l "
                "WHERE l.union_id = n.u AND l.id >= b.bound ORDER BY l.id DESC LIMIT %s) x "
                "WHERE n.m >= b.bound ORDER BY x.id DESC LIMIT %s"
            )
            params = [self.roots, n - 1, n, n]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]

    def _programme_ids(self, n: int, *, newest: bool) -> list[int]:
        if not self.programmes:
            return []
        lines = self.qs.filter(programme_id__in=self.programmes).order_by("-pk" if newest else "pk")
        return list(lines.values_list("pk", flat=True)[:n])

    def year_totals(self, year: int) -> dict[str, Any] | None:
        """The plain ledger's totals per state for one budget year, union by union (an index-only
        probe of ``line_union_year_totals`` a union, instead of every line of the year through the
        reach's hash: 13 ms to 4 ms for ``bench_county`` at province scale); ``None`` when the user
        also sees programmes' lines (counted once, in ``qs``'s own totals). The view reads
        :func:`reach_year_totals` first (one root); this is for several roots."""
        if self.programmes:
            return None
        closure, line = UnionAncestor._meta.db_table, LedgerLine._meta.db_table
        distinct = "DISTINCT " if len(self.roots) > 1 else ""
        sql = (
            f"SELECT t.state, SUM(t.amount) FROM (SELECT {distinct}descendant_id FROM {closure} "  # noqa: S608
            "WHERE ancestor_id = ANY(%s::bigint[])) a CROSS JOIN LATERAL (SELECT l.state, l.amount "
            f"FROM {line} l WHERE l.union_id = a.descendant_id AND l.year = %s OFFSET 0) t GROUP BY 1"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.roots, year])
            return dict(cursor.fetchall())

    def capped_count(self, cap: int) -> int:
        if not self.programmes and len(self.roots) == 1:
            # The reach's lines are its root's: their number is the sum of its rollup rows (a few),
            # instead of up to cap + 1 lines probed union by union (2,211 probes for ``bench_county``).
            lines = ReachLineTotal.objects.filter(ancestor_id=self.roots[0]).aggregate(n=Sum("lines"))["n"]
            return min(lines or 0, cap + 1)
        # Any cap + 1 lines of each set: their union holds more than cap lines exactly when the ledger does.
        found = set(self._reach_ids(cap + 1, newest=False)) | set(self._programme_ids(cap + 1, newest=False))
        return min(len(found), cap + 1)

    def rows(self, start: int, stop: int) -> list[LedgerLine]:
        newest = set(self._reach_ids(stop, newest=True)) | set(self._programme_ids(stop, newest=True))
        ids = sorted(newest, reverse=True)[start:stop]
        rows = {row.pk: row for row in self.qs.order_by().filter(pk__in=ids)}
        return [rows[pk] for pk in ids if pk in rows]


class CityNewestLines(NewestOfBranches):
    """The plain ledger (no filter) of a city federation's official, newest first: the ids from each
    of their cities' lines (``city = c``, a walk of ``line_city_newest``) and from the lines of the
    programmes they see whole, without the reach filter; the page's rows then by primary key through
    ``qs``, which keeps it (probed row by row: :meth:`Scope.walking`). No row outside the reach is
    ever shown.

    A city federation's reach is exactly the unions whose city it is (:func:`own_cities`), so the
    lines of its cities are the reach's lines: ``union IN reach`` hashed Harbin's 26,573 closure rows
    in each of the count, the page's ids, its rows and the year's totals (issue 17)."""

    def __init__(self, qs: QuerySet[LedgerLine], cities: list[int], programmes: list[int]) -> None:
        branches = [LedgerLine.objects.filter(city_id=city) for city in cities]
        if programmes:
            branches.append(LedgerLine.objects.filter(programme_id__in=programmes))
        super().__init__(qs, branches)
        self.cities = cities
        self.programmes = programmes

    def year_totals(self, year: int) -> dict[str, Any]:
        """The plain ledger's totals per state for one budget year: the cities' lines summed from
        ``line_city_year_totals`` alone (index-only), and the lines of the user's programmes paid
        outside those cities (few), each line counted once. The view reads :func:`reach_year_totals`
        first (one root); this is for officials of several cities."""
        return city_year_totals(self.cities, self.programmes, year)


def city_year_totals(cities: list[int], programmes: list[int], year: int) -> dict[str, Any]:
    """Totals per state for one budget year of the lines of ``cities`` and of ``programmes``: what
    ``lines_for`` sums for a city federation's official (:func:`own_cities`), read by the city. One
    query: the cities' sums per state (index-only) and, united to them, those of the programmes' lines
    paid outside the cities, so that no line is counted twice."""
    lines = LedgerLine.objects.filter(year=year).order_by()
    parts = [lines.filter(city_id__in=cities)]
    if programmes:
        parts.append(lines.filter(programme_id__in=programmes).exclude(city_id__in=cities))
    first, *others = (part.values("state").annotate(total=Sum("amount")) for part in parts)
    totals: dict[str, Any] = {}
    for row in first.union(*others, all=True) if others else first:
        totals[row["state"]] = totals[row["state"]] + row["total"] if row["state"] in totals else row["total"]
    return totals


def ledger_rows(scope: Scope, qs: QuerySet[LedgerLine], *, plain: bool = False) -> "QuerySet[LedgerLine] | NewestFirst":
    """What the ledger pages through: ``qs`` (``lines_for``, narrowed by the list's filters) itself,
    or, for an official whose reach lies in a few cities, the same rows read branch by branch
    (PostgreSQL): each city's lines down ``line_city_newest``, and the lines of the programmes the user
    sees whole (:class:`NewestOfBranches`).

    ``union IN reach OR programme IN theirs`` newest first walks the primary key past every line of
    the other cities newer than the page: its cost was how the newest lines are spread (issue 17).
    Each branch is ``qs`` narrowed, so no row outside ``qs`` is read; and every row of ``qs`` is in a
    branch: a line of a programme in the list is in the last, any other line's union is in reach,
    whose city is among :func:`reach_cities`, and the line carries its union's city.

    ``plain``: ``qs`` is ``lines_for(scope)`` unfiltered. A city federation's official then reads the
    ids by city alone (:class:`CityNewestLines`), an official below a city union by union
    (:class:`ReachNewestLines`)."""
    if connection.vendor != "postgresql" or reaches_everywhere(scope, VIEW_AWARDS):
        return qs
    cities = reach_cities(scope, VIEW_AWARDS)
    if cities is None:
        return qs
    programmes = list(_programmes_of_lines(scope).values_list("pk", flat=True))
    if plain and (own := own_cities(scope, VIEW_AWARDS)):
        return CityNewestLines(_walked(scope, qs), own, programmes)
    if plain and not scope.city_wide(VIEW_AWARDS):  # ``qs`` is ``lines_for(scope)``: read union by union
        return ReachNewestLines(qs, scope.roots(VIEW_AWARDS), programmes)
    branches = [qs.filter(city_id=city) for city in cities]
    if programmes:
        branches.append(qs.filter(programme_id__in=programmes))
    return NewestOfBranches(qs, branches) if branches else qs


def _walked(scope: Scope, qs: QuerySet[LedgerLine]) -> QuerySet[LedgerLine]:
    """``lines_for`` as ``qs`` reads it (its related rows), with the reach probed row by row
    (:meth:`Scope.walking`): to read a page's rows by primary key without hashing the reach."""
    related = qs.query.select_related
    walked = lines_for(scope.walking()).select_related(None).order_by(*qs.query.order_by)
    if related is True:  # ``select_related()``: every non-null relation
        return walked.select_related()
    return walked.select_related(*_paths(related)) if related else walked


def _paths(related: dict[str, Any], prefix: str = "") -> list[str]:
    """``select_related``'s nested dict as the paths that make it (``{"a": {"b": {}}}``: ``a__b``)."""
    paths = []
    for name, below in related.items():
        paths += _paths(below, f"{prefix}{name}__") if below else [f"{prefix}{name}"]
    return paths


def nominations_for(scope: Scope, user_id: int | None = None) -> QuerySet[Nomination]:
    """Nominations about the user's subtree; every one for the province and the cycle's reviewers."""
    visible = scope.union_filter(VIEW_AWARDS, "union")
    if scope.has(APPROVE_PAYMENTS):
        visible = Q()
    elif user_id is not None:
        visible |= Q(cycle__reviewers=user_id)
    return (
        Nomination.objects.filter(visible)
        .distinct()
        .select_related("worker__employer", "employer", "cycle", "allocation__union")
    )


def cycles_for(scope: Scope, user_id: int | None = None) -> QuerySet[HonourCycle]:
    """Cycles are provincial: officials who may nominate, approve or review see them."""
    if scope.has(REVIEW_AWARDS) or scope.has(APPROVE_PAYMENTS):
        return HonourCycle.objects.all()
    if user_id is not None:
        return HonourCycle.objects.filter(reviewers=user_id)
    return HonourCycle.objects.none()


def programmes_for(scope: Scope) -> QuerySet[Programme]:
    """Programmes whose money the user moves: the provincial ones for the province, a union's own
    for its subtree's officials."""
    if reaches_everywhere(scope, APPROVE_PAYMENTS):
        return Programme.objects.select_related("owner")
    own = scope.union_filter(MANAGE_FUNDS, "owner") | scope.union_filter(APPROVE_PAYMENTS, "owner")
    if scope.has(APPROVE_PAYMENTS):
        own |= Q(owner__isnull=True)
    return Programme.objects.filter(own).select_related("owner")


def reviewable_ids(scope: Scope, decisions: Iterable[Decision]) -> set[int]:
    """The proposals among ``decisions`` (a page) the user may still review, in one query."""
    waiting = [d for d in decisions if d.state == DecisionState.PROPOSED]
    if not waiting or not scope.has(REVIEW_AWARDS):
        return set()
    owners = set(
        UnionAncestor.objects.filter(
            descendant_id__in={d.owner_id for d in waiting}, ancestor_id__in=scope.roots(REVIEW_AWARDS)
        ).values_list("descendant_id", flat=True)
    )
    return {d.pk for d in waiting if d.owner_id in owners}
