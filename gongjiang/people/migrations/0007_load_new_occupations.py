"""The trades added to occupations.txt after 0002 ran (the demo's trades by industry): a database
migrated before them gets them too. Idempotent: existing names are left alone."""

from importlib import import_module

from django.db import migrations

load = import_module("gongjiang.people.migrations.0002_load_occupations").load


class Migration(migrations.Migration):
    dependencies = [("people", "0006_worker_employer_newest")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
