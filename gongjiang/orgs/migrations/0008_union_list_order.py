"""Unions indexed in their list order, (region, kind, name) (issue 17, docs/benchmarks.md):

- ``union_list_order``, every union: the union list's first page is a walk of 51 index entries instead of
  every union of the first regions in code order read and sorted by kind and name (at province scale an
  ``Incremental Sort`` of 1,406 unions, 1.5 ms, where the demo's 290 unions are a handful);
- ``union_above_in_order``, the unions that are not enterprise unions: the judge pool's pool drop-down lists
  them in that order through a server-side cursor (Django reads a ``ModelChoiceField``'s rows with
  ``iterator()``), which PostgreSQL plans to start fast: it walked every union in region order and dropped
  the 50,146 enterprise unions, 10 ms, to keep 144 (0.5 ms in the demo's 290).

On PostgreSQL both are built ``CONCURRENTLY`` and ``IF NOT EXISTS`` (an index made by hand under the same
name is kept); SQLite builds them plainly."""

from django.db import migrations, models
from django.db.models import Q

LIST = "union_list_order"
ABOVE = "union_above_in_order"


def forwards(apps, schema_editor) -> None:
    table = apps.get_model("orgs", "Union")._meta.db_table
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"CREATE INDEX {concurrently}IF NOT EXISTS {LIST} ON {table} (region_id, kind, name)")
    schema_editor.execute(
        f"CREATE INDEX {concurrently}IF NOT EXISTS {ABOVE} ON {table} (region_id, kind, name) "
        "WHERE NOT (kind = 'grassroots')"
    )


def backwards(apps, schema_editor) -> None:
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {ABOVE}")
    schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {LIST}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [("orgs", "0007_union_name_indexes")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="union",
                    index=models.Index(fields=["region", "kind", "name"], name=LIST),
                ),
                migrations.AddIndex(
                    model_name="union",
                    index=models.Index(
                        fields=["region", "kind", "name"], condition=~Q(kind="grassroots"), name=ABOVE
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards, elidable=False)],
        )
    ]
