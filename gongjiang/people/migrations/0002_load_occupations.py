from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "occupations.txt"


def load(apps, schema_editor):
    Occupation = apps.get_model("people", "Occupation")
    names = [line.strip() for line in DATA.read_text(encoding="utf-8").splitlines()]
    Occupation.objects.bulk_create(
        [Occupation(name=n) for n in names if n and not n.startswith("#")], ignore_conflicts=True
    )


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
