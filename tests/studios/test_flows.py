"""Edge cases of the studio flows through their pages: naming, closing, joining, targets, deadlines."""

import datetime as dt

import pytest

from gongjiang.orgs.enums import RoleKind
from gongjiang.orgs.scope import Scope
from gongjiang.studios import services
from gongjiang.studios.models import Membership, Problem, StudioReport, Target
from tests.conftest import make_user

from . import factories as f


@pytest.fixture
def alliance(org):
    alice = org.users.alice
    org.lead = make_user("lead", org.harbin_employer.union, RoleKind.STUDIO_LEAD)
    org.studio = f.studio(alice, org.harbin_employer, "锅炉焊接创新工作室", "锅炉焊接", lead_user=org.lead)
    org.second = f.studio(alice, org.harbin_employer, "管道安装创新工作室", "管道安装")
    org.alliance = services.create_alliance(
        actor=alice,
        scope=Scope(alice),
        data=services.AllianceData(
            name="哈尔滨锅炉制造联盟",
            level="city",
            lead_union=org.harbin,
            founded_on=dt.date(2025, 4, 1),
            founding_document="哈工发〔2025〕3号",
        ),
        studios=[org.studio],
    )
    return org


def test_naming_through_the_page_shows_what_is_missing(org, as_user):
    alice = org.users.alice
    studio = f.studio(alice, org.harbin_employer, "新申报工作室", "焊接", named=False, team=2)
    client = as_user(alice)
    response = client.post(f"/studios/{studio.pk}/decide/", {"decision": "name"}, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["工作室不能命名：有团队：现有2人，至少需要3人。"]
    studio.refresh_from_db()
    assert studio.state == "applied"
    response = client.post(f"/studios/{studio.pk}/decide/", {"decision": "reject", "note": "团队不足"}, follow=True)
    studio.refresh_from_db()
    assert (studio.state, studio.decision_note) == ("rejected", "团队不足")


def test_a_studio_applies_to_join_and_the_lead_union_admits_it(alliance, as_user):
    lead_b = make_user("lead_b", alliance.harbin_employer.union, RoleKind.STUDIO_LEAD)
    type(alliance.second.lead).objects.filter(pk=alliance.second.lead_id).update(user=lead_b)
    # the second studio's lead cannot see the alliance yet, so cannot apply
    response = as_user(lead_b).post(f"/studios/{alliance.second.pk}/join/", {"alliance": alliance.alliance.pk})
    assert response.status_code == 404
    # its union can: Harbin sees the alliance and manages the studio
    client = as_user(alliance.users.alice)
    client.post(f"/studios/{alliance.second.pk}/join/", {"alliance": alliance.alliance.pk})
    membership = Membership.objects.get(alliance=alliance.alliance, studio=alliance.second)
    assert membership.state == "applied"
    client.post(f"/studios/members/{membership.pk}/admit/")
    membership.refresh_from_db()
    assert membership.state == "active"
    client.post(f"/studios/members/{membership.pk}/delist/", {"reason": ""})
    membership.refresh_from_db()
    assert membership.state == "active"  # no reason, no delisting
    client.post(f"/studios/members/{membership.pk}/delist/", {"reason": "连续一年未参加联盟活动"})
    membership.refresh_from_db()
    assert (membership.state, membership.delisting_reason) == ("delisted", "连续一年未参加联盟活动")
    body = client.get(f"/studios/alliances/{alliance.alliance.pk}/").content.decode()
    assert "连续一年未参加联盟活动" in body  # former members stay on the page with their reason


def test_closing_a_studio_through_its_page(alliance, as_user):
    client = as_user(alliance.users.alice)
    client.post(f"/studios/{alliance.studio.pk}/close/", {"reason": "lead_retired"})
    alliance.studio.refresh_from_db()
    assert (alliance.studio.state, alliance.studio.closure_reason) == ("closed", "lead_retired")
    # a closed studio's lead can no longer change its profile
    response = as_user(alliance.lead).post(f"/studios/{alliance.studio.pk}/edit/", {"field": "x"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["已关闭的工作室不能修改。"]


def test_a_problem_past_its_deadline_takes_no_claims(alliance):
    alice = alliance.users.alice
    services.add_member(actor=alice, scope=Scope(alice), alliance=alliance.alliance, studio=alliance.second)
    problem = services.post_problem(
        actor=alice,
        scope=Scope(alice),
        alliance=alliance.alliance,
        studio=alliance.studio,
        data=services.ProblemData(
            title="难题", field="焊接", description="x", deadline=dt.date.today() + dt.timedelta(days=1)
        ),
    )
    Problem.objects.filter(pk=problem.pk).update(deadline=dt.date.today() - dt.timedelta(days=1))
    problem.refresh_from_db()
    with pytest.raises(services.StudiosError, match="已过截止日期"):
        services.claim_problem(actor=alice, scope=Scope(alice), problem=problem, studio=alliance.second, plan="x")


def test_a_self_report_is_locked_once_the_year_is_evaluated(alliance):
    alice, lead = alliance.users.alice, alliance.lead
    services.submit_report(actor=lead, scope=Scope(lead), studio=alliance.studio, year=2025, summary="初稿")
    services.submit_report(actor=lead, scope=Scope(lead), studio=alliance.studio, year=2025, summary="定稿")
    assert StudioReport.objects.get(studio=alliance.studio, year=2025).summary == "定稿"
    member = Membership.objects.get(alliance=alliance.alliance, studio=alliance.studio)
    scores = {c.pk: 90 for c in alliance.alliance.criteria.all()}
    services.evaluate_member(actor=alice, scope=Scope(alice), membership=member, year=2025, scores=scores)
    with pytest.raises(services.StudiosError, match="已评价"):
        services.submit_report(actor=lead, scope=Scope(lead), studio=alliance.studio, year=2025, summary="改稿")
    with pytest.raises(services.StudiosError):
        services.submit_report(actor=lead, scope=Scope(lead), studio=alliance.studio, year=2099, summary="x")


def test_the_targets_page_sets_yearly_targets_in_the_users_reach(org, as_user):
    from django.utils import timezone

    year = timezone.localdate().year  # this year's target, not met yet: open until the year is over
    bob_client = as_user(org.users.bob)
    response = bob_client.post(
        f"/studios/targets/?year={year}", {"year": str(year), "alliances": "2", "document": f"齐工发〔{year}〕1号"}
    )
    assert response.status_code == 302
    assert list(Target.objects.values_list("union__name", "year", "alliances")) == [("齐齐哈尔市总工会", year, 2)]
    response = bob_client.get(f"/studios/targets/?year={year}")
    assert response.context["summary"] == {"met": 0, "open": 1, "behind": 0}
    assert f"还差2个，期限{year}-12-31" in response.content.decode()
    staff = as_user(org.users.staff)  # sees targets of its subtree (none), may not set any
    assert staff.get("/studios/targets/").status_code == 200
    assert staff.post("/studios/targets/", {"year": "2026", "alliances": "1"}).status_code == 403


def test_the_list_finds_studios_whose_lead_is_gone(alliance, as_user):
    from gongjiang.people.models import Worker

    Worker.objects.filter(pk=alliance.second.lead_id).update(status="retired")
    client = as_user(alliance.users.alice)
    assert [s.pk for s in client.get("/studios/?attention=1").context["page"]] == [alliance.second.pk]
    assert "领衔人已离岗" in client.get("/studios/").content.decode()
