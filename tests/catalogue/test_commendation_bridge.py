"""年终表彰 → higher honours: a commended unit, team or person proposed for an honour cycle of its kind becomes
a nomination there when the union above approves the commendation, within an allocation covering the
nominee, its quota and the cycle's closing day; a labour competition's team is one of its own teams."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from gongjiang.awards import services as awards
from gongjiang.awards.models import HonourCycle, Nomination
from gongjiang.catalogue import services
from gongjiang.catalogue.models import Commendation
from gongjiang.core.models import AuditEntry
from gongjiang.labour.models import Team, Unit
from gongjiang.orgs.enums import RoleKind
from gongjiang.orgs.scope import Scope
from gongjiang.policy.models import Rule
from tests.catalogue.test_catalogue import _approved, draft
from tests.conftest import make_user

YEAR = timezone.localdate().year


def _cycle(org, code: str, *allocations) -> HonourCycle:
    prov = org.users.prov
    cycle = awards.open_cycle(actor=prov, scope=Scope(prov), rule=Rule.objects.get(code=code), year=YEAR)
    for union, quota in allocations:
        awards.allocate(actor=prov, scope=Scope(prov), cycle=cycle, union=union, quota=quota)
    return cycle


def _team(application, employer, name: str) -> Team:
    unit = Unit.objects.create(
        competition=application.competition,
        employer=employer,
        union=employer.union,
        region_code=employer.region_id,
        entered_by=application.created_by,
    )
    return Team.objects.create(unit=unit, name=name)


@pytest.fixture
def project(org, policy):
    """Harbin's approved labour competition with a team of the Harbin boiler works on the platform."""
    org.project = _approved(org)
    org.welders = _team(org.project, org.harbin_employer, "焊接突击队")
    org.pioneer = _cycle(org, "honour-worker-pioneer", (org.harbin, 1))
    return org


def _commend_team(org, **kw) -> Commendation:
    alice = org.users.alice
    return services.propose_commendation(
        actor=alice,
        scope=Scope(alice),
        application=org.project,
        subject="team",
        citation="班组攻克关键焊接工艺",
        **({"team": org.welders, "honour_cycle": org.pioneer} | kw),
    )


def _accept(org, commendation, user=None, verdict="accept") -> Commendation:
    user = user or org.users.prov
    return services.review_commendation(actor=user, scope=Scope(user), commendation=commendation, verdict=verdict)


def test_a_labour_competitions_team_is_one_of_its_teams(project):
    org = project
    with pytest.raises(services.CatalogueError, match="请从本劳动竞赛参赛单位的班组中选择"):
        _commend_team(org, team=None, employer=org.harbin_employer, team_name="手写的班组")
    other = _approved(org)  # another competition's team is not this one's
    with pytest.raises(services.CatalogueError, match="请选择本竞赛参赛单位的班组"):
        _commend_team(org, team=_team(other, org.harbin_employer, "别的班组"))
    c = _commend_team(org)
    assert (c.team, c.employer, c.team_name, c.label) == (
        org.welders,
        org.harbin_employer,
        "焊接突击队",
        f"焊接突击队（{org.harbin_employer.name}）",
    )


def test_a_project_without_teams_on_the_platform_names_its_team_by_hand(project):
    org = project
    alice = org.users.alice
    plain = _approved(org)
    c = services.propose_commendation(
        actor=alice,
        scope=Scope(alice),
        application=plain,
        subject="team",
        employer=org.harbin_employer,
        team_name="焊接一班",
        citation="好",
    )
    assert (c.team, c.team_name) == (None, "焊接一班")


def test_the_cycle_must_take_the_same_kind_of_subject(project):
    org = project
    with pytest.raises(services.CatalogueError, match="的授予对象是班组，不是单位"):
        services.propose_commendation(
            actor=org.users.alice,
            scope=Scope(org.users.alice),
            application=org.project,
            subject="unit",
            employer=org.harbin_employer,
            citation="好",
            honour_cycle=org.pioneer,
        )


def test_approving_the_team_nominates_it_in_the_pioneer_cycle(project, as_user):
    org = project
    c = _accept(org, _commend_team(org))
    n = c.nomination
    assert (c.state, n.cycle, n.subject, n.employer, n.team_name, n.allocation.union, n.union) == (
        "approved",
        org.pioneer,
        "team",
        org.harbin_employer,
        "焊接突击队",
        org.harbin,
        org.harbin_employer.union,
    )
    assert n.statement == "班组攻克关键焊接工艺" and n.nominated_by == org.users.prov
    assert AuditEntry.objects.filter(model="awards.nomination", object_id=str(n.pk), action="create").exists()
    page = as_user(org.users.alice).get(f"/awards/honours/{org.pioneer.pk}/").content.decode()
    assert f"焊接突击队（{org.harbin_employer.name}）" in page
    detail = as_user(org.users.alice).get(n.get_absolute_url()).content.decode()
    assert org.project.name in detail  # the nomination says which commendation proposed it


def test_a_unit_is_nominated_for_the_banner(project):
    org = project
    banner = _cycle(org, "honour-may-day-banner", (org.harbin, 2))
    c = services.propose_commendation(
        actor=org.users.alice,
        scope=Scope(org.users.alice),
        application=org.project,
        subject="unit",
        employer=org.harbin_employer,
        citation="质量安全零事故",
        honour_cycle=banner,
    )
    n = _accept(org, c).nomination
    assert (n.subject, n.employer, n.cycle) == ("unit", org.harbin_employer, banner)


def _refused_in_chinese(org, commendation, user=None) -> str:
    with translation.override("zh-hans"), pytest.raises(services.CatalogueError) as refused:
        _accept(org, commendation, user)
    commendation.refresh_from_db()
    assert (commendation.state, commendation.nomination) == ("proposed", None)  # nothing half-written
    return str(refused.value)


def test_a_full_quota_is_refused_and_nothing_is_approved(project):
    org = project
    alice = org.users.alice
    awards.nominate(
        actor=alice,
        scope=Scope(alice),
        allocation=org.pioneer.allocations.get(),
        employer=org.harbin_employer,
        team_name="另一个班组",
        statement="x",
    )
    message = _refused_in_chinese(org, _commend_team(org))
    assert message == (
        f"焊接突击队（{org.harbin_employer.name}）不能被推荐参加黑龙江省工人先锋号 {YEAR}：该工会的1个推荐名额已用完。"
    )
    assert Nomination.objects.count() == 1
    # the union above may still approve the commendation itself, leaving the honour aside
    c = _accept(org, Commendation.objects.get(), verdict="accept_only")
    assert (c.state, c.nomination, c.review_note) == (
        "approved",
        None,
        f"已批准，不推荐参加黑龙江省工人先锋号 {YEAR}。",
    )


def test_a_passed_closing_day_is_refused(project):
    org = project
    c = _commend_team(org)
    HonourCycle.objects.filter(pk=org.pioneer.pk).update(nominations_close_on=timezone.localdate() - dt.timedelta(1))
    message = _refused_in_chinese(org, c)
    assert "截止" in message and "焊接突击队" in message
    org.pioneer.refresh_from_db()
    with pytest.raises(services.CatalogueError, match="推荐已截止"):  # and no new proposal names the closed cycle
        _commend_team(org)


def test_out_of_the_reviewers_scope_is_refused(org, policy):
    """A Daoli project reviewed by Harbin: the only allocation covering the Harbin boiler works is the
    industrial union's, which Harbin does not nominate for."""
    daoli_admin = make_user("daoli", org.daoli, RoleKind.UNION_ADMIN)
    application = services.submit_application(
        actor=daoli_admin, scope=Scope(daoli_admin), application=draft(daoli_admin, org.daoli)
    )
    alice = org.users.alice
    application = services.decide_application(
        actor=alice, scope=Scope(alice), application=application, action="approve"
    )
    banner = _cycle(org, "honour-may-day-banner", (org.machinery, 1))
    c = services.propose_commendation(
        actor=daoli_admin,
        scope=Scope(daoli_admin),
        application=application,
        subject="unit",
        employer=org.harbin_employer,
        citation="好",
        honour_cycle=banner,
    )
    message = _refused_in_chinese(org, c, alice)
    assert message == f"只有{org.machinery.name}（或其上级工会）可以推荐参评黑龙江省五一劳动奖状 {YEAR}。"
    assert Nomination.objects.count() == 0


def test_no_allocation_for_the_nominee_is_refused(project):
    org = project
    pioneer = HonourCycle.objects.get(pk=org.pioneer.pk)
    pioneer.allocations.all().delete()
    message = _refused_in_chinese(org, _commend_team(org))
    assert message == f"黑龙江省工人先锋号 {YEAR}没有给焊接突击队（{org.harbin_employer.name}）所在工会分配名额。"


def test_the_commend_page_offers_the_competitions_teams(project, as_user):
    org = project
    client = as_user(org.users.alice)
    page = client.get(f"/projects/applications/{org.project.pk}/commend/")
    assert [t.pk for t in page.context["form"].fields["team"].queryset] == [org.welders.pk]
    assert "team_name" not in page.context["form"].fields
    response = client.post(
        f"/projects/applications/{org.project.pk}/commend/",
        {"subject": "team", "team": org.welders.pk, "citation": "攻坚", "honour_cycle": org.pioneer.pk},
    )
    assert response.status_code == 302
    assert Commendation.objects.get().team == org.welders
    # Qiqihar's admin cannot reach Harbin's commendation page
    assert as_user(org.users.bob).get(f"/projects/applications/{org.project.pk}/commend/").status_code in {403, 404}
