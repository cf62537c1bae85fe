"""Dated counts of people are kept between fills per (person, year), no longer per person
(``stats.sql.by_year``): an anchor marked dirty before this migration is a person's id, which the
next fill would read as a (person, year). Those indicators' marks and snapshots, if any, are dropped
and the indicator is marked as a crashed fill from the beginning, so the next ``update_stats``
rewrites its figures from the raw rows (nothing to do when the last fill left nothing dirty: run
``update_stats`` before migrating to skip the rewrite)."""

import datetime as dt

from django.db import migrations

# The dated distinct-person indicators of this release that are anchored by year (persons_rewarded is
# not: whether a line counts depends on its reversal, another line).
BY_YEAR = ("participants", "labour_members", "grade_rises")


def forwards(apps, schema_editor) -> None:
    Dirty = apps.get_model("stats", "Dirty")
    Pending = apps.get_model("stats", "Pending")
    FillState = apps.get_model("stats", "FillState")
    marked = set(Dirty.objects.filter(indicator__in=BY_YEAR).values_list("indicator", flat=True).distinct())
    if not marked:
        return
    Dirty.objects.filter(indicator__in=marked).delete()
    Pending.objects.filter(indicator__in=marked).delete()
    FillState.objects.filter(indicator__in=marked).update(state="started", since=dt.date(1990, 1, 1))


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0007_pending_without_day"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
