"""A dimension's breakdown is kept per year only (issue 14): the month (and first-counted) rows of a
dimension are deleted once here, since no fill writes or deletes them any more and nothing reads them.

A migration rather than the next fill: a periodic fill touches only the anchors it drains and a
rewrite only the periods from ``since``, so older month breakdowns would stay behind for ever."""

from django.db import migrations


def delete_month_breakdowns(apps, schema_editor):
    table = schema_editor.quote_name(apps.get_model("stats", "Count")._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE grain IN ('M', 'F') AND dimension <> ''")  # noqa: S608


class Migration(migrations.Migration):
    dependencies = [("stats", "0003_incremental")]

    operations = [migrations.RunPython(delete_month_breakdowns, migrations.RunPython.noop, elidable=True)]
