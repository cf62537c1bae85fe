"""立项 level by level, the entitled approver, quotas, the catalogue, stage reports and commendations."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile

from gongjiang.catalogue import services
from gongjiang.catalogue.models import Application, Commendation, Step
from gongjiang.competitions.models import Competition
from gongjiang.core.models import AuditEntry
from gongjiang.orgs.enums import RoleKind
from gongjiang.orgs.scope import Scope
from gongjiang.policy.models import PolicyDocument
from tests.conftest import make_user


def data(name="哈尔滨重点工程劳动竞赛", tier="city", start=dt.date(2026, 3, 1)):
    return services.ApplicationData(
        name=name,
        kind="labour",
        tier=tier,
        leading_body="哈尔滨市劳动竞赛委员会",
        indicators="进度 质量 安全",
        budget=Decimal("200000.50"),
        starts_on=start,
        ends_on=dt.date(start.year, 12, 1),
    )


def plan():
    return ContentFile("实施方案".encode(), name="实施方案.txt")


def draft(user, union, **kw):
    return services.save_application(actor=user, scope=Scope(user), applicant=union, data=data(**kw), plan=plan())


@pytest.fixture
def daoli_admin(org):
    return make_user("daoli", org.daoli, RoleKind.UNION_ADMIN)


def test_a_county_project_goes_up_level_by_level_to_the_province(org, daoli_admin):
    alice, prov = org.users.alice, org.users.prov
    a = draft(daoli_admin, org.daoli, tier="provincial_2")
    a = services.submit_application(actor=daoli_admin, scope=Scope(daoli_admin), application=a)
    assert (a.state, a.at, a.approver) == ("submitted", org.harbin, org.province)
    # the city is not entitled to approve a provincial project
    with pytest.raises(services.CatalogueError, match=r"无权批准|not entitled"):
        services.decide_application(actor=alice, scope=Scope(alice), application=a, action="approve")
    a = services.decide_application(actor=alice, scope=Scope(alice), application=a, action="recommend", note="同意")
    assert (a.state, a.at) == ("recommended", org.province)
    # the city can no longer act on it; the province approves
    with pytest.raises(PermissionDenied):
        services.decide_application(actor=alice, scope=Scope(alice), application=a, action="return", note="x")
    a = services.decide_application(actor=prov, scope=Scope(prov), application=a, action="approve")
    competition = Competition.objects.get(pk=a.competition_id)
    assert (a.state, a.at) == ("approved", None)
    assert (competition.state, competition.organiser, competition.tier, competition.kind) == (
        "draft",
        org.daoli,
        "provincial_2",
        "labour",
    )
    assert list(Step.objects.filter(application=a).values_list("union__name", "action")) == [
        (org.daoli.name, "submit"),
        (org.harbin.name, "recommend"),
        (org.province.name, "approve"),
    ]
    assert AuditEntry.objects.filter(model="catalogue.application", object_id=str(a.pk)).count() == 4


def test_a_city_project_is_approved_by_the_province_and_a_county_one_by_the_city(org, daoli_admin):
    assert services.approver_for(org.harbin, "city") == org.province
    assert services.approver_for(org.daoli, "city") == org.harbin
    assert services.applicable_tiers(org.harbin) == ["provincial_1", "provincial_2", "city", "enterprise"]
    # neither WorldSkills nor a national competition is applied for here
    with pytest.raises(services.CatalogueError):
        draft(org.users.alice, org.harbin, tier="national_1")
    with pytest.raises(services.CatalogueError):
        draft(org.users.alice, org.harbin, tier="world")


def test_the_tiers_a_union_may_apply_for_read_its_chain_only_in_a_few_queries(org, daoli_admin):
    """tiers.allowed_by_union reads the organising rights of the unions above the applicant (at most
    three), never every union; the chain and the rights are read once for every tier (issue 17)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gongjiang.catalogue.services.applications import chain_above
    from gongjiang.orgs.models import Union

    assert [u.pk for u in chain_above(org.daoli)] == [org.harbin.pk, org.province.pk]
    assert chain_above(org.province) == []
    daoli = Union.objects.get(pk=org.daoli.pk)  # no parent cached
    with CaptureQueriesContext(connection) as queries:
        tiers = services.applicable_tiers(daoli)
    assert tiers == ["provincial_1", "provincial_2", "city", "enterprise"]
    assert len(queries) <= 4
    assert not any('FROM "orgs_union"' in q["sql"] and "WHERE" not in q["sql"] for q in queries)


def test_return_needs_a_reason_and_a_returned_application_can_be_changed_and_sent_again(org):
    alice, prov = org.users.alice, org.users.prov
    a = services.submit_application(actor=alice, scope=Scope(alice), application=draft(alice, org.harbin))
    with pytest.raises(services.CatalogueError):
        services.decide_application(actor=prov, scope=Scope(prov), application=a, action="return", note=" ")
    a = services.decide_application(actor=prov, scope=Scope(prov), application=a, action="return", note="补充指标")
    assert (a.state, a.at) == ("returned", None)
    a = services.save_application(
        actor=alice, scope=Scope(alice), applicant=org.harbin, data=data(name="改后名称"), application=a
    )
    a = services.submit_application(actor=alice, scope=Scope(alice), application=a)
    assert (a.state, a.name) == ("submitted", "改后名称")


def test_over_quota_is_refused_naming_the_quota_and_its_document(org, policy):
    alice, prov = org.users.alice, org.users.prov
    doc = PolicyDocument.objects.get(doc_no="演示〔2023〕1号")
    services.set_quota(
        actor=prov, scope=Scope(prov), union=org.harbin, tier="city", year=2026, limit=1, document=doc, clause="第九条"
    )
    with pytest.raises(PermissionDenied):
        services.set_quota(
            actor=alice, scope=Scope(alice), union=org.harbin, tier="city", year=2026, limit=9, document=doc, clause=""
        )
    services.submit_application(actor=alice, scope=Scope(alice), application=draft(alice, org.harbin))
    second = draft(alice, org.harbin, name="第二个")
    with pytest.raises(services.CatalogueError) as refused:
        services.submit_application(actor=alice, scope=Scope(alice), application=second)
    assert "演示〔2023〕1号 第九条" in str(refused.value)
    assert "1" in str(refused.value)
    second.refresh_from_db()
    assert second.state == "draft"
    # another year is not counted against it
    other = draft(alice, org.harbin, name="明年", start=dt.date(2027, 3, 1))
    assert services.submit_application(actor=alice, scope=Scope(alice), application=other).state == "submitted"


def test_pages_scope_and_bulk_approve(org, as_user):
    alice, prov, bob = org.users.alice, org.users.prov, org.users.bob
    a = services.submit_application(actor=alice, scope=Scope(alice), application=draft(alice, org.harbin))
    b = services.submit_application(
        actor=alice, scope=Scope(alice), application=draft(alice, org.harbin, name="第二项")
    )
    assert as_user(bob).get(a.get_absolute_url()).status_code == 404
    assert "哈尔滨重点工程" not in as_user(bob).get("/projects/").content.decode()
    assert as_user(alice).get("/projects/review/").context["page"].paginator.count == 0
    province = as_user(prov)
    assert province.get("/projects/review/").context["page"].paginator.count == 2
    response = province.post("/projects/review/bulk/", {"ids": [a.pk, b.pk], "verdict": "accept", "note": ""})
    assert response.status_code == 200
    assert set(Application.objects.values_list("state", flat=True)) == {"approved"}
    body = as_user(alice).get(f"/projects/catalogue/?union={org.harbin.pk}&year=2026&fmt=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(body.streaming_content))).active
    assert sorted(row[1] for row in list(sheet.values)[1:]) == ["哈尔滨重点工程劳动竞赛", "第二项"]
    # Bob asking for Harbin's catalogue gets his own (empty) one
    response = as_user(bob).get(f"/projects/catalogue/?union={org.harbin.pk}&year=2026")
    assert response.context["union"] == org.qiqihar
    assert list(response.context["page"]) == []


def test_apply_page_creates_and_submits(org, as_user):
    client = as_user(org.users.alice)
    page = client.get("/projects/apply/")
    assert [v for v, _label in page.context["form"].fields["tier"].choices] == [
        "provincial_1",
        "provincial_2",
        "city",
        "enterprise",
    ]
    response = client.post(
        "/projects/apply/",
        {
            "applicant": org.harbin.pk,
            "name": "页面申报",
            "kind": "labour",
            "tier": "city",
            "leading_body": "市劳动竞赛委员会",
            "indicators": "进度",
            "budget": "1000",
            "starts_on": "2026-03-01",
            "ends_on": "2026-11-30",
            "plan": plan(),
            "submit": "1",
        },
    )
    a = Application.objects.get(name="页面申报")
    assert response.status_code == 302
    assert [str(m) for m in response.wsgi_request._messages] == [f"申报已报送{org.province.name}。"]
    assert (a.state, a.at, a.budget) == ("submitted", org.province, Decimal("1000.00"))
    download = client.get(f"/projects/applications/{a.pk}/plan/")
    assert b"".join(download.streaming_content) == "实施方案".encode()
    download.close()


def _approved(org):
    alice, prov = org.users.alice, org.users.prov
    a = services.submit_application(actor=alice, scope=Scope(alice), application=draft(alice, org.harbin))
    return services.decide_application(actor=prov, scope=Scope(prov), application=a, action="approve")


def test_a_missed_stage_report_shows_on_the_organisers_and_the_provinces_todos(org, as_user):
    alice, prov = org.users.alice, org.users.prov
    a = _approved(org)
    missed = services.set_stage_due(
        actor=alice, scope=Scope(alice), application=a, title="第一阶段", due_on=dt.date(2020, 1, 1)
    )
    for user in (alice, prov):
        response = as_user(user).get("/projects/stages/?todo=stage_missed")
        assert [r.pk for r in response.context["page"]] == [missed.pk]
    assert as_user(org.users.bob).get("/projects/stages/?todo=stage_missed").context["page"].paginator.count == 0
    services.submit_stage_report(
        actor=alice, scope=Scope(alice), report=missed, summary="总结", attachments=[ContentFile(b"x", name="a.txt")]
    )
    assert as_user(alice).get("/projects/stages/?todo=stage_missed").context["page"].paginator.count == 0


def test_commendations_are_reviewed_by_the_union_above(org, as_user):
    alice, prov = org.users.alice, org.users.prov
    a = _approved(org)
    unit = services.propose_commendation(
        actor=alice, scope=Scope(alice), application=a, subject="unit", employer=org.harbin_employer, citation="好"
    )
    team = services.propose_commendation(
        actor=alice,
        scope=Scope(alice),
        application=a,
        subject="team",
        employer=org.harbin_employer,
        team_name="焊接一班",
        citation="好",
    )
    with pytest.raises(services.CatalogueError):
        services.propose_commendation(
            actor=alice, scope=Scope(alice), application=a, subject="person", worker=org.qiqihar_worker, citation="x"
        )
    with pytest.raises(PermissionDenied):  # the organiser does not review its own
        services.review_commendation(actor=alice, scope=Scope(alice), commendation=unit, verdict="accept")
    response = as_user(prov).post(
        "/projects/commendations/bulk/", {"ids": [unit.pk, team.pk], "verdict": "reject", "note": "材料不全"}
    )
    assert response.status_code == 200
    assert set(Commendation.objects.values_list("state", "review_note")) == {("rejected", "材料不全")}


LISTS = ["/projects/", "/projects/review/", "/projects/stages/", "/projects/commendations/", "/projects/quotas/"]


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _one_more(org, n: int, policy_doc) -> None:
    alice, prov = org.users.alice, org.users.prov
    a = draft(alice, org.harbin, name=f"项目{n}")
    a = services.submit_application(actor=alice, scope=Scope(alice), application=a)
    services.submit_application(actor=alice, scope=Scope(alice), application=draft(alice, org.harbin, name=f"待审{n}"))
    a = services.decide_application(actor=prov, scope=Scope(prov), application=a, action="approve")
    services.set_stage_due(actor=alice, scope=Scope(alice), application=a, title="阶段", due_on=dt.date(2020, 1, 1))
    services.propose_commendation(
        actor=alice, scope=Scope(alice), application=a, subject="person", worker=org.harbin_worker, citation="好"
    )
    services.set_quota(
        actor=prov,
        scope=Scope(prov),
        union=org.harbin,
        tier="enterprise",
        year=2000 + n,
        limit=1,
        document=policy_doc,
        clause="",
    )


def test_lists_cost_the_same_for_one_row_as_for_three(org, policy, as_user):
    doc = PolicyDocument.objects.get(doc_no="演示〔2023〕1号")
    _one_more(org, 1, doc)
    client = as_user(org.users.prov)
    urls = [*LISTS, f"/projects/catalogue/?union={org.harbin.pk}&year=2026"]
    one = {url: _queries(client, url) for url in urls}
    _one_more(org, 2, doc)
    _one_more(org, 3, doc)
    assert {url: _queries(client, url) for url in urls} == one


def test_api_lists_applications_and_the_catalogue_in_scope(org):
    from django.test import Client

    from gongjiang.api.models import ApiToken

    a = _approved(org)
    _token, raw = ApiToken.issue(user=org.users.alice, name="t")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    response = client.get("/api/catalogue/applications?limit=1")
    listed = response.json()
    assert response.status_code == 200, listed
    assert (listed["count"], listed["items"][0]["id"], listed["items"][0]["state"]) == (1, a.pk, "approved")
    catalogue = client.get(f"/api/catalogue/entries/{org.harbin.pk}/2026").json()
    assert [i["competition_id"] for i in catalogue["items"]] == [a.competition_id]
    assert client.get(f"/api/catalogue/entries/{org.qiqihar.pk}/2026").status_code == 404
