"""The SQL the fills share: an indicator's rows as ``(_a, _u, _p, _k, _s)`` (anchor, union, period,
key, subject), built through the ORM so one code path serves SQLite and PostgreSQL."""

from __future__ import annotations

import zlib
from collections.abc import Collection
from datetime import date

from django.db import connection, models
from django.db.models import BigIntegerField, DateField, ExpressionWrapper, F, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, ExtractYear, Round, TruncMonth, TruncYear

from gongjiang.core.indicators import Indicator
from gongjiang.orgs.figures import date_expr, province_ids, source

from .models import Grain

# PostgreSQL: anchors read in one statement (a day's competition brings ten thousand people; their
# entries joined to the events and competitions once, not once per chunk: 10,500 people 1.05-1.85 s in
# chunks of 5,000, 0.8-1.1 s in one, at province scale under load)
DATABASE_CHUNK = 20_000

# the period of a stock's contribution (a stock counts for the year and month of the fill)
STOCK = date(1900, 1, 1)


def lock_key(code: str) -> int:
    """The PostgreSQL advisory lock of one indicator's fill (a stable 32-bit number)."""
    return 0x5747_0000_0000 + zlib.crc32(code.encode())


def anchor_path(indicator: Indicator) -> str:
    """What a row's contribution is kept under between two fills: a value that never changes for a
    row. A count of people is anchored on the person (all their rows together, so whether they
    still count anywhere is known; with a date, on the person and the year: :func:`by_year`); a sum
    or count on the row itself, or on ``extra['anchor']`` (the competition of an entry: one
    finalised competition is one anchor)."""
    if indicator.measure == "distinct":
        return indicator.subject
    return indicator.extra.get("anchor", "pk")


# A (person, year) anchor is the number person * YEARS + year.
YEARS = 10_000


def by_year(indicator: Indicator) -> bool:
    """A dated count of people is anchored on (person, year): whether a person counts in a figure of a
    year (a month's, the year's, a key's, at any union) depends on their rows of that year alone. A
    day's competition then marks, snapshots and reads its entrants' rows of this year, not of every
    year they took part (at province scale a day's 10,500 entrants have 223,000 rows in all years).
    Not when whether a row counts depends on another row of the person, maybe of another year
    (``extra['anchor_years']`` false: a ledger line and its reversal)."""
    dated = indicator.measure == "distinct" and not indicator.stock and indicator.date is not None
    return dated and indicator.extra.get("anchor_years", True)


def year_anchor(person: int, year: int) -> int:
    return person * YEARS + year


def _year_anchor(indicator: Indicator) -> ExpressionWrapper:
    """Each row's (person, year) anchor, :func:`year_anchor` in SQL, from ``_day`` (the rows as
    ``orgs.figures.source`` annotates them). The year as an integer: PostgreSQL's ``EXTRACT`` gives a
    numeric, and the sum would be one too."""
    return ExpressionWrapper(
        F(indicator.subject) * YEARS + Cast(ExtractYear("_day"), models.IntegerField()),
        output_field=BigIntegerField(),
    )


def _among(values: Collection[int]) -> list[int] | RawSQL:
    """``values`` as the right side of an ``__in``: on PostgreSQL one array unnested, where ten
    thousand literals cost the planner 50 ms an ``IN`` list to estimate (it knows an array's length)."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (sorted(values),))
    return list(values)


def of_anchors(indicator: Indicator, qs: models.QuerySet, anchors: Collection[int]) -> models.QuerySet:
    """The rows of ``qs`` (the indicator's, with ``_day`` for a dated one) under ``anchors``: by year,
    the persons' rows through the person's index, then those of the years asked."""
    if by_year(indicator):
        people = {a // YEARS for a in anchors}
        return (
            qs.filter(**{f"{indicator.subject}__in": _among(people)})
            .alias(_anchor=_year_anchor(indicator))
            .filter(_anchor__in=_among(anchors))
        )
    return qs.filter(**{f"{anchor_path(indicator)}__in": _among(anchors)})


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


def inner_sql(
    indicator: Indicator,
    grain: str,
    dimension: str,
    today: date,
    *,
    since: date | None = None,
    until: date | None = None,
    anchors: Collection[int] | None = None,
    stock_period: date | None = None,
) -> tuple[str, tuple]:
    """The rows as a sub-select; ``anchors`` keeps those rows only, ``stock_period`` replaces a
    stock's period (the fill's year or month by default)."""
    qs = source(indicator, since=since, until=until)
    if anchors is not None:
        qs = of_anchors(indicator, qs, anchors)
    if indicator.date is None:
        period: models.Expression = Value(
            stock_period or (date(today.year, 1, 1) if grain == Grain.YEAR else date(today.year, today.month, 1)),
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
    inner = qs.values(_a=F(anchor_path(indicator)), _u=union, _p=period, _k=key, _s=subject)
    return inner.query.sql_with_params()


def contributions_sql(indicator: Indicator, dimension: str, today: date, anchors: Collection[int]) -> tuple[str, tuple]:
    """``SELECT union, period, key, subject, rows, value`` of the anchors' rows: per union, month and
    key (a stock: per union and key, period ``STOCK``), and for a count of people per person too."""
    sql, params = inner_sql(indicator, Grain.MONTH, dimension, today, anchors=anchors, stock_period=STOCK)
    if indicator.measure == "distinct":
        subject, value, where, group = "src._s", "0", "WHERE src._s IS NOT NULL ", ", src._s"
    else:
        subject, where, group = "0", "", ""
        value = "SUM(src._s)" if indicator.measure == "sum" else "COUNT(*)"
    return (
        f"SELECT src._u, src._p, COALESCE(src._k, ''), {subject}, COUNT(*), {value} "  # noqa: S608
        f"FROM ({sql}) src {where}GROUP BY src._u, src._p, COALESCE(src._k, ''){group}",
        params,
    )


def wide_sql(
    indicator: Indicator,
    today: date,
    *,
    since: date | None = None,
    anchors: Collection[int] | None = None,
    stock_period: date | None = None,
) -> tuple[str, tuple]:
    """The rows as a sub-select with every dimension's key at once: ``(_u, _p, _s, _k0 … _kn)``
    (``_p`` the month, a stock's the fill's month or ``stock_period``; ``_kN`` the key of
    ``indicator.dimensions[N]``). The grouped rewrite (``stats.fill``) reads it once for all
    dimensions and grains; ``anchors`` keeps those anchors' rows only (:func:`all_contributions_sql`)."""
    qs = source(indicator, since=since)
    if anchors is not None:
        qs = of_anchors(indicator, qs, anchors)
    if indicator.date is None:
        period: models.Expression = Value(stock_period or date(today.year, today.month, 1), output_field=DateField())
    else:
        period = _period(date_expr(indicator, qs.model), Grain.MONTH)
    if indicator.union is None:
        roots = province_ids()
        union: models.Expression | F = Value(roots[0] if roots else 0, output_field=models.IntegerField())
    else:
        union = F(indicator.union)
    if indicator.measure == "sum":
        subject: models.Expression | F = ExpressionWrapper(
            Round(F(indicator.subject) * 100 if indicator.scale == 100 else F(indicator.subject)),
            output_field=BigIntegerField(),
        )
    else:
        subject = F(indicator.subject)
    keys = {f"_k{n}": Cast(d.path, models.CharField(max_length=40)) for n, d in enumerate(indicator.dimensions)}
    return qs.values(_u=union, _p=period, _s=subject, **keys).query.sql_with_params()


def grouping(keys: list[str], names: list[str]) -> tuple[str, str, list[str]]:
    """The dimension and key of a row of ``GROUP BY GROUPING SETS`` over the columns ``w.<key>``: in
    the set of key ``_kN`` every other key column is NULL, so the first non-NULL key is its own (the
    rows' NULL keys must be made '' first). Returns the two expressions and the dimension's names,
    the parameters of the first."""
    if not keys:
        return "''", "''", []
    dimension = "CASE " + " ".join(f"WHEN GROUPING(w.{k}) = 0 THEN %s " for k in keys) + "ELSE '' END"
    return dimension, f"COALESCE({', '.join(f'w.{k}' for k in keys)}, '')", names


def all_contributions_sql(indicator: Indicator, today: date, anchors: Collection[int]) -> tuple[str, tuple]:
    """PostgreSQL: ``SELECT dimension, union, period, key, subject, rows, value`` of the anchors'
    rows for the total and every dimension at once: what :func:`contributions_sql` gives for each
    dimension, from one read of the rows (``GROUP BY GROUPING SETS``)."""
    sql, params = wide_sql(indicator, today, anchors=anchors, stock_period=STOCK)
    names = [d.name for d in indicator.dimensions]
    keys = [f"_k{n}" for n in range(len(names))]
    dimension, key, dimension_params = grouping(keys, names)
    coalesced = "".join(f", COALESCE(src.{k}, '') AS {k}" for k in keys)
    if indicator.measure == "distinct":
        subject, value, where, per = "w._s", "0", "WHERE src._s IS NOT NULL ", ", w._s"
    else:
        subject, where, per = "0", "", ""
        value = "SUM(w._s)" if indicator.measure == "sum" else "COUNT(*)"
    sets = ", ".join([f"(w._u, w._p{per})", *(f"(w._u, w._p{per}, w.{k})" for k in keys)])
    return (
        f"SELECT {dimension}, w._u, w._p, {key}, {subject}, COUNT(*), {value} FROM ("  # noqa: S608
        f"SELECT src._u, src._p, src._s{coalesced} FROM ({sql}) src {where}) w GROUP BY GROUPING SETS ({sets})",
        (*dimension_params, *params),
    )
