# The indexes no read uses (issue 14): the union foreign keys' own, stats_count_union (every read
# names the indicator and grain: stats_count_figure or stats_count_unique) and stats_seen_day (the
# fills delete Seen by year now: stats_seen_unique).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0005_enterprise_finance_role'),
        ('stats', '0004_delete_month_breakdowns'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='count',
            name='stats_count_union',
        ),
        migrations.RemoveIndex(
            model_name='seen',
            name='stats_seen_day',
        ),
        migrations.AlterField(
            model_name='count',
            name='union',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='orgs.union'),
        ),
        migrations.AlterField(
            model_name='seen',
            name='union',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='orgs.union'),
        ),
    ]
