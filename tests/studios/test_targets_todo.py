"""A city or industrial union whose alliance target for this year is not yet met is told so on its
home page, with the end of the year as the deadline, and the to-do opens exactly that target."""

import datetime as dt
import re

from django.utils import timezone

from gongjiang.orgs.scope import Scope
from gongjiang.studios import services
from tests.conftest import login

TOTAL = re.compile(r'id="result-count">\s*共?(?P<n>[\d,]+)')


def waiting(client) -> dict:  # type: ignore[no-untyped-def,type-arg]
    return {w.key: w for w in client.get("/").context["todos"]}


def test_a_city_behind_its_alliance_target_is_told_until_it_forms_one(org) -> None:
    prov, alice = org.users.prov, org.users.alice
    year = timezone.localdate().year
    services.set_target(actor=prov, scope=Scope(prov), union=org.harbin, year=year, alliances=1)
    services.set_target(actor=prov, scope=Scope(prov), union=org.qiqihar, year=year, alliances=1)
    services.set_target(actor=prov, scope=Scope(prov), union=org.harbin, year=year - 1, alliances=3)  # past
    services.set_target(actor=alice, scope=Scope(alice), union=org.daoli, year=year, alliances=1)  # a county's
    city = login(alice)
    behind = waiting(city)["targets_behind"]
    assert behind.count == 1  # Harbin's own target; Qiqihar's is not Harbin's work
    assert behind.deadline == dt.date(year, 12, 31)
    page = city.get(behind.href, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert int(TOTAL.search(page)["n"]) == 1
    assert "哈尔滨市总工会" in page and "道里区" not in page
    assert "道里区" in city.get("/studios/targets/").content.decode()  # the whole page, un-narrowed
    # the province sees its own cumulative goal on the targets page, and is not handed the cities' work
    assert "targets_behind" not in waiting(login(prov))

    services.create_alliance(
        actor=alice,
        scope=Scope(alice),
        data=services.AllianceData(
            name="哈尔滨市装备制造创新工作室联盟",
            level="city",
            lead_union=org.harbin,
            founded_on=timezone.localdate(),
            founding_document="哈工发〔2026〕1号",
        ),
    )
    assert "targets_behind" not in waiting(city)
