"""Two indexes for the union drop-down of the accounts page (``AccountForm``, a ``ShortListChoiceField``;
issue 17, docs/benchmarks.md). At province scale (50,290 unions, 50,146 of them enterprise unions) both of
its queries read the whole table:

- ``union_name_trgm``, a trigram index on the name (as ``employer_name_trgm``, people 0005): the unions whose
  name holds the term searched for (``?union_q=``, ``name LIKE '%…%'``) were a ``Seq Scan`` of 736 pages,
  12.9 ms for 2 rows;
- ``union_above_enterprises``, (kind, name) of the unions that are not enterprise unions: without a term,
  the drop-down lists those 144 in (kind, name) order, which was the same ``Seq Scan`` and a sort, 5.4 ms.

On PostgreSQL both are built ``CONCURRENTLY`` and ``IF NOT EXISTS`` (an index made by hand under the same name
is kept); SQLite has no trigram index and builds the partial one plainly."""

from django.db import migrations, models
from django.db.models import Q

TRGM = "union_name_trgm"
ABOVE = "union_above_enterprises"


def forwards(apps, schema_editor) -> None:
    table = apps.get_model("orgs", "Union")._meta.db_table
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {TRGM} ON {table} USING gin (name gin_trgm_ops)"
        )
        concurrently = "CONCURRENTLY "
    else:
        concurrently = ""
    schema_editor.execute(
        f"CREATE INDEX {concurrently}IF NOT EXISTS {ABOVE} ON {table} (kind, name) WHERE NOT (kind = 'grassroots')"
    )


def backwards(apps, schema_editor) -> None:
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {ABOVE}")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {TRGM}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [("orgs", "0006_employer_city")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="union",
                    index=models.Index(fields=["kind", "name"], condition=~Q(kind="grassroots"), name=ABOVE),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards, elidable=False)],
        )
    ]
