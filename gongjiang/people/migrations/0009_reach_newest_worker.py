"""For each union and each union at or below it, the lower union's newest worker id (an upper
bound), kept by statement triggers on PostgreSQL.

The worker list of a city, county or industrial official reads it, newest first per ancestor, to
probe only the few unions that can hold the newest rows (``people.queries.NewestInReach``).
Statement-level triggers with transition tables fire once per statement, whatever wrote it (the
app, an import, COPY in ``bench/province.py``): on the worker table (insert, update: the bound of
each of a changed worker's ancestors is raised) and on the closure table (a union attached under an
ancestor gets a row with its newest worker; a link removed takes its row away). SQLite gets the
empty table and no triggers; it never reads it.
"""

import django.db.models.deletion
from django.db import migrations, models


TABLE = "people_reachnewestworker"

SQL = (
    f"""
CREATE OR REPLACE FUNCTION people_reach_newest_from_workers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {TABLE} AS r (ancestor_id, union_id, newest_id)
    SELECT a.ancestor_id, c.union_id, c.newest
    FROM (SELECT union_id, max(id) AS newest FROM changed GROUP BY union_id) c
    JOIN orgs_unionancestor a ON a.descendant_id = c.union_id
    ORDER BY a.ancestor_id, c.union_id
    ON CONFLICT (ancestor_id, union_id) DO UPDATE SET newest_id = EXCLUDED.newest_id
    WHERE r.newest_id < EXCLUDED.newest_id;
    RETURN NULL;
END
$$""",
    f"""
CREATE OR REPLACE FUNCTION people_reach_newest_links_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {TABLE} AS r (ancestor_id, union_id, newest_id)
    SELECT l.ancestor_id, l.descendant_id, w.newest FROM added l
    CROSS JOIN LATERAL (SELECT max(id) AS newest FROM people_worker WHERE union_id = l.descendant_id) w
    WHERE w.newest IS NOT NULL
    ORDER BY l.ancestor_id, l.descendant_id
    ON CONFLICT (ancestor_id, union_id) DO UPDATE SET newest_id = greatest(r.newest_id, EXCLUDED.newest_id);
    RETURN NULL;
END
$$""",
    f"""
CREATE OR REPLACE FUNCTION people_reach_newest_links_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM {TABLE} r USING removed l WHERE r.ancestor_id = l.ancestor_id AND r.union_id = l.descendant_id;
    RETURN NULL;
END
$$""",
    "CREATE TRIGGER people_reach_newest_insert AFTER INSERT ON people_worker REFERENCING NEW TABLE AS changed "
    "FOR EACH STATEMENT EXECUTE FUNCTION people_reach_newest_from_workers()",
    "CREATE TRIGGER people_reach_newest_update AFTER UPDATE ON people_worker REFERENCING NEW TABLE AS changed "
    "FOR EACH STATEMENT EXECUTE FUNCTION people_reach_newest_from_workers()",
    "CREATE TRIGGER people_reach_newest_link_insert AFTER INSERT ON orgs_unionancestor REFERENCING NEW TABLE AS added "
    "FOR EACH STATEMENT EXECUTE FUNCTION people_reach_newest_links_added()",
    "CREATE TRIGGER people_reach_newest_link_delete AFTER DELETE ON orgs_unionancestor REFERENCING OLD TABLE AS removed "
    "FOR EACH STATEMENT EXECUTE FUNCTION people_reach_newest_links_removed()",
    f"INSERT INTO {TABLE} (ancestor_id, union_id, newest_id) SELECT a.ancestor_id, n.union_id, n.newest "
    "FROM (SELECT union_id, max(id) AS newest FROM people_worker GROUP BY union_id) n "
    "JOIN orgs_unionancestor a ON a.descendant_id = n.union_id",
    f"ANALYZE {TABLE}",
)

UNDO = (
    "DROP TRIGGER IF EXISTS people_reach_newest_insert ON people_worker",
    "DROP TRIGGER IF EXISTS people_reach_newest_update ON people_worker",
    "DROP TRIGGER IF EXISTS people_reach_newest_link_insert ON orgs_unionancestor",
    "DROP TRIGGER IF EXISTS people_reach_newest_link_delete ON orgs_unionancestor",
    "DROP FUNCTION IF EXISTS people_reach_newest_from_workers()",
    "DROP FUNCTION IF EXISTS people_reach_newest_links_added()",
    "DROP FUNCTION IF EXISTS people_reach_newest_links_removed()",
)


def forwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in SQL:
        schema_editor.execute(sql)


def backwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in UNDO:
        schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0004_employer_name_index'),
        ('people', '0008_drop_worker_region_code_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='ReachNewestWorker',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('newest_id', models.BigIntegerField()),
                ('ancestor', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='orgs.union')),
                ('union', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='orgs.union')),
            ],
            options={
                'indexes': [models.Index(models.F('ancestor'), models.OrderBy(models.F('newest_id'), descending=True), name='reach_newest_first')],
                'constraints': [models.UniqueConstraint(fields=('ancestor', 'union'), name='reach_newest_unique')],
            },
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
