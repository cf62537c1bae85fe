"""``Seen`` holds each person at their own union, no longer at every ancestor (issue 14).

The old rows cannot be told apart by union alone (a row at a city is an ancestor's copy or a person
of the city's own rows), so they are emptied here and the indicators that had any are marked as a
crashed fill from the first kept year: the next ``update_stats`` rewrites their kept years, ``Seen``
included, before anything else. Their older years' figures are unchanged and kept. The rows of the
first-counted grain, which no fill has written since ``Grain.FIRST`` went unused, go too.
"""

import datetime

from django.db import migrations, models
from django.utils import timezone

# the indicators that have rows, one index probe each (a skip scan of the unique index)
INDICATORS = (
    "WITH RECURSIVE t(i) AS (SELECT MIN(indicator) FROM {table} UNION ALL "
    "SELECT (SELECT MIN(indicator) FROM {table} WHERE indicator > t.i) FROM t WHERE t.i IS NOT NULL) "
    "SELECT i FROM t WHERE i IS NOT NULL"
)


def empty_seen(apps, schema_editor):
    seen = apps.get_model("stats", "Seen")
    table = schema_editor.quote_name(seen._meta.db_table)
    counts = schema_editor.quote_name(apps.get_model("stats", "Count")._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(INDICATORS.format(table=table))
        codes = [row[0] for row in cursor.fetchall()]
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {table}")
        else:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        cursor.execute(f"DELETE FROM {counts} WHERE grain = 'F'")  # noqa: S608
    kept = datetime.date(timezone.localdate().year - 1, 1, 1)
    apps.get_model("stats", "FillState").objects.filter(indicator__in=codes).update(state="started", since=kept)


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0005_enterprise_finance_role"),
        ("stats", "0005_drop_unread_indexes"),
    ]

    operations = [
        migrations.RunPython(empty_seen, migrations.RunPython.noop, elidable=True),
        migrations.RemoveIndex(model_name="seen", name="stats_seen_subject"),
        migrations.RemoveField(model_name="fillstate", name="seen_from"),
        migrations.RemoveField(model_name="seen", name="day"),
        migrations.AlterField(
            model_name="count",
            name="grain",
            field=models.CharField(choices=[("Y", "year"), ("M", "month")], max_length=1),
        ),
        migrations.AddIndex(
            model_name="seen",
            index=models.Index(fields=["indicator", "period", "dimension", "key", "subject"], name="stats_seen_walk"),
        ),
    ]
