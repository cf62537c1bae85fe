"""Each worker carries its union's city (``orgs.queries.cities_of``, as ``awards.LedgerLine.city``),
filled here for the workers already registered, then required and indexed with what a city or
county official's list and search read (issue 17).

The fill is one ``UPDATE … FROM`` over a union → city map computed from the union tree (the parent
chain, never the industrial parent). On PostgreSQL the statement trigger that keeps
``people_reachnewestworker`` is off while it runs (the update moves no worker to another union and
changes no id: the bounds stay right; kept on, it would read a transition table of every worker),
and the column's foreign key is created only after the fill (Django adds it when the migration ends),
so the update queues no per-row check: the key is validated by one query instead.
"""

import django.db.models.deletion
import django.db.models.functions.text
from django.db import migrations, models

CHUNK = 500
TRIGGER = "people_reach_newest_update"


def union_cities(Union) -> dict[int, int]:
    """Each union's city: the union one below a top union on its ``parent`` chain (a top union is its own)."""
    parent = dict(Union.objects.values_list("pk", "parent_id"))
    city = {}
    for pk in parent:
        chain = [pk]
        while parent.get(chain[-1]) is not None:
            chain.append(parent[chain[-1]])
        city[pk] = chain[-2] if len(chain) > 1 else chain[0]
    return city


def fill(apps, schema_editor):
    Union = apps.get_model("orgs", "Union")
    Worker = apps.get_model("people", "Worker")
    city = union_cities(Union)
    used = sorted(set(Worker.objects.order_by().values_list("union_id", flat=True).distinct()))
    if not used:
        return
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_trigger WHERE tgrelid = 'people_worker'::regclass AND tgname = %s", [TRIGGER]
            )
            trigger = cursor.fetchone() is not None
            if trigger:
                cursor.execute(f"ALTER TABLE people_worker DISABLE TRIGGER {TRIGGER}")
            cursor.execute(
                "UPDATE people_worker w SET city_id = m.city FROM unnest(%s::bigint[], %s::bigint[]) "
                "AS m(union_id, city) WHERE w.union_id = m.union_id",
                [used, [city[u] for u in used]],
            )
            if trigger:
                cursor.execute(f"ALTER TABLE people_worker ENABLE TRIGGER {TRIGGER}")
        return
    by_city = {}
    for u in used:
        by_city.setdefault(city[u], []).append(u)
    for c, unions in by_city.items():
        for start in range(0, len(unions), CHUNK):
            Worker.objects.filter(union_id__in=unions[start : start + CHUNK]).update(city_id=c)


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0005_enterprise_finance_role"),
        ("people", "0011_worker_surname_newest"),
    ]

    operations = [
        migrations.AddField(
            model_name="worker",
            name="city",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orgs.union",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="worker",
            name="city",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orgs.union",
            ),
        ),
        migrations.AddIndex(
            model_name="worker",
            index=models.Index(
                models.F("city"),
                django.db.models.functions.text.Left("name", 1),
                models.OrderBy(models.F("id"), descending=True),
                include=("name", "union"),
                name="worker_city_surname_newest",
            ),
        ),
        migrations.AddIndex(
            model_name="worker",
            index=models.Index(
                condition=models.Q(("status", "employed"), _negated=True),
                fields=["city", "status", "-id"],
                include=("union",),
                name="worker_city_status_newest",
            ),
        ),
    ]
