"""Alliances are named (命名) like studios: an alliance its lead union proposes waits for the union
entitled to name its level; that union names it on the alliance's page or several at once on the
list, each with its audit entry; the province's to-do counts exactly the alliances it may name."""

import datetime as dt
import re

from django.utils import timezone

from gongjiang.awards.models import LedgerLine
from gongjiang.core.models import AuditEntry
from gongjiang.orgs.scope import Scope
from gongjiang.studios import services
from gongjiang.studios.enums import AllianceState
from gongjiang.studios.queries import target_rows
from tests.conftest import login

TOTAL = re.compile(r'id="result-count">\s*共?(?P<n>[\d,]+)')


def form(user, union, name: str, level: str = "provincial"):  # type: ignore[no-untyped-def]
    return services.create_alliance(
        actor=user,
        scope=Scope(user),
        data=services.AllianceData(
            name=name,
            level=level,
            lead_union=union,
            founded_on=timezone.localdate() - dt.timedelta(days=3),
            founding_document="工发〔2026〕1号",
        ),
    )


def waiting(client) -> dict:  # type: ignore[no-untyped-def,type-arg]
    return {w.key: w for w in client.get("/").context["todos"]}


def test_a_city_proposes_a_provincial_alliance_and_the_province_names_it(org, policy) -> None:
    alice, prov = org.users.alice, org.users.prov
    alliance = form(alice, org.harbin, "哈尔滨市焊接技术省级联盟")
    assert alliance.state == AllianceState.PROPOSED
    assert not LedgerLine.objects.filter(source=f"alliance:{alliance.pk}").exists()  # no subsidy before naming
    city_alliance = form(alice, org.harbin, "哈尔滨市焊接技术联盟", level="city")
    assert city_alliance.state == AllianceState.NAMED  # a city names its own city-level alliances

    province = login(prov)
    todo = waiting(province)["name_alliances"]
    assert todo.count == 1
    page = province.get(todo.href, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert int(TOTAL.search(page)["n"]) == 1 and "哈尔滨市焊接技术省级联盟" in page
    assert "name_alliances" not in waiting(login(alice))  # not Harbin's to name

    # Harbin cannot name its own provincial alliance; Qiqihar cannot even see the button's target
    city = login(alice)
    refused = city.post(f"/studios/alliances/{alliance.pk}/decide/", {"decision": "name"}, follow=True)
    assert "该级别联盟须由上级工会命名" in refused.content.decode()
    assert login(org.users.bob).post(f"/studios/alliances/{alliance.pk}/decide/", {"decision": "name"}).status_code in {
        403,
        404,
    }
    alliance.refresh_from_db()
    assert alliance.state == AllianceState.PROPOSED

    detail = province.get(alliance.get_absolute_url()).content.decode()
    assert 'id="alliance-naming"' in detail
    province.post(f"/studios/alliances/{alliance.pk}/decide/", {"decision": "name", "note": "符合省级联盟条件"})
    alliance.refresh_from_db()
    assert (alliance.state, alliance.named_by, alliance.named_on) == (
        AllianceState.NAMED,
        org.province,
        timezone.localdate(),
    )
    entry = AuditEntry.objects.filter(model="studios.alliance", object_id=str(alliance.pk)).first()
    assert entry.note == "符合省级联盟条件" and "state" in entry.changes
    assert "name_alliances" not in waiting(province)


def test_declining_needs_a_reason(org) -> None:
    alliance = form(org.users.alice, org.harbin, "哈尔滨市焊接技术省级联盟")
    province = login(org.users.prov)
    page = province.post(f"/studios/alliances/{alliance.pk}/decide/", {"decision": "reject"}, follow=True)
    assert "请填写不予命名的理由" in page.content.decode()
    alliance.refresh_from_db()
    assert alliance.state == AllianceState.PROPOSED
    province.post(f"/studios/alliances/{alliance.pk}/decide/", {"decision": "reject", "note": "成员不足"})
    alliance.refresh_from_db()
    assert (alliance.state, alliance.decision_note) == (AllianceState.REJECTED, "成员不足")


def test_the_province_names_several_alliances_in_one_go(org) -> None:
    a = form(org.users.alice, org.harbin, "哈尔滨市焊接技术省级联盟")
    b = form(org.users.bob, org.qiqihar, "齐齐哈尔重装省级联盟")
    c = form(org.users.alice, org.harbin, "哈尔滨市机床省级联盟")
    services.decide_alliance(actor=org.users.prov, scope=Scope(org.users.prov), alliance=c, approve=False, note="x")
    province = login(org.users.prov)
    page = province.post(
        "/studios/alliances/decide/",
        {"ids": [a.pk, b.pk, c.pk], "verdict": "accept", "note": ""},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    ).content.decode()
    for alliance in (a, b, c):
        alliance.refresh_from_db()
    assert [a.state, b.state, c.state] == [AllianceState.NAMED, AllianceState.NAMED, AllianceState.REJECTED]
    assert "该联盟已作出命名决定" in page  # the one decided before is reported, the rest went through
    assert AuditEntry.objects.filter(model="studios.alliance", object_id__in=[str(a.pk), str(b.pk)]).count() >= 4


def test_a_proposed_alliance_counts_toward_no_target_until_named(org) -> None:
    prov = org.users.prov
    year = timezone.localdate().year
    services.set_target(actor=prov, scope=Scope(prov), union=org.harbin, year=year, alliances=1)
    alliance = form(org.users.alice, org.harbin, "哈尔滨市焊接技术省级联盟")

    def harbin_row():  # type: ignore[no-untyped-def]
        return next(r for r in target_rows(Scope(prov), year) if r.target.union_id == org.harbin.pk)

    assert harbin_row().achieved == 0
    assert "targets_behind" in waiting(login(org.users.alice))
    services.decide_alliance(actor=prov, scope=Scope(prov), alliance=alliance, approve=True)
    assert harbin_row().achieved == 1
    assert "targets_behind" not in waiting(login(org.users.alice))


def test_the_next_page_of_alliances_to_name_keeps_the_todo(org) -> None:
    from gongjiang.studios.models import Alliance

    Alliance.objects.bulk_create(
        Alliance(
            name=f"哈尔滨市省级联盟{n:02d}",
            level="provincial",
            lead_union=org.harbin,
            region_code=org.harbin.region_id,
            founded_on=dt.date(2026, 1, 1) + dt.timedelta(days=n),
            founding_document="哈工发〔2026〕1号",
            state=AllianceState.PROPOSED,
        )
        for n in range(55)
    )
    province = login(org.users.prov)
    todo = waiting(province)["name_alliances"]
    assert todo.count == 55
    first = province.get(todo.href, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert int(TOTAL.search(first)["n"]) == 55
    nxt = re.search(r'<a class="page-link" href="([^"]+)">下一页</a>', first)[1].replace("&amp;", "&")
    assert "todo=name_alliances" in nxt and "state=proposed" in nxt and "page=2" in nxt
    second = province.get("/studios/alliances/" + nxt, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert second.count('name="ids"') == 5
