"""The audit table keeps the indexes a query reads: the primary key, the actor (a user's deletion
checks it) and (model, object_id, at) for a record's history. The single-column indexes on the time
and the union served no query and cost every audited write (issue 17: 0.8 s of an import of
100,000 workers, its 165,000 audit rows)."""


from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_user_password_rules'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditentry',
            name='at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='time'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='union_id',
            field=models.BigIntegerField(null=True),
        ),
    ]
