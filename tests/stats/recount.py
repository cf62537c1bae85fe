"""An independent recount of every rollup row, in Python: the indicator's rows are read one by
one, attributed to the ancestors computed from ``Union.parent`` / ``industry_parent`` (not
from the closure table the fill joins), and counted per union, period and key."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from gongjiang.core.indicators import Indicator
from gongjiang.orgs.models import Union
from gongjiang.stats import registry
from gongjiang.stats.fill import province_ids, source
from gongjiang.stats.models import Count, Seen


def ancestors() -> dict[int, set[int]]:
    parents = {u.pk: (u.parent_id, u.industry_parent_id) for u in Union.objects.all()}
    memo: dict[int, set[int]] = {}

    def up(uid: int) -> set[int]:
        if uid not in memo:
            found = {uid}
            for p in parents.get(uid, ()):
                if p is not None:
                    found |= up(p)
            memo[uid] = found
        return memo[uid]

    return {uid: up(uid) for uid in parents}


def expected(indicator: Indicator, today: dt.date) -> dict[tuple, int]:
    tree = ancestors()
    dims = [("", None)] + [(d.name, d.path) for d in indicator.dimensions]
    paths = [indicator.union or "pk", indicator.subject] + [p for _n, p in dims if p]
    day_field = ["_day"] if indicator.date else []
    rows = source(indicator).values_list(*day_field, *paths)
    buckets: dict[tuple, list] = defaultdict(list)
    for row in rows:
        day = row[0] if indicator.date else today
        union_id, subject, *keys = row[len(day_field) :]
        if indicator.union is None:
            union_id = province_ids()[0]
        for grain, period in (("Y", dt.date(day.year, 1, 1)), ("M", dt.date(day.year, day.month, 1))):
            for (name, _path), key in zip(dims, [None, *keys], strict=True):
                if grain == "M" and name:
                    continue  # a dimension's breakdown is kept per year only; a month holds the total
                for a in tree[union_id]:
                    buckets[(a, grain, period, name, "" if name == "" or key is None else str(key))].append(subject)
    out = {}
    for k, subjects in buckets.items():
        if indicator.measure == "distinct":
            out[k] = len(set(subjects))
        elif indicator.measure == "sum":
            out[k] = sum(int((Decimal(s) * indicator.scale).to_integral_value()) for s in subjects)
        else:
            out[k] = len(subjects)
    return out


def actual(indicator: Indicator) -> dict[tuple, int]:
    return {
        (c.union_id, c.grain, c.period, c.dimension, c.key): c.value
        for c in Count.objects.filter(indicator=indicator.code)
    }


def seen_expected(indicator: Indicator, keep: dt.date) -> set[tuple]:
    """The people behind the kept years' figures, each at the union their row is attributed to:
    (union, year, dimension, key, person)."""
    dims = [("", None)] + [(d.name, d.path) for d in indicator.dimensions]
    found = set()
    for row in source(indicator, since=keep).values_list(
        "_day", indicator.union, indicator.subject, *[p for _n, p in dims if p]
    ):
        day, union_id, subject, *keys = row
        if subject is None:
            continue
        for (name, _path), key in zip(dims, [None, *keys], strict=True):
            found.add((union_id, dt.date(day.year, 1, 1), name, "" if name == "" or key is None else str(key), subject))
    return found


def mismatches(today: dt.date | None = None) -> dict[str, tuple]:
    """Every rollup row against its recount; and ``Seen`` (the people behind the kept years' figures)."""
    today = today or timezone.localdate()
    keep = dt.date(today.year - 1, 1, 1)
    bad = {}
    for indicator in registry.indicators():
        want, got = expected(indicator, today), actual(indicator)
        if want != got:
            diff = {k: (want.get(k), got.get(k)) for k in set(want) | set(got) if want.get(k) != got.get(k)}
            bad[indicator.code] = tuple(sorted(diff.items(), key=str)[:5])
        if indicator.measure == "distinct" and not indicator.stock:
            seen = set(
                Seen.objects.filter(indicator=indicator.code, period__gte=keep).values_list(
                    "union_id", "period", "dimension", "key", "subject"
                )
            )
            wanted = seen_expected(indicator, keep)
            if seen != wanted:
                bad[f"seen:{indicator.code}"] = (sorted(seen - wanted)[:3], sorted(wanted - seen)[:3])
    return bad
