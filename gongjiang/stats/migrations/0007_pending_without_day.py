# Pending.day fed only Seen.day, which went in 0006 (issue 14).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('stats', '0006_seen_at_own_union'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='pending',
            name='day',
        ),
    ]
