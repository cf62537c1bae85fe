# Partial indexes for the open ledger lines (the home page's to-dos) and the ledger's totals per year (issue 17).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('awards', '0003_nominations_close_on'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='ledgerline',
            index=models.Index(condition=models.Q(('state', 'proposed')), fields=['programme', 'union', 'proposed_by'], name='line_to_approve'),
        ),
        migrations.AddIndex(
            model_name='ledgerline',
            index=models.Index(condition=models.Q(('state', 'approved')), fields=['programme', 'union', 'approved_by'], name='line_to_pay'),
        ),
        migrations.AddIndex(
            model_name='ledgerline',
            index=models.Index(fields=['year', 'state', 'amount'], name='line_year_totals'),
        ),
    ]
