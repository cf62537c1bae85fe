"""The periodic fill: count the dirty anchors anew and add the differences (see ``stats.fill``).

What the anchors counted at the last fill is in ``Pending`` (recorded by ``stats.changes`` before
the first write since); what they count now is read from their rows alone. Both are attributed to
every ancestor of their union (the closure table) and to the month and the year of their period
(a dimension's breakdown to the year only), and the difference is added to the figures. For a count
of people the anchor is the person and, for a dated one, the year (``stats.sql.by_year``), so
``Pending`` and the new count hold every row of each (person, year) concerned: a person adds one to a
figure where they count now and did not, and takes one away where they counted and no longer do.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime

from django.db import connection
from django.db.models import Q

from gongjiang.core.indicators import Indicator
from gongjiang.orgs.models import UnionAncestor

from .models import Count, Dirty, Grain, Pending, Seen
from .sql import DATABASE_CHUNK, STOCK, all_contributions_sql, by_year, contributions_sql

CHUNK = 500

Row = tuple[int, date, str, str, int, int, int]  # union, period, dimension, key, subject, rows, value
Key = tuple[int, str, date, str, str]  # union, grain, period, dimension, key


def _year(day: date) -> date:
    return date(day.year, 1, 1)


def _as_date(value: object) -> date:
    """A period as the cursor returns it: a date, a datetime (PostgreSQL's ``DATE_TRUNC``) or ISO text."""
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _carry_over(indicator: Indicator, today: date, stock_period: date | None) -> None:
    """A stock's first fill in a new month starts from the figures of its last fill."""
    month, year = date(today.year, today.month, 1), _year(today)
    if stock_period is None or stock_period >= month:
        return
    qn = connection.ops.quote_name
    table = qn(Count._meta.db_table)
    copies = [(Grain.MONTH, month, stock_period)]
    if stock_period.year != today.year:
        copies.append((Grain.YEAR, year, _year(stock_period)))
    with connection.cursor() as cursor:
        for grain, to, source in copies:
            Count.objects.filter(indicator=indicator.code, grain=grain, period=to).delete()
            cursor.execute(
                f"INSERT INTO {table} (indicator, union_id, grain, period, dimension, {qn('key')}, value, {qn('rows')}) "  # noqa: S608
                f"SELECT indicator, union_id, grain, %s, dimension, {qn('key')}, value, {qn('rows')} FROM {table} "
                f"WHERE indicator = %s AND grain = %s AND period = %s",
                (to, indicator.code, grain, source),
            )


def _now(indicator: Indicator, today: date, anchors: list[int]) -> list[Row]:
    found: list[Row] = []
    with connection.cursor() as cursor:
        for dimension in ("", *(d.name for d in indicator.dimensions)):
            for start in range(0, len(anchors), CHUNK):
                sql, params = contributions_sql(indicator, dimension, today, anchors[start : start + CHUNK])
                cursor.execute(sql, params)
                for u, p, k, s, n, v in cursor.fetchall():
                    found.append((u, _as_date(p), dimension, k, s, n, v))
    return found


def _periods(indicator: Indicator, period: date, dimension: str, today: date) -> tuple[tuple[str, date], ...]:
    """The figures a row reaches: its month's and its year's; a breakdown's (``dimension`` set) its year's only."""
    if indicator.stock or period == STOCK:
        month, year = date(today.year, today.month, 1), _year(today)
    else:
        month, year = period, _year(period)
    return ((Grain.YEAR, year),) if dimension else ((Grain.MONTH, month), (Grain.YEAR, year))


def _ancestors(unions: set[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    ids = sorted(unions)
    for start in range(0, len(ids), CHUNK):
        for d, a in UnionAncestor.objects.filter(descendant_id__in=ids[start : start + CHUNK]).values_list(
            "descendant_id", "ancestor_id"
        ):
            found[d].append(a)
    return found


def _differences(indicator: Indicator, before: list[Row], after: list[Row], today: date) -> dict[Key, list[int]]:
    tree = _ancestors({r[0] for r in before} | {r[0] for r in after})
    delta: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    if indicator.measure != "distinct":
        for sign, rows in ((-1, before), (1, after)):
            for u, p, d, k, _s, n, v in rows:
                for a in tree[u]:
                    for grain, period in _periods(indicator, p, d, today):
                        cell = delta[(a, grain, period, d, k)]
                        cell[0] += sign * n
                        cell[1] += sign * v
        return delta
    presence: list[set[tuple[int, Key]]] = [set(), set()]
    for side, rows in enumerate((before, after)):
        for u, p, d, k, s, _n, _v in rows:
            for a in tree[u]:
                for grain, period in _periods(indicator, p, d, today):
                    presence[side].add((s, (a, grain, period, d, k)))
    for _s, key in presence[1] - presence[0]:
        delta[key][0] += 1
        delta[key][1] += 1
    for _s, key in presence[0] - presence[1]:
        delta[key][0] -= 1
        delta[key][1] -= 1
    return delta


def _apply(indicator: Indicator, delta: dict[Key, list[int]]) -> None:
    delta = {k: v for k, v in delta.items() if v != [0, 0]}
    if not delta:
        return
    unions = sorted({k[0] for k in delta})
    grains = sorted({k[1] for k in delta})
    periods = sorted({k[2] for k in delta})
    existing: dict[Key, Count] = {}
    for start in range(0, len(unions), CHUNK):
        for c in Count.objects.filter(  # a range of the unique index (indicator, grain, period, union …)
            indicator=indicator.code, grain__in=grains, period__in=periods, union_id__in=unions[start : start + CHUNK]
        ):
            existing[(c.union_id, c.grain, c.period, c.dimension, c.key)] = c
    changed: list[Count] = []
    gone: list[Count] = []
    new: list[Count] = []
    for key, (n, v) in delta.items():
        row = existing.get(key)
        if row is None:
            u, grain, period, d, k = key
            new.append(
                Count(
                    indicator=indicator.code,
                    union_id=u,
                    grain=grain,
                    period=period,
                    dimension=d,
                    key=k,
                    value=v,
                    rows=n,
                )
            )
            continue
        row.rows += n
        row.value += v
        (gone if row.rows <= 0 else changed).append(row)
    Count.objects.bulk_update(changed, ["value", "rows"], batch_size=500)
    for start in range(0, len(gone), CHUNK):
        Count.objects.filter(pk__in=[c.pk for c in gone[start : start + CHUNK]]).delete()
    Count.objects.bulk_create(new, batch_size=500)


def _seen_rows(rows: list[Row], keep: date) -> set[tuple[date, int, str, str, int]]:
    """The ``Seen`` rows that contributions give: (year, union, dimension, key, person), kept years only."""
    return {(_year(p), u, d, k, s) for u, p, d, k, s, _n, _v in rows if p >= keep}


def _correct_seen(indicator: Indicator, before: list[Row], after: list[Row], keep: date) -> None:
    """Delete the ``Seen`` rows the people concerned no longer give and add the ones they give now."""
    Seen.objects.filter(indicator=indicator.code, period__lt=keep).delete()  # keep: a first of January
    was, now = _seen_rows(before, keep), _seen_rows(after, keep)
    gone = sorted(was - now)
    for start in range(0, len(gone), CHUNK):
        match = Q()
        for y, u, d, k, s in gone[start : start + CHUNK]:
            match |= Q(period=y, union_id=u, dimension=d, key=k, subject=s)
        Seen.objects.filter(match, indicator=indicator.code).delete()
    Seen.objects.bulk_create(
        [
            Seen(indicator=indicator.code, period=y, union_id=u, dimension=d, key=k, subject=s)
            for y, u, d, k, s in sorted(now - was)
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )


AFTER = "stats_drain_after"  # the dirty anchors' contributions now (temporary)
BEFORE = "stats_drain_before"  # and at the last fill (``Pending``)
CHANGED = "stats_drain_changed"  # people counted once: the (person, year) whose rows changed
DELTA = "stats_drain_delta"  # the differences to add (temporary)
SEEN_DIFF = "stats_drain_seen"  # the Seen rows the changed (person, year) give now or gave, not both
TEMPORARY = (AFTER, BEFORE, CHANGED, DELTA, SEEN_DIFF)
DRAIN_WORK_MEM = "256MB"  # the sorts of a day's ten thousand people stay in memory


def _drain_in_database(
    indicator: Indicator, today: date, anchors: list[int], between: Callable[[Indicator], None] | None
) -> None:
    """PostgreSQL: :func:`drain`'s differences computed and applied inside the database (the same
    arithmetic as :func:`_differences`, :func:`_apply` and :func:`_correct_seen`), so a day whose
    competition brings ten thousand people moves no row through Python.

    For people counted once without a date (a stock) only the (person, year) with a row that is not
    on both sides are expanded (dated ones are anchored on (person, year) already): a figure's cell
    (an ancestor, a month or a year, a key) changes for a person only if a row of theirs reaching it
    changed, and every row reaching it lies in the cell's year. The same
    holds for ``Seen`` (a person per own union, year and key), which is corrected row by row for
    those (person, year) only: the rows they gave at the last fill and no longer give are deleted,
    the ones they give now and did not are added.
    """
    qn = connection.ops.quote_name
    count_table, closure = qn(Count._meta.db_table), qn(UnionAncestor._meta.db_table)
    pending, seen = qn(Pending._meta.db_table), qn(Seen._meta.db_table)
    key, rows = qn("key"), qn("rows")
    month, year = date(today.year, today.month, 1), _year(today)
    distinct, stock = indicator.measure == "distinct", indicator.stock
    row_year = "CAST(DATE_TRUNC('year', x.p) AS DATE)"
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL work_mem = '{DRAIN_WORK_MEM}'")
        cursor.execute(f"DROP TABLE IF EXISTS {', '.join(TEMPORARY)}")  # an earlier drain's, same transaction
        cursor.execute(
            # byte order ("C") for the keys: the sorts and groups of these rows need no language's collation
            f'CREATE TEMPORARY TABLE {AFTER} (dimension varchar(20) COLLATE "C", u integer, p date, '
            f'k varchar(40) COLLATE "C", s bigint, n bigint, v bigint) ON COMMIT DROP'
        )
        for start in range(0, len(anchors), DATABASE_CHUNK):  # the total and every dimension: one read of the rows
            sql, params = all_contributions_sql(indicator, today, anchors[start : start + DATABASE_CHUNK])
            cursor.execute(f"INSERT INTO {AFTER} SELECT c.* FROM ({sql}) c", params)  # noqa: S608
        if between is not None:
            between(indicator)
        cursor.execute(f"CREATE TEMPORARY TABLE {BEFORE} (LIKE {AFTER}) ON COMMIT DROP")
        # what they counted at the last fill, taken out of Pending in the same pass
        cursor.execute(
            f"WITH taken AS (DELETE FROM {pending} WHERE indicator = %s RETURNING dimension, union_id, period, "  # noqa: S608
            f"{key}, subject, {rows}, value) INSERT INTO {BEFORE} SELECT * FROM taken",
            (indicator.code,),
        )
        only_changed = ""
        if distinct and not by_year(indicator):  # by year, each anchor is one (person, year) already
            cursor.execute(
                # a row on one side only (one hash aggregate of both sides, instead of two EXCEPTs)
                f"CREATE TEMPORARY TABLE {CHANGED} ON COMMIT DROP AS SELECT DISTINCT x.s, {row_year} AS y FROM ("  # noqa: S608
                f"SELECT z.s, z.p FROM (SELECT dimension, u, p, k, s, 1 AS side FROM {AFTER} UNION ALL "
                f"SELECT dimension, u, p, k, s, -1 FROM {BEFORE}) z GROUP BY z.dimension, z.u, z.p, z.k, z.s "
                f"HAVING MIN(z.side) = MAX(z.side)) x"
            )
            cursor.execute(f"ANALYZE {CHANGED}")
            only_changed = f" AND (x.s, {row_year}) IN (SELECT s, y FROM {CHANGED})"  # noqa: S608
        # both sides, each row to every ancestor and to its month and year (a stock's: the fill's); a
        # breakdown's row to its year only
        period = (
            "CASE WHEN g.grain = %s THEN (CASE WHEN x.p = %s THEN %s ELSE x.p END) "
            "ELSE (CASE WHEN x.p = %s THEN %s ELSE CAST(DATE_TRUNC('year', x.p) AS DATE) END) END"
        )
        period_params: tuple = (Grain.MONTH, STOCK, month, STOCK, year)
        if stock:
            period = "CASE WHEN g.grain = %s THEN %s ELSE %s END"
            period_params = (Grain.MONTH, month, year)
        grains = "CROSS JOIN (VALUES (%s), (%s)) g(grain) WHERE (x.dimension = '' OR g.grain = %s)"
        grain_params = (*period_params, Grain.MONTH, Grain.YEAR, Grain.YEAR)
        if distinct:
            # A person adds one where they count now and did not, and takes one where they no longer do.
            # Per person, own union and cell (grain, period, key) first: whether they count there now and
            # did then. A person's cell where every own union's answer is unchanged is unchanged at every
            # ancestor too (counted there is "counted at some own union below"), so only the cells with a
            # changed answer are spread to the ancestors (a day's entrants mostly count this year already:
            # their new month's cells move, their year's seldom).
            own = (
                f"SELECT g.grain, {period} AS p, x.dimension, x.k, x.s, x.u, "  # noqa: S608
                f"MAX(CASE WHEN x.side = 1 THEN 1 ELSE 0 END) AS now, MAX(CASE WHEN x.side = -1 THEN 1 ELSE 0 END) AS was "
                f"FROM (SELECT 1 AS side, dimension, u, p, k, s FROM {AFTER} UNION ALL "
                f"SELECT -1, dimension, u, p, k, s FROM {BEFORE}) x {grains}{only_changed} GROUP BY 1, 2, 3, 4, 5, 6"
            )
            # the planner cannot count the cells a join with the CTE keeps (it guesses one) and would sort
            # 70,000 of them on six keys for the grouping (half a second at province scale): hash them
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {DELTA} ON COMMIT DROP AS WITH own AS ({own}) "  # noqa: S608
                f"SELECT a, grain, p, dimension, k, SUM(now - was) AS n, SUM(now - was) AS v FROM ("
                f"SELECT ua.ancestor_id AS a, o.grain, o.p, o.dimension, o.k, o.s, MAX(o.now) AS now, MAX(o.was) AS was "
                f"FROM own o JOIN {closure} ua ON ua.descendant_id = o.u WHERE (o.grain, o.p, o.dimension, o.k, o.s) IN "
                f"(SELECT grain, p, dimension, k, s FROM own GROUP BY 1, 2, 3, 4, 5 HAVING bool_or(now <> was)) "
                f"GROUP BY 1, 2, 3, 4, 5, 6) people GROUP BY a, grain, p, dimension, k HAVING SUM(now - was) <> 0",
                grain_params,
            )
            cursor.execute("SET LOCAL enable_sort = on")
        else:  # each row to every ancestor and to its month and year, the differences of the sums
            side = (
                "SELECT {sign} AS side, ua.ancestor_id AS a, g.grain, {period} AS p, x.dimension, x.k, x.n, x.v "
                "FROM {rows} x JOIN " + closure + " ua ON ua.descendant_id = x.u " + grains
            )
            expanded = (
                side.format(sign=-1, period=period, rows=BEFORE)
                + " UNION ALL "
                + side.format(sign=1, period=period, rows=AFTER)
            )
            cursor.execute(
                f"CREATE TEMPORARY TABLE {DELTA} ON COMMIT DROP AS SELECT a, grain, p, dimension, k, "  # noqa: S608
                f"SUM(side * n) AS n, SUM(side * v) AS v FROM ({expanded}) e GROUP BY a, grain, p, dimension, k "
                f"HAVING SUM(side * n) <> 0 OR SUM(side * v) <> 0",
                grain_params * 2,
            )
        cursor.execute(
            f"INSERT INTO {count_table} AS c (indicator, union_id, grain, period, dimension, {key}, value, "  # noqa: S608
            f"{rows}) SELECT %s, a, grain, p, dimension, k, v, n FROM {DELTA} "
            f"ON CONFLICT (indicator, grain, period, union_id, dimension, {key}) DO UPDATE "
            f"SET value = c.value + EXCLUDED.value, {rows} = c.{rows} + EXCLUDED.{rows}",
            (indicator.code,),
        )
        cursor.execute(
            f"DELETE FROM {count_table} c USING {DELTA} x WHERE c.indicator = %s AND c.union_id = x.a "  # noqa: S608
            f"AND c.grain = x.grain AND c.period = x.p AND c.dimension = x.dimension AND c.{key} = x.k "
            f"AND c.{rows} <= 0",
            (indicator.code,),
        )
        if distinct and not stock:  # the kept years' Seen rows of the changed (person, year), at their own union
            keep = date(today.year - 1, 1, 1)
            # the years no longer kept (``keep`` is a first of January: by year, the unique index)
            cursor.execute(f"DELETE FROM {seen} WHERE indicator = %s AND period < %s", (indicator.code, keep))  # noqa: S608
            # the rows on one side only, in one pass of both (1: given now and not then, -1: the reverse)
            cursor.execute(
                f"CREATE TEMPORARY TABLE {SEEN_DIFF} ON COMMIT DROP AS SELECT y, u, dimension, k, s, "  # noqa: S608
                f"MIN(side) AS side FROM (SELECT {row_year} AS y, x.u, x.dimension, x.k, x.s, 1 AS side FROM {AFTER} x "
                f"WHERE x.p >= %s{only_changed} UNION ALL SELECT {row_year}, x.u, x.dimension, x.k, x.s, -1 "
                f"FROM {BEFORE} x WHERE x.p >= %s{only_changed}) z GROUP BY y, u, dimension, k, s "
                f"HAVING MIN(side) = MAX(side)",
                (keep, keep),
            )
            # each row gone is one probe of the unique index, each new one skipped there if present
            cursor.execute(
                f"DELETE FROM {seen} t USING {SEEN_DIFF} g WHERE g.side = -1 AND t.indicator = %s "  # noqa: S608
                f"AND t.period = g.y AND t.union_id = g.u AND t.dimension = g.dimension AND t.{key} = g.k "
                f"AND t.subject = g.s",
                (indicator.code,),
            )
            cursor.execute(
                f"INSERT INTO {seen} (indicator, period, union_id, dimension, {key}, subject) "  # noqa: S608
                f"SELECT %s, n.y, n.u, n.dimension, n.k, n.s FROM {SEEN_DIFF} n WHERE n.side = 1 "
                f"ORDER BY n.y, n.u, n.dimension, n.k, n.s "
                f"ON CONFLICT (indicator, period, union_id, dimension, {key}, subject) DO NOTHING",
                (indicator.code,),
            )
        cursor.execute(f"DROP TABLE IF EXISTS {', '.join(TEMPORARY)}")


def drain(
    indicator: Indicator,
    *,
    today: date,
    stock_period: date | None,
    between: Callable[[Indicator], None] | None = None,
) -> int:
    """Add the differences of the indicator's dirty anchors; returns how many anchors were dirty."""
    if indicator.stock:
        _carry_over(indicator, today, stock_period)
    dirty = Dirty.objects.filter(indicator=indicator.code)
    if connection.vendor == "postgresql":
        # the anchors taken out as they are read (the fill's transaction puts them back on a crash)
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {connection.ops.quote_name(Dirty._meta.db_table)} WHERE indicator = %s RETURNING anchor",  # noqa: S608
                (indicator.code,),
            )
            anchors = sorted(row[0] for row in cursor.fetchall())
        if anchors:
            _drain_in_database(indicator, today, anchors, between)  # Pending's rows taken out there
        return len(anchors)
    anchors = sorted(dirty.values_list("anchor", flat=True))
    if not anchors:
        return 0
    before: list[Row] = list(
        Pending.objects.filter(indicator=indicator.code).values_list(
            "union_id", "period", "dimension", "key", "subject", "rows", "value"
        )
    )
    after = _now(indicator, today, anchors)
    if between is not None:
        between(indicator)
    _apply(indicator, _differences(indicator, before, after, today))
    if indicator.measure == "distinct" and not indicator.stock:
        _correct_seen(indicator, before, after, date(today.year - 1, 1, 1))
    Pending.objects.filter(indicator=indicator.code).delete()
    dirty.delete()
    return len(anchors)
