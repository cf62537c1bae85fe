"""Unions indexed in the union list's order, (region, kind, name): its first page is a walk of 51 index
entries instead of every union of the first regions in code order read and sorted by kind and name (issue 17,
docs/benchmarks.md: at province scale an ``Incremental Sort`` of 1,406 unions, 1.4 ms, where the demo's 290
unions are a handful).

On PostgreSQL the index is built ``CONCURRENTLY`` and ``IF NOT EXISTS`` (an index made by hand under the same
name is kept); SQLite builds it plainly."""

from django.db import migrations, models

NAME = "union_list_order"


def forwards(apps, schema_editor) -> None:
    table = apps.get_model("orgs", "Union")._meta.db_table
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"CREATE INDEX {concurrently}IF NOT EXISTS {NAME} ON {table} (region_id, kind, name)")


def backwards(apps, schema_editor) -> None:
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {NAME}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [("orgs", "0007_union_name_indexes")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="union",
                    index=models.Index(fields=["region", "kind", "name"], name=NAME),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards, elidable=False)],
        )
    ]
