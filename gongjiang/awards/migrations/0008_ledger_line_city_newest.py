"""The line's city is required, and a city's lines are indexed newest first (issue 17)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("awards", "0007_ledger_line_city"),
    ]

    operations = [
        migrations.AlterField(
            model_name="ledgerline",
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
            model_name="ledgerline",
            index=models.Index(fields=["city", "-id"], name="line_city_newest"),
        ),
    ]
