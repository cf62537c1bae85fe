"""Fill the rollups inside the database (Zulip's ``analytics/lib/counts.py``).

Two paths, both exact:

* **A rewrite** (``--full``, ``--since``, a changed union tree, an indicator never filled): for each
  grain (year, month) and dimension one ``INSERT … SELECT … GROUP BY`` reads the indicator's rows
  (a dimension's breakdown is kept per year only, a month holds the total: nothing reads a month's
  breakdown, and at province scale month × occupation alone was over ten million rows),
  attributes each row to every ancestor of its union through the closure table
  ``orgs.UnionAncestor`` (geographic and industrial) and counts per ancestor; distinct-person
  figures are computed at each level, never summed. It marks the indicator STARTED first; a crash
  leaves STARTED behind and the next run rewrites from the same period again.
* **The periodic fill** (the default) reads only what was written since the last fill: the anchors
  the watchers of ``stats.changes`` marked dirty (a new entry's competition, a corrected result's
  competition, a reversed line, a moved worker ...), each with what it counted at the last fill
  (``Pending``). It counts those anchors' rows anew, and adds the difference to the figures of
  every ancestor, month and year: for sums and counts the difference of the sums; for people
  counted once, per person, whether they count in that union and period now and did before
  (their anchor holds all their rows). Stocks are carried over to a new month and corrected the
  same way. ``Seen`` (the people behind a figure, kept for the current and the previous year) is
  corrected for the same people.

Each indicator is filled in one transaction, so a fill killed halfway leaves nothing half written.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from gongjiang.core.indicators import Indicator
from gongjiang.orgs.figures import province_ids, source
from gongjiang.orgs.models import Union, UnionAncestor

from . import registry
from .deferral import Deferral, current, filled_all
from .incremental import drain
from .models import Count, Dirty, FillState, Grain, RunLock, Seen
from .sql import grouping, inner_sql, lock_key, wide_sql

__all__ = ["freshness", "province_ids", "source", "update_stats"]

EPOCH = date(1990, 1, 1)
LOCK_NAME = "update_stats"
STALE_LOCK = timedelta(hours=6)


class FillLocked(Exception):
    """Another fill holds the lock."""


def year_start(day: date) -> date:
    return date(day.year, 1, 1)


def default_since(today: date) -> date:
    """Rewrite the current and the previous year: late corrections (a re-marked result, a reversal)
    land there; older history changes only with ``--since`` or a re-parented union."""
    return date(today.year - 1, 1, 1)


def recent_since(today: date) -> date:
    """For a frequent run: the first of last month (additive figures rewrite from there, people
    counted once rewrite their year); the nightly default run catches older corrections."""
    return date(today.year - 1, 12, 1) if today.month == 1 else date(today.year, today.month - 1, 1)


def tree_fingerprint() -> str:
    """A digest of the closure table and of each union's region, cheap to compute inside the database
    (a union's region names the prefecture its rows are split by)."""
    table = UnionAncestor._meta.db_table
    unions = Union._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), SUM(CAST(ancestor_id AS BIGINT) * 1000003 + descendant_id), "  # noqa: S608
            f"SUM(CAST(descendant_id AS BIGINT) * 7919 + ancestor_id) FROM {table}"
        )
        row = cursor.fetchone()
        cursor.execute(
            f"SELECT SUM(CAST(id AS BIGINT) * (CAST(COALESCE(region_id, '0') AS BIGINT) % 1000003)) FROM {unions}"  # noqa: S608
        )
        row = (*row, *cursor.fetchone())
    return hashlib.sha256(repr(tuple(int(v or 0) for v in row)).encode()).hexdigest()[:32]


def _insert(
    indicator: Indicator, grain: str, dimension: str, since: date, today: date, *, until: date | None = None
) -> None:
    sql, params = inner_sql(indicator, grain, dimension, today, since=since, until=until)
    aggregate = {
        "count": "COUNT(*)",
        "distinct": "COUNT(DISTINCT src._s)",
        "sum": "SUM(src._s)",
    }[indicator.measure]
    qn = connection.ops.quote_name
    count_table = qn(Count._meta.db_table)
    closure = qn(UnionAncestor._meta.db_table)
    fields = (
        f"INSERT INTO {count_table} (indicator, union_id, grain, period, dimension, {qn('key')}, value, {qn('rows')}) "
    )
    if indicator.measure == "distinct":  # people: counted per ancestor, never summed
        statement = (
            f"{fields}SELECT %s, ua.ancestor_id, %s, src._p, %s, COALESCE(src._k, ''), {aggregate}, {aggregate} "  # noqa: S608
            f"FROM ({sql}) src JOIN {closure} ua ON ua.descendant_id = src._u WHERE src._s IS NOT NULL "
            f"GROUP BY ua.ancestor_id, src._p, COALESCE(src._k, '')"
        )
    else:  # sums and counts: per union first, then up the tree (the closure multiplies far fewer rows)
        statement = (
            f"{fields}SELECT %s, ua.ancestor_id, %s, g._p, %s, g._k, SUM(g.v), SUM(g.n) FROM ("  # noqa: S608
            f"SELECT src._u AS _u, src._p AS _p, COALESCE(src._k, '') AS _k, {aggregate} AS v, COUNT(*) AS n "
            f"FROM ({sql}) src GROUP BY src._u, src._p, COALESCE(src._k, '')) g "
            f"JOIN {closure} ua ON ua.descendant_id = g._u GROUP BY ua.ancestor_id, g._p, g._k"
        )
    with connection.cursor() as cursor:
        cursor.execute(statement, (indicator.code, grain, dimension, *params))


def _years_from_months(indicator: Indicator, dimension: str, since: date) -> None:
    """An additive indicator's year totals are the sums of its month totals: one pass over the small
    rollup instead of a second pass over the raw rows (a breakdown has no month rows: its years are
    counted from the raw rows)."""
    qn = connection.ops.quote_name
    table = qn(Count._meta.db_table)
    if connection.vendor == "sqlite":
        year = "SUBSTR(period, 1, 5) || '01-01'"
    else:
        year = "CAST(DATE_TRUNC('year', period) AS DATE)"
    statement = (
        f"INSERT INTO {table} (indicator, union_id, grain, period, dimension, {qn('key')}, value, {qn('rows')}) "  # noqa: S608
        f"SELECT indicator, union_id, %s, {year}, dimension, {qn('key')}, SUM(value), SUM({qn('rows')}) "
        f"FROM {table} WHERE indicator = %s AND grain = %s AND dimension = %s "
        f"AND period >= %s GROUP BY indicator, union_id, {year}, dimension, {qn('key')}"
    )
    params = (Grain.YEAR, indicator.code, Grain.MONTH, dimension, since)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def seen_start(today: date) -> date:
    """The first year ``Seen`` keeps: the current and the previous one."""
    return date(today.year - 1, 1, 1)


def _insert_seen(indicator: Indicator, dimension: str, since: date, today: date) -> None:
    """Record each person counted from ``since`` on, at the union their rows are attributed to, per
    year and key."""
    sql, params = inner_sql(indicator, Grain.YEAR, dimension, today, since=since)
    qn = connection.ops.quote_name
    statement = (
        f"INSERT INTO {qn(Seen._meta.db_table)} (indicator, period, union_id, dimension, {qn('key')}, subject) "  # noqa: S608
        f"SELECT DISTINCT %s, src._p, src._u, %s, COALESCE(src._k, ''), src._s FROM ({sql}) src "
        f"WHERE src._s IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, (indicator.code, dimension, *params))


def _rewrite(indicator: Indicator, since: date, today: date) -> None:
    """Delete and count again every period from ``since`` (a stock: the current year and month)."""
    rows = Count.objects.filter(indicator=indicator.code)
    dimensions = ("", *(d.name for d in indicator.dimensions))
    if indicator.stock:
        rows.filter(grain__in=[Grain.YEAR, Grain.MONTH]).filter(
            models.Q(grain=Grain.YEAR, period=date(today.year, 1, 1))
            | models.Q(grain=Grain.MONTH, period=date(today.year, today.month, 1))
        ).delete()
    else:
        rows.filter(
            models.Q(grain=Grain.MONTH, period__gte=since) | models.Q(grain=Grain.YEAR, period__gte=year_start(since))
        ).delete()
    distinct = indicator.measure == "distinct" and not indicator.stock
    window = max(year_start(since), seen_start(today))
    if distinct:
        # by year (a row's period is its day's year; both bounds are a first of January): the unique index
        Seen.objects.filter(indicator=indicator.code).filter(
            models.Q(period__lt=seen_start(today)) | models.Q(period__gte=window)
        ).delete()
    if _between is not None:
        _between(indicator)
    if connection.vendor == "postgresql":
        _rewrite_grouped(indicator, since, today, window if distinct else None)
        return
    _insert(indicator, Grain.MONTH, "", since, today)
    if indicator.additive and not indicator.stock:
        _years_from_months(indicator, "", year_start(since))
    else:  # people counted once (and stocks) are counted anew for the year
        _insert(indicator, Grain.YEAR, "", since, today)
    for dimension in dimensions[1:]:  # a breakdown is kept per year only: counted for the whole year
        _insert(indicator, Grain.YEAR, dimension, year_start(since), today)
    if distinct:
        for dimension in dimensions:
            _insert_seen(indicator, dimension, window, today)


GROUPED_ROWS = "stats_fill_rows"  # the temporary table of one grouped rewrite
FILL_WORK_MEM = "256MB"  # the grouped rewrite's hash tables stay in memory instead of spilling to disk


def _rewrite_grouped(indicator: Indicator, since: date, today: date, window: date | None) -> None:
    """PostgreSQL: the rewrite's inserts reading the raw rows once for every dimension and grain.

    The rows from the start of ``since``'s year are grouped once into a temporary table: per (union,
    month, every key), or for a count of people per (union, month, person, every key). The month
    totals from ``since`` are one ``INSERT … SELECT`` over that table; the years (the total and each
    dimension's breakdown, which is kept per year only) one more with ``GROUP BY GROUPING SETS``,
    through the closure table. A count of people is a
    ``COUNT(DISTINCT)`` per ancestor, never a sum. ``window`` (people counted once): the first day
    whose people ``Seen`` keeps, each at their own union.
    """
    qn = connection.ops.quote_name
    sql, params = wide_sql(indicator, today, since=year_start(since))
    names = [d.name for d in indicator.dimensions]
    keys = [f"_k{n}" for n in range(len(names))]
    # a NULL key is the key '' (as in the plain path): NULL then only marks the other sets' columns
    temp_keys = "".join(f", COALESCE(src.{k}, '') AS {k}" for k in keys)
    count_table, closure = qn(Count._meta.db_table), qn(UnionAncestor._meta.db_table)
    fields = f"indicator, union_id, grain, period, dimension, {qn('key')}, value, {qn('rows')}"
    dimension, key, dimension_params = grouping(keys, names)
    year = "CAST(DATE_TRUNC('year', src._p) AS DATE)"
    distinct = indicator.measure == "distinct"
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL work_mem = '{FILL_WORK_MEM}'")
        cursor.execute(f"DROP TABLE IF EXISTS {GROUPED_ROWS}")
        if distinct:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {GROUPED_ROWS} ON COMMIT DROP AS "  # noqa: S608
                f"SELECT src._u, src._p, {year} AS _y, src._s{temp_keys} FROM ({sql}) src "
                f"WHERE src._s IS NOT NULL GROUP BY 1, 2, 4{''.join(f', {n + 5}' for n in range(len(keys)))}",
                params,
            )
        else:
            value = "SUM(src._s)" if indicator.measure == "sum" else "COUNT(*)"
            cursor.execute(
                f"CREATE TEMPORARY TABLE {GROUPED_ROWS} ON COMMIT DROP AS "  # noqa: S608
                f"SELECT src._u, src._p, {year} AS _y{temp_keys}, {value} AS v, COUNT(*) AS n FROM ({sql}) src "
                f"GROUP BY 1, 2{''.join(f', {n + 4}' for n in range(len(keys)))}",
                params,
            )
        cursor.execute(f"ANALYZE {GROUPED_ROWS}")
        # the month totals from ``since`` (the months before it in its year are kept)
        if distinct:
            cursor.execute(
                f"INSERT INTO {count_table} ({fields}) SELECT %s, ua.ancestor_id, %s, w._p, '', '', "  # noqa: S608
                f"COUNT(DISTINCT w._s), COUNT(DISTINCT w._s) FROM {GROUPED_ROWS} w "
                f"JOIN {closure} ua ON ua.descendant_id = w._u WHERE w._p >= %s GROUP BY ua.ancestor_id, w._p",
                (indicator.code, Grain.MONTH, since),
            )
        else:
            cursor.execute(
                f"INSERT INTO {count_table} ({fields}) SELECT %s, ua.ancestor_id, %s, g.p, '', '', "  # noqa: S608
                f"SUM(g.v), SUM(g.n) FROM (SELECT w._u AS u, w._p AS p, SUM(w.v) AS v, SUM(w.n) AS n "
                f"FROM {GROUPED_ROWS} w WHERE w._p >= %s GROUP BY w._u, w._p) g "
                f"JOIN {closure} ua ON ua.descendant_id = g.u GROUP BY ua.ancestor_id, g.p",
                (indicator.code, Grain.MONTH, since),
            )
        # the years: the total and every breakdown, counted from the whole year's rows
        if distinct:
            sets = ", ".join(["(ua.ancestor_id, w._y)", *(f"(ua.ancestor_id, w._y, w.{k})" for k in keys)])
            cursor.execute(
                f"INSERT INTO {count_table} ({fields}) SELECT %s, ua.ancestor_id, %s, w._y, "  # noqa: S608
                f"{dimension}, {key}, COUNT(DISTINCT w._s), COUNT(DISTINCT w._s) FROM {GROUPED_ROWS} w "
                f"JOIN {closure} ua ON ua.descendant_id = w._u GROUP BY GROUPING SETS ({sets})",
                (indicator.code, Grain.YEAR, *dimension_params),
            )
        else:  # per union first, then up the tree (the closure multiplies far fewer rows)
            sets = ", ".join(["(w._u, w._y)", *(f"(w._u, w._y, w.{k})" for k in keys)])
            cursor.execute(
                f"INSERT INTO {count_table} ({fields}) SELECT %s, ua.ancestor_id, %s, g.p, g.d, g.k, "  # noqa: S608
                f"SUM(g.v), SUM(g.n) FROM (SELECT w._u AS u, w._y AS p, {dimension} AS d, {key} AS k, "
                f"SUM(w.v) AS v, SUM(w.n) AS n FROM {GROUPED_ROWS} w GROUP BY GROUPING SETS ({sets})) g "
                f"JOIN {closure} ua ON ua.descendant_id = g.u GROUP BY ua.ancestor_id, g.p, g.d, g.k",
                (indicator.code, Grain.YEAR, *dimension_params),
            )
        if window is not None:  # the people, at their own union (``Seen``): no closure, no ancestors
            sets = ", ".join(["(w._y, w._u, w._s)", *(f"(w._y, w._u, w._s, w.{k})" for k in keys)])
            cursor.execute(
                f"INSERT INTO {qn(Seen._meta.db_table)} (indicator, period, union_id, dimension, {qn('key')}, "  # noqa: S608
                f"subject) SELECT %s, w._y, w._u, {dimension}, {key}, w._s FROM {GROUPED_ROWS} w WHERE w._p >= %s "
                f"GROUP BY GROUPING SETS ({sets})",
                (indicator.code, *dimension_params, window),
            )
        cursor.execute(f"DROP TABLE {GROUPED_ROWS}")


# Called after each indicator with its code and seconds taken (the benchmark's progress lines).
progress: Callable[[str, float], None] | None = None

# A test hook: called between the delete and the inserts of each indicator's rewrite, and before
# the incremental fill applies its differences.
_between: Callable[[Indicator], None] | None = None


def _lock_dirty(indicator: Indicator) -> None:
    """Writers of the indicator's rows wait while its fill runs (they mark their anchors under the
    shared form of this lock, ``stats.changes.mark``, and hold it until they commit), so no mark
    made during the fill is lost or counted twice. Other indicators' writers are not held."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key(indicator.code)])


def fill_indicator(indicator: Indicator, *, since: date | None, today: date, tree: str) -> None:
    """Bring the indicator's rollup up to date, in one transaction.

    ``since`` (or a crashed fill, a changed tree, a first fill) rewrites every period from there;
    then, and on every periodic run, the dirty anchors are counted anew and their differences added.
    """
    state = FillState.objects.filter(indicator=indicator.code).first()
    if state is None:
        state = FillState(indicator=indicator.code, state=FillState.DONE, since=EPOCH, tree="")
        since = EPOCH
    if state.state == FillState.STARTED:
        since = min(since or state.since, state.since)  # the crashed fill's periods are rewritten again
    if state.tree != tree:
        since = EPOCH  # the tree changed: every period is attributed anew
    if since is not None:
        monthly = indicator.additive and not indicator.stock
        since = date(since.year, since.month, 1) if monthly else year_start(since)
        state.state, state.since = FillState.STARTED, since
        state.save()
    with transaction.atomic():
        _lock_dirty(indicator)
        # the differences first: a rewrite below then sums its years from corrected months
        drain(indicator, today=today, stock_period=state.since, between=_between)
        if since is not None:
            _rewrite(indicator, since, today)
        if indicator.stock:
            state.since = date(today.year, today.month, 1)
        state.state, state.tree, state.done_at = FillState.DONE, tree, timezone.now()
        state.save()


def acquire_lock(*, now: datetime | None = None) -> RunLock:
    now = now or timezone.now()
    RunLock.objects.filter(name=LOCK_NAME, taken_at__lt=now - STALE_LOCK).delete()  # a crashed run's lock
    try:
        with transaction.atomic():
            return RunLock.objects.create(name=LOCK_NAME, taken_at=now, pid=os.getpid())
    except IntegrityError as exc:
        raise FillLocked from exc


def release_lock(lock: RunLock) -> None:
    RunLock.objects.filter(pk=lock.pk).delete()


def update_stats(
    *, since: date | None = None, today: date | None = None, codes: Iterable[str] | None = None
) -> list[str]:
    """Fill every indicator (or those named): the periodic fill, or a rewrite from ``since``."""
    today = today or timezone.localdate()
    wanted = set(codes) if codes else None
    lock = acquire_lock()
    try:
        tree = tree_fingerprint()
        filled, quiet = [], []
        states = {s.indicator: s for s in FillState.objects.all()}
        dirty = set(Dirty.objects.values_list("indicator", flat=True).distinct())
        month = date(today.year, today.month, 1)
        for indicator in registry.indicators():
            if wanted is not None and indicator.code not in wanted:
                continue
            state = states.get(indicator.code)
            if (
                since is None
                and state is not None
                and (state.state, state.tree) == (FillState.DONE, tree)
                and indicator.code not in dirty
                and (not indicator.stock or state.since == month)
            ):
                quiet.append(indicator.code)  # nothing written since its last fill: up to date
                continue
            started = time.perf_counter()
            fill_indicator(indicator, since=since, today=today, tree=tree)
            filled.append(indicator.code)
            if progress is not None:
                progress(indicator.code, time.perf_counter() - started)
        FillState.objects.filter(indicator__in=quiet).update(done_at=timezone.now())
        if wanted is None and since is not None and since <= EPOCH:
            filled_all()  # every row counted anew: what a deferred build waits for
        return filled + quiet
    finally:
        release_lock(lock)


@contextmanager
def deferred() -> Iterator[None]:
    """The watchers of ``stats.changes`` mark nothing inside this block (this thread's writes): for a
    build that writes a whole database and ends in a full fill (``update_stats(since=EPOCH)`` of every
    indicator, which rewrites every period from the rows themselves and drains nothing it needs). The
    demo seed runs in it: the watchers' thousands of anchor reads and marks would be counted over by
    that fill.

    If the block leaves without error and a watched write came after the last full fill (or none ran),
    the full fill runs here, so the rollups are never left behind the rows. Blocks nest (the outer one
    decides)."""
    if current.get() is not None:
        yield
        return
    state = Deferral()
    token = current.set(state)
    try:
        yield
    finally:
        current.reset(token)
    if state.unfilled:
        update_stats(since=EPOCH)


def freshness() -> datetime | None:
    """When the stalest indicator was last filled (``None``: some indicator never was)."""
    codes = [i.code for i in registry.indicators()]
    states = list(FillState.objects.filter(indicator__in=codes))
    if len(states) < len(codes) or any(s.done_at is None for s in states):
        return None
    return min(s.done_at for s in states if s.done_at is not None)
