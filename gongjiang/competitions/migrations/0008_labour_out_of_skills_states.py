"""A labour competition has no marking or public notice of results (enums.LABOUR_TRANSITIONS): any that older
code moved into one goes back to in progress, where its committee closes the rounds and publishes the final
standing."""

from django.db import migrations


def back_to_in_progress(apps, schema_editor):
    Competition = apps.get_model("competitions", "Competition")
    Competition.objects.filter(kind="labour", state__in=["marking", "notice"]).update(state="in_progress")


class Migration(migrations.Migration):
    dependencies = [("competitions", "0007_registering_index")]

    operations = [migrations.RunPython(back_to_in_progress, migrations.RunPython.noop)]
