"""Each union's newest worker id (an upper bound), kept by statement triggers on PostgreSQL.

The worker list of a city or county official reads it to probe only the few unions that can hold
the newest rows (``people.queries.NewestInReach``). Statement-level triggers with transition
tables fire once per INSERT (COPY included) or UPDATE, whatever wrote it: the app, an import,
``bench/province.py``. SQLite gets the empty table and no triggers; it never reads it.
"""

import django.db.models.deletion
from django.db import migrations, models

FUNCTION = """
CREATE OR REPLACE FUNCTION people_raise_union_newest_worker() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO people_unionnewestworker AS n (union_id, newest_id)
    SELECT union_id, max(id) FROM changed GROUP BY union_id ORDER BY union_id
    ON CONFLICT (union_id) DO UPDATE SET newest_id = EXCLUDED.newest_id WHERE n.newest_id < EXCLUDED.newest_id;
    RETURN NULL;
END
$$
"""

TRIGGERS = (
    "CREATE TRIGGER people_worker_newest_insert AFTER INSERT ON people_worker REFERENCING NEW TABLE AS changed "
    "FOR EACH STATEMENT EXECUTE FUNCTION people_raise_union_newest_worker()",
    "CREATE TRIGGER people_worker_newest_update AFTER UPDATE ON people_worker REFERENCING NEW TABLE AS changed "
    "FOR EACH STATEMENT EXECUTE FUNCTION people_raise_union_newest_worker()",
)

FILL = (
    "INSERT INTO people_unionnewestworker (union_id, newest_id) SELECT union_id, max(id) FROM people_worker "
    "GROUP BY union_id ON CONFLICT (union_id) DO UPDATE SET newest_id = EXCLUDED.newest_id"
)


def forwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for sql in TRIGGERS:
        schema_editor.execute(sql)
    schema_editor.execute(FILL)


def backwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS people_worker_newest_insert ON people_worker")
    schema_editor.execute("DROP TRIGGER IF EXISTS people_worker_newest_update ON people_worker")
    schema_editor.execute("DROP FUNCTION IF EXISTS people_raise_union_newest_worker()")


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0003_finance_and_leadership_roles"),
        ("people", "0008_drop_worker_region_code_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="UnionNewestWorker",
            fields=[
                (
                    "union",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="orgs.union",
                    ),
                ),
                ("newest_id", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
