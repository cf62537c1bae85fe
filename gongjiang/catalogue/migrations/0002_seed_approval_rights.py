"""Who approves the 立项 of each tier (issue 15): the province approves provincial projects, a city
federation (or an industrial union) city projects of the unions below it, a county federation enterprise
projects. The approving union must also hold the organising right of the tier (competitions 0005).
National and WorldSkills competitions have no row: they are not applied for on this platform."""

from django.db import migrations

DEFAULTS = {
    "provincial_1": "province",
    "provincial_2": "province",
    "city": "city",
    "enterprise": "county",
}
BASIS = "默认口径（演示）：省级竞赛由省总工会批准立项；市级竞赛由市（地）总工会、产业工会批准；企业级竞赛由县（区）总工会批准"


def load(apps, schema_editor):
    ApprovalRight = apps.get_model("catalogue", "ApprovalRight")
    for tier, kind in DEFAULTS.items():
        ApprovalRight.objects.get_or_create(tier=tier, defaults={"approver_kind": kind, "basis": BASIS})


def unload(apps, schema_editor):
    apps.get_model("catalogue", "ApprovalRight").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
