"""Trigram indexes for substring search on PostgreSQL (pg_trgm); SQLite keeps its plain path."""

from django.db import migrations

INDEXES = (
    ("people_worker", "worker_name_trgm", "name"),
    ("orgs_employer", "employer_name_trgm", "name"),
)


def forwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, name, column in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)")


def backwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, name, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("people", "0004_worker_index_hygiene"), ("orgs", "0002_load_regions")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
