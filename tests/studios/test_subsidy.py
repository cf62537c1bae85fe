"""A provincial alliance's one-time subsidy goes through the ledger: the rule decides and cites."""

import datetime as dt
from decimal import Decimal

import pytest

from gongjiang.awards.models import LedgerLine
from gongjiang.orgs.scope import Scope
from gongjiang.studios import services


@pytest.fixture
def rules(db):
    from gongjiang.policy import seed

    seed.load()


def _alliance(user, union, level, name):
    return services.create_alliance(
        actor=user,
        scope=Scope(user),
        data=services.AllianceData(
            name=name,
            level=level,
            lead_union=union,
            founded_on=dt.date(2025, 6, 1),
            founding_document="黑工发〔2025〕9号",
        ),
    )


def test_forming_a_provincial_alliance_proposes_its_subsidy(org, rules, as_user):
    prov = org.users.prov
    alliance = _alliance(prov, org.province, "provincial", "省装备制造创新工作室联盟")
    line = LedgerLine.objects.get(source=f"alliance:{alliance.pk}")
    assert (line.amount, line.state, line.union, line.proposed_by) == (
        Decimal("50000.00"),
        "proposed",
        org.province,
        prov,
    )
    assert "演示〔2022〕7号" in line.reason
    assert "第八条" in line.reason
    assert "省装备制造创新工作室联盟" in line.reason
    # asking again returns the same line: no path pays twice
    assert services.propose_subsidy(actor=prov, scope=Scope(prov), alliance=alliance) == line
    body = as_user(prov).get(f"/studios/alliances/{alliance.pk}/").content.decode()
    assert "50,000.00" in body
    assert line.reason in body


def test_a_city_alliance_gets_no_subsidy(org, rules):
    alice = org.users.alice
    alliance = _alliance(alice, org.harbin, "city", "哈尔滨焊接联盟")
    assert not LedgerLine.objects.filter(source=f"alliance:{alliance.pk}").exists()
    from django.test import Client

    from gongjiang.api.models import ApiToken

    _token, raw = ApiToken.issue(user=alice, name="t")
    body = Client(headers={"Authorization": f"Bearer {raw}"}).get(f"/api/alliances/{alliance.pk}").json()
    assert (body["name"], body["subsidy_line_id"], body["subsidy_amount"]) == ("哈尔滨焊接联盟", None, None)


def test_without_a_rule_in_force_there_is_no_line(org):
    prov = org.users.prov
    alliance = _alliance(prov, org.province, "provincial", "省联盟")
    assert not LedgerLine.objects.filter(source=f"alliance:{alliance.pk}").exists()


def test_the_api_shows_the_alliance_subsidy_and_totals(org, rules):
    from django.test import Client

    from gongjiang.api.models import ApiToken

    prov = org.users.prov
    alliance = _alliance(prov, org.province, "provincial", "省装备制造创新工作室联盟")
    _token, raw = ApiToken.issue(user=prov, name="t")
    body = Client(headers={"Authorization": f"Bearer {raw}"}).get(f"/api/alliances/{alliance.pk}").json()
    line = LedgerLine.objects.get(source=f"alliance:{alliance.pk}")
    assert (body["subsidy_line_id"], body["subsidy_amount"], body["subsidy_state"]) == (line.pk, "50000.00", "proposed")
    assert (body["project_count"], body["total_economic_value"]) == (
        0,
        "0.00",
    )  # money in two decimals, read from confirmed innovations


def test_the_alliance_page_links_its_ledger_line(org, rules, as_user):
    prov = org.users.prov
    alliance = _alliance(prov, org.province, "provincial", "省装备制造创新工作室联盟")
    line = LedgerLine.objects.get(source=f"alliance:{alliance.pk}")
    body = as_user(prov).get(f"/studios/alliances/{alliance.pk}/").content.decode()
    assert f'href="/awards/ledger/{line.pk}/"' in body
    assert as_user(prov).get(f"/awards/ledger/{line.pk}/").status_code == 200
