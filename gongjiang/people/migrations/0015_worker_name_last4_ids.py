"""Two worker indexes replaced by ones a search page reads fewer rows through (issue 17,
docs/benchmarks.md, "the worker pages, seventh session"):

- ``worker_name_ids`` (name ``varchar_pattern_ops``) INCLUDE (id, city) replaces ``worker_name_prefix``
  (name): a 2-character name's matches are sorted (exact name first, newest) from the index alone and
  only the page's rows are read (``people.queries.IdsFirst``), and a city official's search counts
  and pages its city's matches from the index alone (``people.queries.CityIds``). Every look-up of the
  old index (a prefix, an exact name) is one of the new one.
- ``worker_last4_newest`` (id_last4, id DESC) replaces ``worker_id_last4`` (id_last4): the page of the
  last four of an ID walks its newest 50 matches instead of reading and sorting all of them.

On PostgreSQL the new indexes are built ``CONCURRENTLY`` and ``IF NOT EXISTS`` (workers can still be
written while they build, and an index made by hand under the same name is kept), before the old ones
are dropped; SQLite builds them plainly (without INCLUDE, which it does not know)."""

from django.db import migrations, models

CREATE = {
    "worker_name_ids": "(name varchar_pattern_ops) INCLUDE (id, city_id)",
    "worker_last4_newest": "(id_last4, id DESC)",
}
OLD = {
    "worker_name_prefix": "(name varchar_pattern_ops)",
    "worker_id_last4": "(id_last4)",
}


def _swap(schema_editor, create: dict[str, str], drop: dict[str, str], table: str) -> None:
    postgres = schema_editor.connection.vendor == "postgresql"
    concurrently = "CONCURRENTLY " if postgres else ""
    for name, columns in create.items():
        columns = columns if postgres else columns.replace(" varchar_pattern_ops", "").split(" INCLUDE")[0]
        schema_editor.execute(f"CREATE INDEX {concurrently}IF NOT EXISTS {name} ON {table} {columns}")
    for name in drop:
        schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {name}")


def forwards(apps, schema_editor) -> None:
    _swap(schema_editor, CREATE, OLD, apps.get_model("people", "Worker")._meta.db_table)


def backwards(apps, schema_editor) -> None:
    _swap(schema_editor, OLD, CREATE, apps.get_model("people", "Worker")._meta.db_table)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [("people", "0014_worker_city_newest")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="worker", name="worker_name_prefix"),
                migrations.RemoveIndex(model_name="worker", name="worker_id_last4"),
                migrations.AddIndex(
                    model_name="worker",
                    index=models.Index(
                        fields=["name"],
                        name="worker_name_ids",
                        opclasses=["varchar_pattern_ops"],
                        include=["id", "city"],
                    ),
                ),
                migrations.AddIndex(
                    model_name="worker",
                    index=models.Index(fields=["id_last4", "-id"], name="worker_last4_newest"),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards, elidable=False)],
        )
    ]
