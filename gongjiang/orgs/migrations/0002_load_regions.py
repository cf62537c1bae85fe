from django.db import migrations


def load(apps, schema_editor):
    from gongjiang.orgs.regions import load_region_rows

    Region = apps.get_model("orgs", "Region")
    rows = load_region_rows()
    Region.objects.bulk_create(
        [Region(code=r.code, name=r.name, level=r.level, parent_id=r.parent or None) for r in rows],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
