"""Workers indexed by (city, id DESC): a city federation official's whole list newest first is an
index-only walk of the city's ids (``people.queries.newest_in_reach``), and its capped count too
(issue 17, docs/benchmarks.md). At province scale (3.96 M workers): 119 MB, built in 5.7 s.

On PostgreSQL the index is built ``CONCURRENTLY`` and ``IF NOT EXISTS`` (workers can still be written
while it builds, and an index made by hand under the same name is kept); SQLite builds it plainly."""

from django.db import migrations, models

NAME = "worker_city_newest"


def forwards(apps, schema_editor) -> None:
    table = apps.get_model("people", "Worker")._meta.db_table
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"CREATE INDEX {concurrently}IF NOT EXISTS {NAME} ON {table} (city_id, id DESC)")


def backwards(apps, schema_editor) -> None:
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {NAME}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [("people", "0013_employer_name_chars")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="worker",
                    index=models.Index(fields=["city", "-id"], name=NAME),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards, elidable=False)],
        )
    ]
