"""Studios: application, the "六有" and the lead's honour checked at naming by the higher union,
closure and change of lead, and a lead who edits only their own studio."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from gongjiang.orgs.enums import RoleKind
from gongjiang.orgs.scope import Scope
from gongjiang.people.models import Worker
from gongjiang.studios import services
from gongjiang.studios.enums import MemberState, StudioState
from gongjiang.studios.models import LevelRequirement, Membership
from gongjiang.studios.queries import studios_for_user
from tests.conftest import make_user

from . import factories as f


def test_naming_needs_a_city_level_model_worker_or_craftsman(org):
    alice = org.users.alice
    lead = f.worker(alice, org.harbin_employer, "周振华")
    f.honour(lead, level=1, title="厂级劳动模范")  # enterprise level: not enough
    f.honour(lead, level=3, kind="technical_expert", title="龙江技术能手")  # high, but not a qualifying kind
    studio = f.studio(alice, org.harbin_employer, "周振华创新工作室", "锅炉焊接", lead=lead, named=False)
    with pytest.raises(services.StudiosError) as exc:
        services.decide_studio(actor=alice, scope=Scope(alice), studio=studio, approve=True)
    assert "领衔人" in str(exc.value) or "lead" in str(exc.value)
    f.honour(lead, level=2, kind="craftsman", title="哈尔滨工匠", year=2021)
    named = services.decide_studio(actor=alice, scope=Scope(alice), studio=studio, approve=True, on=dt.date(2026, 5, 1))
    assert (named.state, named.named_on, named.named_by) == (StudioState.NAMED, dt.date(2026, 5, 1), org.harbin)
    assert services.lead_check(named).detail == "2021 哈尔滨工匠（市级）"


def test_the_requirement_is_data(org):
    """Raising the city level's requirement to a provincial honour refuses the same lead."""
    alice = org.users.alice
    LevelRequirement.objects.filter(level="city").update(min_honour_level=3)
    studio = f.studio(alice, org.harbin_employer, "刘强创新工作室", "锅炉焊接", named=False)
    check = services.lead_check(studio)
    assert check.ok is False
    assert "省级" in check.detail


def test_every_item_of_the_six_is_checked(org):
    alice = org.users.alice
    studio = f.studio(alice, org.harbin_employer, "张工创新工作室", "锅炉焊接", named=False)
    studio.has_rules = False
    studio.save()
    studio.members.exclude(worker=studio.lead).delete()
    with pytest.raises(services.StudiosError) as exc:
        services.decide_studio(actor=alice, scope=Scope(alice), studio=studio, approve=True)
    message = str(exc.value)
    assert "团队" in message
    assert "制度" in message
    assert "场所" not in message


def test_a_provincial_studio_is_named_by_the_province_only(org):
    alice, prov, bob = org.users.alice, org.users.prov, org.users.bob
    studio = f.studio(alice, org.harbin_employer, "王工省级工作室", "锅炉焊接", level="provincial", named=False, team=5)
    with pytest.raises(services.StudiosError, match="上级工会"):
        services.decide_studio(actor=alice, scope=Scope(alice), studio=studio, approve=True)
    with pytest.raises(PermissionDenied):
        services.decide_studio(actor=bob, scope=Scope(bob), studio=studio, approve=True)
    assert services.decide_studio(actor=prov, scope=Scope(prov), studio=studio, approve=True).named_by == org.province


def test_a_national_studio_must_have_run_three_years(org):
    prov = org.users.prov
    lead = f.worker(prov, org.harbin_employer, "国家级领衔")
    f.honour(lead, level=4, title="全国劳动模范")
    studio = f.studio(
        prov, org.harbin_employer, "国家级示范工作室", "锅炉焊接", lead=lead, level="national", named=False, team=5
    )
    studio.founded_on = dt.date(2024, 6, 1)
    studio.save()
    with pytest.raises(services.StudiosError, match="3"):
        services.decide_studio(actor=prov, scope=Scope(prov), studio=studio, approve=True, on=dt.date(2026, 5, 1))
    studio.founded_on = dt.date(2023, 1, 1)
    studio.save()
    named = services.decide_studio(actor=prov, scope=Scope(prov), studio=studio, approve=True, on=dt.date(2026, 5, 1))
    assert named.state == StudioState.NAMED


def test_the_lead_is_checked_to_work_for_the_employer(org):
    alice = org.users.alice
    other = f.worker(alice, org.harbin_employer, "调走的人")
    with pytest.raises(services.StudiosError):
        services.apply_studio(
            actor=org.users.prov,
            scope=Scope(org.users.prov),
            data=services.StudioData(
                name="错配工作室",
                level="city",
                employer=org.qiqihar_employer,
                lead=other,
                field="焊接",
                founded_on=dt.date(2020, 1, 1),
            ),
        )


def test_a_lead_edits_their_own_studio_and_no_other(org):
    alice = org.users.alice
    lead_user = make_user("lead", org.harbin_employer.union, RoleKind.STUDIO_LEAD)
    own = f.studio(alice, org.harbin_employer, "李工创新工作室", "锅炉焊接", lead_user=lead_user)
    other = f.studio(alice, org.harbin_employer, "赵工创新工作室", "管道安装")
    scope = Scope(lead_user)
    services.update_profile(
        actor=lead_user,
        scope=scope,
        studio=own,
        field="锅炉受压件焊接",
        description="",
        occupations=[],
        has_place_and_funds=True,
        has_rules=True,
    )
    own.refresh_from_db()
    assert own.field == "锅炉受压件焊接"
    with pytest.raises(PermissionDenied):
        services.update_profile(
            actor=lead_user,
            scope=scope,
            studio=other,
            field="x",
            description="",
            occupations=[],
            has_place_and_funds=True,
            has_rules=True,
        )
    with pytest.raises(PermissionDenied):
        services.submit_report(actor=lead_user, scope=scope, studio=other, year=2025, summary="x")
    with pytest.raises(PermissionDenied):
        services.add_project(actor=lead_user, scope=scope, studio=other, title="x", started_on=dt.date(2025, 1, 1))
    report = services.submit_report(
        actor=lead_user, scope=scope, studio=own, year=2025, summary="完成三项攻关", people_trained=12
    )
    assert (report.year, report.people_trained) == (2025, 12)
    assert list(studios_for_user(scope)) == [own]
    with pytest.raises(PermissionDenied):  # naming, closing and the lead are the union's
        services.close_studio(actor=lead_user, scope=scope, studio=own, reason="other")


def test_closing_a_studio_delists_it_everywhere_and_keeps_history(org):
    alice = org.users.alice
    studio = f.studio(alice, org.harbin_employer, "孙工创新工作室", "锅炉焊接")
    alliance = services.create_alliance(
        actor=alice,
        scope=Scope(alice),
        data=services.AllianceData(
            name="哈尔滨焊接联盟",
            level="city",
            lead_union=org.harbin,
            founded_on=dt.date(2025, 4, 1),
            founding_document="哈工发〔2025〕3号",
        ),
        studios=[studio],
    )
    services.close_studio(
        actor=alice, scope=Scope(alice), studio=studio, reason="employer_closed", on=dt.date(2026, 1, 5)
    )
    membership = Membership.objects.get(alliance=alliance, studio=studio)
    assert (membership.state, membership.delisted_on) == (MemberState.DELISTED, dt.date(2026, 1, 5))
    assert membership.delisting_reason == "工作室撤销：用人单位关闭"
    with pytest.raises(services.StudiosError):
        services.close_studio(actor=alice, scope=Scope(alice), studio=studio, reason="other")


def test_change_of_lead_when_the_lead_retires(org):
    alice = org.users.alice
    studio = f.studio(alice, org.harbin_employer, "钱工创新工作室", "锅炉焊接")
    Worker.objects.filter(pk=studio.lead_id).update(status="retired")
    studio.refresh_from_db()
    assert services.lead_check(studio).ok is False
    successor = f.worker(alice, org.harbin_employer, "接班人")
    with pytest.raises(services.StudiosError):  # a named studio's new lead must hold the honour
        services.change_lead(actor=alice, scope=Scope(alice), studio=studio, lead=successor)
    f.honour(successor, kind="craftsman", title="哈尔滨工匠")
    services.change_lead(actor=alice, scope=Scope(alice), studio=studio, lead=successor)
    studio.refresh_from_db()
    assert studio.lead == successor
    assert studio.members.filter(worker=successor).exists()
