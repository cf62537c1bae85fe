"""Awards: one city's ledger totals per state for one budget year as an index, so a city federation's
official's totals are read by the city from the index alone instead of every line of the year through
the hash of the city's reach (issue 17, ``queries.city_year_totals``).

On PostgreSQL the index is built ``CONCURRENTLY`` and ``IF NOT EXISTS``, so lines can still be written
while it builds and an index made by hand under this name beforehand is kept."""

from django.db import migrations, models

NAME = "line_city_year_totals"
COLUMNS = "(city_id, year, state, amount)"


def forwards(apps, schema_editor) -> None:
    table = apps.get_model("awards", "LedgerLine")._meta.db_table
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"CREATE INDEX {concurrently}IF NOT EXISTS {NAME} ON {table} {COLUMNS}")


def backwards(apps, schema_editor) -> None:
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {NAME}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [
        ("awards", "0009_line_union_year_totals"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="ledgerline",
                    index=models.Index(fields=["city", "year", "state", "amount"], name=NAME),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards, elidable=False)],
        )
    ]
