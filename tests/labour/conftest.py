"""Labour competitions for the tests: a provincial one (both cities may enter) and a Harbin one."""

import datetime as dt
from decimal import Decimal

import pytest

from gongjiang.competitions import services as comp
from gongjiang.competitions.enums import State
from gongjiang.competitions.models import Competition
from gongjiang.labour import services
from gongjiang.orgs.scope import Scope


def labour_competition(user, organiser, name: str, tier: str) -> Competition:
    competition = comp.create_competition(
        actor=user,
        scope=Scope(user),
        data=comp.CompetitionData(
            name=name,
            tier=tier,
            kind="labour",
            organiser=organiser,
            registration_closes_on=dt.date(2025, 12, 31),
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2026, 12, 31),
        ),
    )
    # Approved: moving a labour competition through 立项 and the catalogue is §1's part (the catalogue
    # app); here it is simply under way.
    Competition.objects.filter(pk=competition.pk).update(state=State.IN_PROGRESS)
    competition.refresh_from_db()
    return competition


def standard_scheme(user, competition) -> dict:
    scope = Scope(user)
    add = services.add_indicator
    D = services.IndicatorData
    return {
        "progress": add(
            actor=user,
            scope=scope,
            competition=competition,
            data=D("工程进度", "progress", Decimal(30), "measured", "linear", Decimal(100), "%"),
        ),
        "quality": add(
            actor=user, scope=scope, competition=competition, data=D("工程质量", "quality", Decimal(25), "judged")
        ),
        "safety": add(
            actor=user,
            scope=scope,
            competition=competition,
            data=D("安全生产", "safety", Decimal(25), "measured", "pass_fail", deduction=Decimal(20)),
        ),
        "innovation": add(
            actor=user,
            scope=scope,
            competition=competition,
            data=D("技术创新", "innovation", Decimal(20), "measured", "rank", unit_of_measure="项"),
        ),
    }


@pytest.fixture
def labour(org):
    """The province's highway competition with a Harbin unit (entered by the Harbin clerk) and a Qiqihar
    unit (by Bob); Harbin's own city competition with a Harbin section; an open first quarter in each."""
    prov, alice, bob, staff = org.users.prov, org.users.alice, org.users.bob, org.users.staff
    org.highway = labour_competition(prov, org.province, "哈尔滨至伊春高速公路建设劳动竞赛（演示）", "provincial_1")
    org.indicators = standard_scheme(prov, org.highway)
    org.harbin_unit = services.enter_unit(
        actor=staff, scope=Scope(staff), competition=org.highway, employer=org.harbin_employer, section="第一标段"
    )
    org.qiqihar_unit = services.enter_unit(
        actor=bob, scope=Scope(bob), competition=org.highway, employer=org.qiqihar_employer, section="第二标段"
    )
    org.q1 = services.open_round(
        actor=prov,
        scope=Scope(prov),
        competition=org.highway,
        data=services.RoundData("2026年第一季度", dt.date(2026, 1, 1), dt.date(2026, 3, 31), dt.date(2026, 4, 10)),
    )
    org.harbin_labour = labour_competition(alice, org.harbin, "哈尔滨地铁三号线建设劳动竞赛（演示）", "city")
    org.harbin_indicators = standard_scheme(alice, org.harbin_labour)
    org.harbin_labour_unit = services.enter_unit(
        actor=alice,
        scope=Scope(alice),
        competition=org.harbin_labour,
        employer=org.harbin_employer,
        section="三号线土建一标",
    )
    org.harbin_team = services.add_team(actor=alice, scope=Scope(alice), unit=org.harbin_labour_unit, name="盾构掘进班")
    services.add_member(actor=alice, scope=Scope(alice), team=org.harbin_team, worker=org.harbin_worker)
    org.harbin_round = services.open_round(
        actor=alice,
        scope=Scope(alice),
        competition=org.harbin_labour,
        data=services.RoundData("2026年第一季度", dt.date(2026, 1, 1), dt.date(2026, 3, 31), dt.date(2026, 4, 10)),
    )
    return org
