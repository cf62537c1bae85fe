"""The economic value typed on projects and results becomes innovations (the innovations app), whose
benefit finance confirms, and the typed numbers go: every total now reads confirmed innovations.

Each closed project with a value becomes one recognised innovation linked to the project and its lead
studio, authored by the studio's lead, its benefit the value, confirmed on the day the project closed;
each studio result with a value and no project (the old totals counted exactly these) becomes one linked
to the studio. Totals are therefore the same before and after."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

METHOD = "由原项目/成果记录的“经济价值”迁入"
RESULT_KINDS = {"invention": "invention", "patent": "invention", "method": "method"}


def forward(apps, schema_editor):
    Project = apps.get_model("studios", "Project")
    StudioResult = apps.get_model("studios", "StudioResult")
    Innovation = apps.get_model("innovations", "Innovation")
    Author = apps.get_model("innovations", "Author")
    User = apps.get_model("core", "User")
    fallback = User.objects.order_by("pk").first()
    today = dt.date.today()

    def make(*, title, kind, description, studio, project, value, on, user):
        employer = studio.employer
        innovation = Innovation.objects.create(
            title=title[:200],
            kind=kind,
            description=description or title,
            employer=employer,
            union_id=employer.union_id,
            region_code=employer.region_id,
            studio=studio,
            project=project,
            state="recognised",
            submitted_by=user,
            checked_by=user,
            annual_saving=value,
            years=Decimal(1),
            method=METHOD,
            benefit=value,
            calculated_by=user,
            confirmed_by=user,
            confirmed_on=on,
            recognised_on=on,
        )
        Author.objects.create(innovation=innovation, worker_id=studio.lead_id, share=Decimal(100), position=0)

    for p in Project.objects.filter(state="closed", economic_value__gt=0).select_related("studio__employer"):
        user = p.accepted_by or fallback
        if user is None:
            continue
        make(
            title=p.title, kind="breakthrough", description=p.outcome, studio=p.studio, project=p,
            value=p.economic_value, on=p.closed_on or p.started_on, user=user,
        )  # fmt: skip
    for r in StudioResult.objects.filter(project__isnull=True, economic_value__gt=0).select_related("studio__employer"):
        if fallback is None:
            continue
        make(
            title=r.title, kind=RESULT_KINDS.get(r.kind, "renovation"), description=r.reference, studio=r.studio,
            project=None, value=r.economic_value, on=min(dt.date(r.year, 12, 31), today), user=fallback,
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("studios", "0004_alliance_naming"),
        ("innovations", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop),
        migrations.RemoveField(model_name="project", name="economic_value"),
        migrations.RemoveField(model_name="studioresult", name="economic_value"),
    ]
