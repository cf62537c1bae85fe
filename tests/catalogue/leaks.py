"""The catalogue entries of the leak test (tests/test_leaks.py) and the Harbin project its ``leaky``
fixture adds: an approved Harbin application with its competition, stage report (with an attachment)
and a proposed commendation, and a second Harbin application waiting at the province."""

import datetime as dt
from decimal import Decimal

from django.core.files.base import ContentFile

HARBIN_PROJECT = "哈尔滨锅炉厂重点工程劳动竞赛"


def harbin_project(org) -> None:
    from gongjiang.catalogue import services
    from gongjiang.orgs.scope import Scope

    alice, prov = org.users.alice, org.users.prov

    def apply(name: str):
        application = services.save_application(
            actor=alice,
            scope=Scope(alice),
            applicant=org.harbin,
            data=services.ApplicationData(
                name=name,
                kind="labour",
                tier="city",
                leading_body="哈尔滨市劳动竞赛委员会",
                indicators="进度 质量 安全",
                budget=Decimal("100000"),
                starts_on=dt.date(2026, 3, 1),
                ends_on=dt.date(2026, 12, 1),
            ),
            plan=ContentFile("实施方案".encode(), name="plan.txt"),
        )
        return services.submit_application(actor=alice, scope=Scope(alice), application=application)

    approved = apply(HARBIN_PROJECT)
    org.harbin_application = services.decide_application(
        actor=prov, scope=Scope(prov), application=approved, action="approve"
    )
    org.harbin_waiting = apply(f"{HARBIN_PROJECT}（二期）")
    org.harbin_stage = services.set_stage_due(
        actor=alice,
        scope=Scope(alice),
        application=org.harbin_application,
        title="第一阶段",
        due_on=dt.date(2026, 6, 1),
    )
    services.submit_stage_report(
        actor=alice,
        scope=Scope(alice),
        report=org.harbin_stage,
        summary="阶段总结",
        attachments=[ContentFile("附件".encode(), name="a.txt")],
    )
    org.harbin_stage_attachment = org.harbin_stage.attachments.get()
    org.harbin_commendation = services.propose_commendation(
        actor=alice,
        scope=Scope(alice),
        application=org.harbin_application,
        subject="person",
        worker=org.harbin_worker,
        citation="事迹",
    )


PAGES = {
    "catalogue:applications": ("list", lambda o: {}),
    "catalogue:apply": ("list", lambda o: {}),
    "catalogue:application": ("object", lambda o: {"pk": o.harbin_application.pk}),
    "catalogue:application_edit": ("object", lambda o: {"pk": o.harbin_waiting.pk}),
    "catalogue:application_submit": ("object", lambda o: {"pk": o.harbin_waiting.pk}),
    "catalogue:application_decide": ("object", lambda o: {"pk": o.harbin_waiting.pk}),
    "catalogue:plan": ("object", lambda o: {"pk": o.harbin_application.pk}),
    "catalogue:review": ("list", lambda o: {}),
    "catalogue:review_bulk": ("bulk", lambda o: {"objects": [o.harbin_waiting]}),
    "catalogue:catalogue": ("list", lambda o: {}),
    "catalogue:quotas": ("list", lambda o: {}),
    "catalogue:stage_reports": ("list", lambda o: {}),
    "catalogue:stage_due_add": ("object", lambda o: {"pk": o.harbin_application.pk}),
    "catalogue:stage_report": ("object", lambda o: {"pk": o.harbin_stage.pk}),
    "catalogue:stage_attachment": ("object", lambda o: {"pk": o.harbin_stage_attachment.pk}),
    "catalogue:commendations": ("list", lambda o: {}),
    "catalogue:commendations_bulk": ("bulk", lambda o: {"objects": [o.harbin_commendation]}),
    "catalogue:commendation_add": ("object", lambda o: {"pk": o.harbin_application.pk}),
    "catalogue:commendation_review": ("object", lambda o: {"pk": o.harbin_commendation.pk}),
}

API = {
    ("GET", "/api/catalogue/applications"): ("list", lambda o: {}),
    ("GET", "/api/catalogue/applications/{application_id}"): (
        "object",
        lambda o: {"application_id": o.harbin_application.pk},
    ),
    ("GET", "/api/catalogue/entries/{union_id}/{year}"): ("object", lambda o: {"union_id": o.harbin.pk, "year": 2026}),
}
