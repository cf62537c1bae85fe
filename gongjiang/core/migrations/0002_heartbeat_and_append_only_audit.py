"""The task worker's heartbeat, and append-only audit and personal-data-access tables.

On PostgreSQL a trigger refuses UPDATE and DELETE on ``core_auditentry`` and ``core_piiaccess``
(TRUNCATE, used by test teardown and ``manage.py flush``, is a separate statement the trigger
does not cover; restore recreates the tables). SQLite has no such guard: the convention holds.
"""

from django.db import migrations, models

APPEND_ONLY_TABLES = ("core_auditentry", "core_piiaccess")

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION gongjiang_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def add_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION, params=None)
    for table in APPEND_ONLY_TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION gongjiang_append_only()"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in APPEND_ONLY_TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS gongjiang_append_only()")


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='WorkerHeartbeat',
            fields=[
                ('worker_id', models.CharField(max_length=64, primary_key=True, serialize=False)),
                ('host', models.CharField(max_length=255)),
                ('pid', models.PositiveIntegerField()),
                ('started_at', models.DateTimeField()),
                ('seen_at', models.DateTimeField(db_index=True)),
            ],
            options={
                'verbose_name': 'task worker',
                'verbose_name_plural': 'task workers',
            },
        ),
        migrations.RunPython(add_triggers, drop_triggers, elidable=False),
    ]
