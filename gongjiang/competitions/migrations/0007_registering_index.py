# A partial index on the competitions taking registrations, for the home page's to-dos (issue 17).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('competitions', '0006_competition_list_index_and_region_code'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='competition',
            index=models.Index(condition=models.Q(('state', 'registration')), fields=['registration_closes_on'], name='competition_registering'),
        ),
    ]
