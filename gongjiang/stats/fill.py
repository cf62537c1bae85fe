"""Fill the rollups inside the database (Zulip's ``analytics/lib/counts.py``).

For each indicator, grain (year, month) and dimension, one ``INSERT … SELECT … GROUP BY``
reads the indicator's rows, attributes each row to every ancestor of its union through the
closure table ``orgs.UnionAncestor`` (geographic and industrial), and counts per ancestor.
Distinct-person figures are thereby computed at each level, never summed. The SQL of the
inner select comes from the ORM, so one code path serves SQLite and PostgreSQL.

A fill rewrites every period from ``since`` (the first of a year) on: it deletes them and
inserts them again in one transaction, after marking the indicator STARTED; a crash leaves
STARTED behind and the next run starts again from the same period.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta

from django.db import IntegrityError, connection, models, transaction
from django.db.models import BigIntegerField, DateField, ExpressionWrapper, F, Value
from django.db.models.functions import Cast, Round, TruncMonth, TruncYear
from django.utils import timezone

from gongjiang.core.indicators import Indicator
from gongjiang.orgs.figures import date_expr, province_ids, source
from gongjiang.orgs.models import UnionAncestor

from . import registry
from .models import Count, FillState, Grain, RunLock, Seen

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
    """A digest of the closure table, cheap to compute inside the database."""
    table = UnionAncestor._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), SUM(CAST(ancestor_id AS BIGINT) * 1000003 + descendant_id), "  # noqa: S608
            f"SUM(CAST(descendant_id AS BIGINT) * 7919 + ancestor_id) FROM {table}"
        )
        row = cursor.fetchone()
    return hashlib.sha256(repr(tuple(int(v or 0) for v in row)).encode()).hexdigest()[:32]


class _IsoPeriodStart(models.Func):
    """The first day of a date's year or month, on SQLite by slicing its ISO text (Django's
    ``Trunc`` calls a Python function per row there, several times slower)."""

    output_field = DateField()

    def __init__(self, expression: models.Expression | F, grain: str) -> None:
        self.template = (
            "SUBSTR(%(expressions)s, 1, 5) || '01-01'"
            if grain == Grain.YEAR
            else "SUBSTR(%(expressions)s, 1, 8) || '01'"
        )
        super().__init__(expression)


def _period(day: models.Expression | F, grain: str) -> models.Expression:
    if connection.vendor == "sqlite" and isinstance(day, F):
        return _IsoPeriodStart(F("_day"), grain)
    if grain == Grain.YEAR:
        return TruncYear("_day", output_field=DateField())
    return TruncMonth("_day", output_field=DateField())


def _inner_sql(
    indicator: Indicator, grain: str, dimension: str, since: date, today: date, *, until: date | None = None
) -> tuple[str, tuple]:
    qs = source(indicator, since=since, until=until)
    if indicator.date is None:
        period: models.Expression = Value(
            date(today.year, 1, 1) if grain == Grain.YEAR else date(today.year, today.month, 1),
            output_field=DateField(),
        )
    else:
        period = _period(date_expr(indicator, qs.model), grain)
    if indicator.union is None:
        roots = province_ids()
        union: models.Expression | F = Value(roots[0] if roots else 0, output_field=models.IntegerField())
    else:
        union = F(indicator.union)
    if dimension:
        dim = next(d for d in indicator.dimensions if d.name == dimension)
        key: models.Expression = Cast(dim.path, models.CharField(max_length=40))
    else:
        key = Value("", output_field=models.CharField())
    if indicator.measure == "sum":
        subject: models.Expression | F = ExpressionWrapper(
            Round(F(indicator.subject) * 100 if indicator.scale == 100 else F(indicator.subject)),
            output_field=BigIntegerField(),
        )
    else:
        subject = F(indicator.subject)
    day = {"_d": F("_day")} if indicator.date is not None else {}
    inner = qs.values(_u=union, _p=period, _k=key, _s=subject, **day)
    sql, params = inner.query.sql_with_params()
    return sql, params


def _insert(
    indicator: Indicator, grain: str, dimension: str, since: date, today: date, *, until: date | None = None
) -> None:
    sql, params = _inner_sql(indicator, grain, dimension, since, today, until=until)
    aggregate = {
        "count": "COUNT(*)",
        "distinct": "COUNT(DISTINCT src._s)",
        "sum": "SUM(src._s)",
    }[indicator.measure]
    qn = connection.ops.quote_name
    count_table = qn(Count._meta.db_table)
    closure = qn(UnionAncestor._meta.db_table)
    statement = (
        f"INSERT INTO {count_table} (indicator, union_id, grain, period, dimension, {qn('key')}, value) "  # noqa: S608
        f"SELECT %s, ua.ancestor_id, %s, src._p, %s, COALESCE(src._k, ''), {aggregate} "
        f"FROM ({sql}) src JOIN {closure} ua ON ua.descendant_id = src._u "
        f"GROUP BY ua.ancestor_id, src._p, COALESCE(src._k, '')"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, (indicator.code, grain, dimension, *params))


def _years_from_months(indicator: Indicator, dimension: str, since: date, grain: str = Grain.MONTH) -> None:
    """An additive indicator's year rows are the sums of its month rows: one pass over the small
    rollup instead of a second pass over the raw rows. (A distinct-person indicator's year rows are
    the sums of its people first counted in each month, ``grain=Grain.FIRST``.)"""
    qn = connection.ops.quote_name
    table = qn(Count._meta.db_table)
    if connection.vendor == "sqlite":
        year = "SUBSTR(period, 1, 5) || '01-01'"
    else:
        year = "CAST(DATE_TRUNC('year', period) AS DATE)"
    statement = (
        f"INSERT INTO {table} (indicator, union_id, grain, period, dimension, {qn('key')}, value) "  # noqa: S608
        f"SELECT indicator, union_id, %s, {year}, dimension, {qn('key')}, SUM(value) FROM {table} "
        f"WHERE indicator = %s AND grain = %s AND dimension = %s AND period >= %s "
        f"GROUP BY indicator, union_id, {year}, dimension, {qn('key')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, (Grain.YEAR, indicator.code, grain, dimension, since))


def _delete(indicator: Indicator, since: date, today: date) -> None:
    rows = Count.objects.filter(indicator=indicator.code)
    if indicator.stock:
        rows.filter(
            models.Q(grain=Grain.YEAR, period=date(today.year, 1, 1))
            | models.Q(grain=Grain.MONTH, period=date(today.year, today.month, 1))
        ).delete()
    else:
        rows.filter(
            models.Q(grain=Grain.MONTH, period__gte=since) | models.Q(grain=Grain.YEAR, period__gte=year_start(since))
        ).delete()


def _month_of(column: str) -> str:
    if connection.vendor == "sqlite":
        return f"SUBSTR({column}, 1, 8) || '01'"
    return f"CAST(DATE_TRUNC('month', {column}) AS DATE)"


def _insert_seen(indicator: Indicator, dimension: str, since: date, today: date) -> None:
    """Record each person's first day from ``since`` on, per ancestor union, year and key; a person
    already seen earlier in the year keeps the earlier day."""
    sql, params = _inner_sql(indicator, Grain.YEAR, dimension, since, today)
    qn = connection.ops.quote_name
    fields = "indicator, period, union_id, dimension, " + qn("key") + ", subject"
    statement = (
        f"INSERT INTO {qn(Seen._meta.db_table)} ({fields}, day) "  # noqa: S608
        f"SELECT %s, src._p, ua.ancestor_id, %s, COALESCE(src._k, ''), src._s, MIN(src._d) "
        f"FROM ({sql}) src JOIN {qn(UnionAncestor._meta.db_table)} ua ON ua.descendant_id = src._u "
        f"WHERE src._s IS NOT NULL "
        f"GROUP BY src._p, ua.ancestor_id, COALESCE(src._k, ''), src._s "
        f"ON CONFLICT ({fields}) DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, (indicator.code, dimension, *params))


def _insert_first(indicator: Indicator, dimension: str, since: date) -> None:
    """People first counted in each month from ``since`` on (``Grain.FIRST``), from ``Seen``."""
    qn = connection.ops.quote_name
    month = _month_of("day")
    statement = (
        f"INSERT INTO {qn(Count._meta.db_table)} (indicator, union_id, grain, period, dimension, {qn('key')}, value) "  # noqa: S608
        f"SELECT %s, union_id, %s, {month}, %s, {qn('key')}, COUNT(*) FROM {qn(Seen._meta.db_table)} "
        f"WHERE indicator = %s AND dimension = %s AND day >= %s "
        f"GROUP BY union_id, {month}, {qn('key')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, (indicator.code, Grain.FIRST, dimension, indicator.code, dimension, since))


def seen_start(today: date) -> date:
    """The first year ``Seen`` keeps: the frequent fills rewrite the current and the previous year."""
    return date(today.year - 1, 1, 1)


def _fill_distinct(indicator: Indicator, state: FillState, since: date, today: date) -> None:
    """Rewrite a distinct-person indicator from ``since`` (the first of a month).

    Years before the kept ones are counted anew (``COUNT(DISTINCT …)`` over their rows). In the kept
    years, the months from ``since`` on are counted from their own rows, the people first seen from
    ``since`` on are recorded again in ``Seen`` (the earlier ones stay), and each year is the sum of its
    people first counted per month, so a fill from a recent day reads only the rows from that day on.
    """
    keep = seen_start(today)
    rows = Count.objects.filter(indicator=indicator.code)
    dimensions = ("", *(d.name for d in indicator.dimensions))
    if since < keep:
        start = year_start(since)
        rows.filter(grain__in=[Grain.MONTH, Grain.YEAR], period__gte=start, period__lt=keep).delete()
        rows.filter(grain=Grain.FIRST, period__lt=keep).delete()
        for dimension in dimensions:
            _insert(indicator, Grain.MONTH, dimension, start, today, until=keep)
            _insert(indicator, Grain.YEAR, dimension, start, today, until=keep)
    complete = state.seen_from is not None and state.seen_from <= keep
    window = max(since, keep) if complete else keep
    Seen.objects.filter(indicator=indicator.code).filter(models.Q(period__lt=keep) | models.Q(day__gte=window)).delete()
    rows.filter(
        models.Q(grain__in=[Grain.MONTH, Grain.FIRST], period__gte=window)
        | models.Q(grain=Grain.YEAR, period__gte=year_start(window))
    ).delete()
    if _between is not None:
        _between(indicator)
    for dimension in dimensions:
        _insert(indicator, Grain.MONTH, dimension, window, today)
        _insert_seen(indicator, dimension, window, today)
        _insert_first(indicator, dimension, window)
        _years_from_months(indicator, dimension, year_start(window), grain=Grain.FIRST)
    state.seen_from = keep


# A test hook: called between the delete and the inserts of each indicator's rewrite.
_between: Callable[[Indicator], None] | None = None


def fill_indicator(indicator: Indicator, *, since: date, today: date, tree: str) -> None:
    """Rewrite the indicator's periods from ``since`` on, in one transaction.

    An additive indicator rewrites its month rows from ``since``'s month and sums its year rows
    from the month rows; a distinct-person one rewrites from ``since``'s month through ``Seen``
    (``_fill_distinct``); a stock is counted anew for the day of the fill.
    """
    state, _created = FillState.objects.get_or_create(
        indicator=indicator.code, defaults={"state": FillState.DONE, "since": since, "tree": ""}
    )
    if state.state == FillState.STARTED:
        since = min(since, state.since)  # the crashed fill's periods are rewritten again
    if state.tree != tree:
        since = EPOCH  # the tree changed: every period is attributed anew
    monthly = not indicator.stock  # sums and people counted once rewrite from a month
    since = date(since.year, since.month, 1) if monthly else year_start(since)
    state.state, state.since = FillState.STARTED, since
    state.save(update_fields=["state", "since", "last_modified"])
    with transaction.atomic():
        if indicator.measure == "distinct" and not indicator.stock:
            _fill_distinct(indicator, state, since, today)
            state.state, state.tree, state.done_at = FillState.DONE, tree, timezone.now()
            state.save(update_fields=["state", "tree", "done_at", "seen_from", "last_modified"])
            return
        _delete(indicator, since, today)
        if _between is not None:
            _between(indicator)
        for dimension in ("", *(d.name for d in indicator.dimensions)):
            _insert(indicator, Grain.MONTH, dimension, since, today)
            if indicator.additive and not indicator.stock:
                _years_from_months(indicator, dimension, year_start(since))
            else:  # distinct people (and stocks) are counted anew for the year
                _insert(indicator, Grain.YEAR, dimension, since, today)
        state.state, state.tree, state.done_at = FillState.DONE, tree, timezone.now()
        state.save(update_fields=["state", "tree", "done_at", "last_modified"])


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
    """Fill every indicator (or those named) from ``since``; returns the codes filled."""
    today = today or timezone.localdate()
    since = since or default_since(today)
    wanted = set(codes) if codes else None
    lock = acquire_lock()
    try:
        tree = tree_fingerprint()
        filled = []
        for indicator in registry.indicators():
            if wanted is not None and indicator.code not in wanted:
                continue
            fill_indicator(indicator, since=since, today=today, tree=tree)
            filled.append(indicator.code)
        return filled
    finally:
        release_lock(lock)


def freshness() -> datetime | None:
    """When the stalest indicator was last filled (``None``: some indicator never was)."""
    codes = [i.code for i in registry.indicators()]
    states = list(FillState.objects.filter(indicator__in=codes))
    if len(states) < len(codes) or any(s.done_at is None for s in states):
        return None
    return min(s.done_at for s in states if s.done_at is not None)
