"""The level requirements for naming a studio and the default evaluation criteria, as data rows."""

from decimal import Decimal

from django.db import migrations

DOCUMENT = "黑龙江省总工会 劳模和工匠人才创新工作室创建与管理要求（演示数据，以正式文件为准）"

# level, lowest honour level (2 city, 3 provincial), honour kinds, smallest team, years run well
REQUIREMENTS = (
    ("enterprise", 2, "model_worker,craftsman", 3, 0),
    ("city", 2, "model_worker,craftsman", 3, 0),
    ("provincial", 2, "model_worker,craftsman", 5, 0),
    ("national", 3, "model_worker,craftsman", 5, 3),
)
CRITERIA = (("创新团队", 20), ("规范运营", 20), ("集智攻关", 25), ("传承技能", 15), ("经济和社会效益", 20))


def load(apps, schema_editor):
    LevelRequirement = apps.get_model("studios", "LevelRequirement")
    Criterion = apps.get_model("studios", "Criterion")
    for level, honour, kinds, team, years in REQUIREMENTS:
        LevelRequirement.objects.update_or_create(
            level=level,
            defaults={
                "min_honour_level": honour,
                "honour_kinds": kinds,
                "min_team": team,
                "min_years_running": years,
                "document": DOCUMENT,
            },
        )
    for position, (name, weight) in enumerate(CRITERIA):
        Criterion.objects.update_or_create(
            alliance=None, name=name, defaults={"weight": Decimal(weight), "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("studios", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
