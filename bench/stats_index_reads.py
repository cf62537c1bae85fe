"""Which index each read of the rollups uses (issue 14's index diet): ``EXPLAIN`` of every query in
the tree that reads ``stats_count`` or ``stats_seen``, on a filled database.

    .venv/bin/python bench/stats_index_reads.py postgres://postgres@127.0.0.1:5432/<filled database>

One line per read: the scan nodes of its plan. The reads are written as the tree writes them
(``stats.queries``, ``stats.figures``, ``stats.reports``, ``portal.views``, the people page, the
fills' deletes and lookups); keep this list in step when a read is added.
"""

from __future__ import annotations

import datetime as dt
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main() -> None:
    os.environ["DATABASE_URL"] = sys.argv[1]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjiang.settings")
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Exists, OuterRef, QuerySet, Sum

    from gongjiang.orgs.models import Union, UnionAncestor
    from gongjiang.stats import registry
    from gongjiang.stats.models import Count, Seen

    root = Union.objects.filter(parent__isnull=True).order_by("pk").first()
    city = Union.objects.filter(kind="city").order_by("pk").first()
    if root is None or city is None:
        raise SystemExit("no union tree")
    kids = list(Union.objects.filter(parent=city).values_list("pk", flat=True))
    codes = [i.code for i in registry.indicators()]
    year, march = dt.date(2026, 1, 1), dt.date(2026, 3, 1)
    subtree = UnionAncestor.objects.filter(ancestor_id=city.pk).values("descendant_id")
    sql, params = subtree.query.sql_with_params()

    def show(label: str, qs: QuerySet) -> None:
        scans = [
            line.split("(cost")[0].strip()
            for line in qs.explain().splitlines()
            if "Scan" in line and "VALUES" not in line
        ]
        print(f"{label:<28} {' | '.join(scans)}")

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE stats_count")
        cursor.execute("ANALYZE stats_seen")
    counts, seen = Count.objects, Seen.objects
    year_totals = counts.filter(indicator__in=codes, grain="Y", period__in=[year], dimension="")
    show("queries.year_values", year_totals.filter(union_id__in=kids).values_list("union_id", "value"))
    show(
        "queries.year_values ANY",
        year_totals.extra(where=[f'"stats_count"."union_id" = ANY(ARRAY({sql}))'], params=list(params)),  # noqa: S610
    )
    show(
        "queries.cumulatives",
        counts.filter(indicator="alliances_formed", union_id__in=kids, grain="Y", dimension="", period__lte=year)
        .values_list("union_id")
        .annotate(n=Sum("value"))
        .order_by(),
    )
    show(
        "queries.monthly",
        counts.filter(indicator="participant_times", union_id=city.pk, grain="M", dimension="", period__gte=year),
    )
    show(
        "queries.breakdown",
        counts.filter(
            indicator="participant_times", union_id=city.pk, grain="Y", period=year, dimension="occupation"
        ).order_by("-value", "key"),
    )
    show(
        "figures.participant_times",
        counts.filter(indicator="participant_times", grain="Y", union_id__in=[root.pk], dimension="tier"),
    )
    show(
        "reports.bulletin month",
        counts.filter(indicator__in=codes, union=city, grain="M", dimension="", period__in=[march]),
    )
    show(
        "reports.bulletin to date",
        counts.filter(indicator__in=codes, union=city, grain="M", dimension="", period__gte=year, period__lte=march),
    )
    show(
        "portal.home",
        counts.filter(indicator__in=["unions", "workers"], union_id__in=[root.pk, city.pk], grain="Y", dimension=""),
    )
    people = seen.filter(indicator="participants", period=year, dimension="", key="", subject__gt=0)
    inside = UnionAncestor.objects.filter(ancestor_id=city.pk, descendant_id=OuterRef("union_id"))
    walked = people.filter(Exists(inside)).order_by("subject").values_list("subject", flat=True).distinct()[:51]
    show("people page: walk", walked)
    show("people page: unions", people.filter(union_id__in=subtree).values_list("subject", flat=True))
    show(
        "drain (SQLite) lookup",
        counts.filter(indicator="participant_times", grain__in=["M", "Y"], period__in=[year, march], union_id__in=kids),
    )
    show("carry over / delete month", counts.filter(indicator="workers", grain="M", period=march))
    show("rewrite delete", counts.filter(indicator="participant_times", grain="M", period__gte=march))
    show("Seen: old years", seen.filter(indicator="participants", period__lt=dt.date(2025, 1, 1)))
    show(
        "Seen: drain's exact row",
        seen.filter(indicator="participants", period=year, union_id=city.pk, dimension="", key="", subject=1),
    )


if __name__ == "__main__":
    main()
