"""The default organising rights (issue 11): the province every tier, a city federation and an
industrial union 市级 and below, a county federation and an enterprise union 企业级. The province
changes them, or authorises one union beyond its kind, on the organising-rights page."""

from django.db import migrations

DEFAULTS = {
    "province": "world",
    "city": "city",
    "industry": "city",
    "county": "enterprise",
    "grassroots": "enterprise",
}
BASIS = "默认口径（演示）：省总工会可组织各级竞赛；市（地）总工会、产业工会组织市级及以下；县（区）总工会、基层工会组织企业级"


def load(apps, schema_editor):
    OrganisingRight = apps.get_model("competitions", "OrganisingRight")
    for kind, tier in DEFAULTS.items():
        OrganisingRight.objects.get_or_create(union_kind=kind, defaults={"highest_tier": tier, "basis": BASIS})


def unload(apps, schema_editor):
    apps.get_model("competitions", "OrganisingRight").objects.filter(union__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("competitions", "0004_organising_rights")]
    operations = [migrations.RunPython(load, unload)]
