"""Each employer carries its enterprise union's city (``orgs.queries.cities_of``, as
``people.Worker.city`` and ``awards.LedgerLine.city``), filled here for the employers already
registered, then required and indexed in the list's order for one city (issue 17: a city admin's
employer list walked every employer of the province in name order, 6,908 of them before Harbin's
first at province scale, to keep 51).

The fill is one ``UPDATE … FROM`` over a union → city map computed from the union tree (the parent
chain, never the industrial parent); 50,000 employers at province scale.
"""

import django.db.models.deletion
from django.db import migrations, models

CHUNK = 500


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
    Employer = apps.get_model("orgs", "Employer")
    used = sorted(Employer.objects.order_by().values_list("union_id", flat=True))
    if not used:
        return
    city = union_cities(Union)
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE orgs_employer e SET city_id = m.city FROM unnest(%s::bigint[], %s::bigint[]) "
                "AS m(union_id, city) WHERE e.union_id = m.union_id",
                [used, [city[u] for u in used]],
            )
        return
    by_city = {}
    for u in used:
        by_city.setdefault(city[u], []).append(u)
    for c, unions in by_city.items():
        for start in range(0, len(unions), CHUNK):
            Employer.objects.filter(union_id__in=unions[start : start + CHUNK]).update(city_id=c)


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0005_enterprise_finance_role"),
    ]

    operations = [
        migrations.AddField(
            model_name="employer",
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
            model_name="employer",
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
            model_name="employer",
            index=models.Index(fields=["city", "name", "id"], include=("union",), name="employer_city_name"),
        ),
    ]
