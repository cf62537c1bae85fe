"""Entries indexed by the worker with the event, the union and the state beside it, in place of the
worker alone: the statistics' fill reads a day's entrants' entries (10,500 people, 138,000 entries at
province scale) from the index, not the table. The drain's read 1.5-1.9 s -> 0.5-0.7 s, the
writer's marking 2.5-2.7 s -> 1.4-1.8 s (province, load 3; docs/benchmarks.md, the sixth session). The
index is larger (1.06 GB against 209 MB for 19 M entries: its included columns are not deduplicated).

On PostgreSQL it is built ``CONCURRENTLY`` (entries can be written meanwhile), then the worker's own
index is dropped the same way. SQLite ignores ``INCLUDE``: there it is the worker's index again."""

import django.db.models.deletion
from django.db import migrations, models

NEW = "entry_worker_covering"


def forwards(apps, schema_editor) -> None:
    table = apps.get_model("competitions", "Entry")._meta.db_table
    old = schema_editor._create_index_name(table, ["worker_id"], suffix="")
    postgresql = schema_editor.connection.vendor == "postgresql"
    concurrently = "CONCURRENTLY " if postgresql else ""
    include = " INCLUDE (event_id, union_id, state)" if postgresql else ""
    schema_editor.execute(f"CREATE INDEX {concurrently}IF NOT EXISTS {NEW} ON {table} (worker_id){include}")
    schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {old}")


def backwards(apps, schema_editor) -> None:
    table = apps.get_model("competitions", "Entry")._meta.db_table
    old = schema_editor._create_index_name(table, ["worker_id"], suffix="")
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"CREATE INDEX {concurrently}IF NOT EXISTS {old} ON {table} (worker_id)")
    schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {NEW}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [
        ("competitions", "0011_entry_employer_event"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="entry",
                    name="worker",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="entries",
                        to="people.worker",
                        verbose_name="worker",
                    ),
                ),
                migrations.AddIndex(
                    model_name="entry",
                    index=models.Index(fields=["worker"], include=["event", "union", "state"], name=NEW),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards, elidable=False)],
        )
    ]
