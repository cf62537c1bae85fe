"""An alliance's yearly activity funds: a city's own programme and budget, paid through the same ledger."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from gongjiang.awards import services as awards
from gongjiang.awards.models import LedgerLine
from gongjiang.awards.queries import lines_for
from gongjiang.orgs.enums import RoleKind
from gongjiang.orgs.scope import Scope
from gongjiang.studios import services
from tests.conftest import make_user


@pytest.fixture
def funded(org):
    alice = org.users.alice
    org.alliance = services.create_alliance(
        actor=alice,
        scope=Scope(alice),
        data=services.AllianceData(
            name="哈尔滨焊接创新工作室联盟",
            level="city",
            lead_union=org.harbin,
            founded_on=dt.date(2026, 3, 1),
            founding_document="哈工发〔2026〕3号",
        ),
    )
    org.programme = awards.create_programme(
        actor=alice, scope=Scope(alice), owner=org.harbin, name="哈尔滨市联盟活动经费"
    )
    awards.set_budget(actor=alice, scope=Scope(alice), programme=org.programme, year=2026, amount=Decimal("50000"))
    org.alice2 = make_user("alice2", org.harbin, RoleKind.UNION_ADMIN)
    return org


def test_the_lead_union_proposes_a_year_of_funds_and_two_people_move_them(funded, as_user):
    c, alice = funded, funded.users.alice
    response = as_user(alice).post(
        f"/studios/alliances/{c.alliance.pk}/funds/",
        {"programme": c.programme.pk, "year": 2026, "amount": "30000", "purpose": "全年交流活动"},
    )
    assert response.status_code == 302
    line = LedgerLine.objects.get(source=f"alliance-activity:{c.alliance.pk}:2026")
    assert (line.amount, line.state, line.programme, line.proposed_by) == (
        Decimal("30000.00"),
        "proposed",
        c.programme,
        alice,
    )
    assert "全年交流活动" in line.reason and "哈尔滨焊接创新工作室联盟" in line.reason
    page = as_user(alice).get(f"/studios/alliances/{c.alliance.pk}/").content.decode()
    assert "30,000.00" in page and "哈尔滨市联盟活动经费" in page
    with pytest.raises(services.StudiosError):  # one line per alliance and year
        services.propose_activity_funds(
            actor=alice,
            scope=Scope(alice),
            alliance=c.alliance,
            programme=c.programme,
            year=2026,
            amount=Decimal(1),
            purpose="再来",
        )
    with pytest.raises(awards.AwardError):  # the proposer does not approve
        awards.approve_line(actor=alice, scope=Scope(alice), line=line)
    awards.approve_line(actor=c.alice2, scope=Scope(c.alice2), line=line)
    awards.pay_line(actor=alice, scope=Scope(alice), line=line, payment_ref="HRB-2026-001")
    line.refresh_from_db()
    assert line.state == "paid"
    assert awards.committed(c.programme.pk, 2026) == Decimal("30000.00")


def test_the_city_budget_limits_and_other_cities_stay_out(funded):
    c, alice, bob = funded, funded.users.alice, funded.users.bob
    line = services.propose_activity_funds(
        actor=alice,
        scope=Scope(alice),
        alliance=c.alliance,
        programme=c.programme,
        year=2026,
        amount=Decimal("60000"),
        purpose="超预算",
    )
    with pytest.raises(awards.AwardError, match="50000"):
        awards.approve_line(actor=c.alice2, scope=Scope(c.alice2), line=line)
    assert list(lines_for(Scope(bob))) == []
    assert list(lines_for(Scope(c.users.prov))) == [line]  # the province sees its cities' programmes
    with pytest.raises(PermissionDenied):
        awards.approve_line(actor=bob, scope=Scope(bob), line=line)
    with pytest.raises(PermissionDenied):
        awards.create_programme(actor=bob, scope=Scope(bob), owner=c.harbin, name="越权")
    with pytest.raises(PermissionDenied):
        services.propose_activity_funds(
            actor=bob,
            scope=Scope(bob),
            alliance=c.alliance,
            programme=c.programme,
            year=2027,
            amount=Decimal(1),
            purpose="x",
        )
    # a city's programme cannot pay outside the city
    with pytest.raises(awards.AwardError, match="本系统内"):
        awards.propose_payment(
            actor=alice,
            scope=Scope(alice),
            programme=c.programme,
            year=2026,
            union=c.qiqihar,
            payee="x",
            amount=Decimal(1),
            reason="x",
            source="t:1",
        )


def test_a_union_keeps_its_own_programmes_on_the_budgets_page(funded, as_user):
    c = funded
    page = as_user(c.users.alice).get("/awards/budgets/")
    assert page.status_code == 200
    assert [r["budget"].programme for r in page.context["rows"]] == [c.programme]
    assert as_user(c.users.bob).get("/awards/budgets/").context["rows"] == []
    as_user(c.users.bob).post("/awards/budgets/", {"action": "programme", "owner": c.harbin.pk, "name": "越权"})
    assert not c.programme.__class__.objects.filter(name="越权").exists()
