"""Entries indexed by (employer, event) instead of the employer alone: the competitions an employer
took part in (the innovation form's list, ``innovations.queries.origins_of``) become an index-only read.
The busiest employer at province scale has 134,294 entries: 1.09 s to 70 ms (docs/benchmarks.md).

On PostgreSQL the index is built ``CONCURRENTLY`` (18 s on 19 M entries here), so entries can still be
written while it builds; then the employer's own index, which it replaces, is dropped the same way."""

import django.db.models.deletion
from django.db import migrations, models

NEW = "entry_employer_event"


def forwards(apps, schema_editor) -> None:
    table = apps.get_model("competitions", "Entry")._meta.db_table
    old = schema_editor._create_index_name(table, ["employer_id"], suffix="")
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"CREATE INDEX {concurrently}IF NOT EXISTS {NEW} ON {table} (employer_id, event_id)")
    schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {old}")


def backwards(apps, schema_editor) -> None:
    table = apps.get_model("competitions", "Entry")._meta.db_table
    old = schema_editor._create_index_name(table, ["employer_id"], suffix="")
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"CREATE INDEX {concurrently}IF NOT EXISTS {old} ON {table} (employer_id)")
    schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {NEW}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [
        ("competitions", "0010_competition_in_notice"),
        ("orgs", "0005_enterprise_finance_role"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="entry",
                    name="employer",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="orgs.employer",
                        verbose_name="employer",
                    ),
                ),
                migrations.AddIndex(
                    model_name="entry",
                    index=models.Index(fields=["employer", "event"], name=NEW),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards, elidable=False)],
        )
    ]
