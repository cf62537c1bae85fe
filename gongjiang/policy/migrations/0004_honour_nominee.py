"""The labour competitions' honours said who they go to only in the catalogue demo's own rows: a database
seeded before rules had a ``nominee`` term holds 黑龙江省五一劳动奖状 and 工人先锋号 rules (same codes as the
policy seed) that would now confer on a worker. Give those two codes their term (a unit, a team); every
other honour rule keeps conferring on a worker, which is what a missing term means."""

from django.db import migrations

NOMINEES = {"honour-may-day-banner": "unit", "honour-worker-pioneer": "team"}


def add_nominee(apps, schema_editor):
    Rule = apps.get_model("policy", "Rule")
    for rule in Rule.objects.filter(kind="honour", code__in=NOMINEES):
        if "nominee" not in rule.terms:
            rule.terms = {"nominee": NOMINEES[rule.code], **rule.terms}
            rule.save(update_fields=["terms"])


class Migration(migrations.Migration):
    dependencies = [("policy", "0003_innovation_rules")]

    operations = [migrations.RunPython(add_nominee, migrations.RunPython.noop)]
