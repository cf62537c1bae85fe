"""Each ledger line carries its union's city (``orgs.queries.cities_of``), filled here for the lines
already written; 0008 makes it required and indexes it with the id (issue 17)."""

import django.db.models.deletion
from django.db import migrations, models

CHUNK = 500


def fill(apps, schema_editor):
    Union = apps.get_model("orgs", "Union")
    LedgerLine = apps.get_model("awards", "LedgerLine")
    parent = dict(Union.objects.values_list("pk", "parent_id"))
    city = {}
    for pk in parent:
        chain = [pk]
        while parent.get(chain[-1]) is not None:
            chain.append(parent[chain[-1]])
        city[pk] = chain[-2] if len(chain) > 1 else chain[0]
    used = set(LedgerLine.objects.order_by().values_list("union_id", flat=True).distinct())
    if not used:
        return
    if schema_editor.connection.vendor == "postgresql":
        pairs = [(u, city[u]) for u in used]
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "UPDATE awards_ledgerline l SET city_id = m.city FROM unnest(%s::bigint[], %s::bigint[]) "
                "AS m(union_id, city) WHERE l.union_id = m.union_id",
                [[u for u, _ in pairs], [c for _, c in pairs]],
            )
        return
    by_city = {}
    for u in used:
        by_city.setdefault(city[u], []).append(u)
    for c, unions in by_city.items():
        for start in range(0, len(unions), CHUNK):
            LedgerLine.objects.filter(union_id__in=unions[start : start + CHUNK]).update(city_id=c)


class Migration(migrations.Migration):
    dependencies = [
        ("awards", "0006_ledger_totals_by_reach"),
        ("orgs", "0005_enterprise_finance_role"),
    ]

    operations = [
        migrations.AddField(
            model_name="ledgerline",
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
    ]
