"""An honour cycle's nominations close on a day the province sets: the cycles page asks for it, the
cycle page shows and moves it, the city's to-do carries it, the API gives it, and a nomination after
it is refused with a clear message."""

import datetime as dt

import pytest
from django.utils import timezone

from gongjiang.api.models import ApiToken
from gongjiang.awards import services
from gongjiang.awards.models import HonourCycle
from gongjiang.core.models import AuditEntry
from gongjiang.orgs.scope import Scope
from gongjiang.policy.models import Rule
from tests.conftest import login


@pytest.fixture
def open_cycle(org, policy):
    prov = org.users.prov
    today = timezone.localdate()
    cycle = services.open_cycle(
        actor=prov,
        scope=Scope(prov),
        rule=Rule.objects.get(code="honour-master-craftsman"),
        year=today.year,
        nominations_close_on=today + dt.timedelta(days=5),
    )
    org.cycle = cycle
    org.allocation = services.allocate(actor=prov, scope=Scope(prov), cycle=cycle, union=org.harbin, quota=2)
    return org


def test_the_cycles_page_asks_for_the_closing_date(org, policy) -> None:
    prov = login(org.users.prov)
    rule = Rule.objects.get(code="honour-technical-expert")
    year = timezone.localdate().year
    page = prov.post("/awards/honours/", {"rule": rule.pk, "year": year}, follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "请按YYYY-MM-DD格式填写推荐截止日期" in page.content.decode()
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    page = prov.post(
        "/awards/honours/", {"rule": rule.pk, "year": year, "nominations_close_on": past}, follow=True
    ).content.decode()
    assert f"推荐截止日期{past}已过" in page
    assert not HonourCycle.objects.exists()  # nothing half made
    closes = timezone.localdate() + dt.timedelta(days=9)
    prov.post("/awards/honours/", {"rule": rule.pk, "year": year, "nominations_close_on": closes.isoformat()})
    cycle = HonourCycle.objects.get()
    assert cycle.nominations_close_on == closes
    created = AuditEntry.objects.get(model="awards.honourcycle", object_id=str(cycle.pk), action="create")
    assert closes.isoformat() in str(created.changes["nominations_close_on"])
    assert closes.isoformat() in prov.get("/awards/honours/").content.decode()
    assert f"推荐截止日期：{closes.isoformat()}" in prov.get(cycle.get_absolute_url()).content.decode()


def test_a_nomination_after_the_closing_day_is_refused(open_cycle) -> None:
    org = open_cycle
    alice = org.users.alice
    HonourCycle.objects.filter(pk=org.cycle.pk).update(nominations_close_on=timezone.localdate() - dt.timedelta(days=1))
    client = login(alice)
    response = client.post(
        f"/awards/honours/{org.cycle.pk}/nominate/",
        {"allocation": org.allocation.pk, "worker": org.harbin_worker.pk, "statement": "技术革新十项"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    closed = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    assert f"已于{closed}截止" in page
    assert not org.cycle.nominations.exists()
    # the province moves the day; the nomination then goes through
    prov = login(org.users.prov)
    later = timezone.localdate() + dt.timedelta(days=3)
    prov.post(f"/awards/honours/{org.cycle.pk}/deadline/", {"day": later.isoformat()})
    org.cycle.refresh_from_db()
    assert org.cycle.nominations_close_on == later
    services.nominate(
        actor=alice, scope=Scope(alice), allocation=org.allocation, worker=org.harbin_worker, statement="技术革新十项"
    )
    assert org.cycle.nominations.count() == 1


def test_only_the_province_moves_the_closing_day(open_cycle) -> None:
    org = open_cycle
    before = org.cycle.nominations_close_on
    response = login(org.users.alice).post(f"/awards/honours/{org.cycle.pk}/deadline/", {"day": "2099-01-01"})
    assert response.status_code == 403
    page = login(org.users.prov).post(f"/awards/honours/{org.cycle.pk}/deadline/", {"day": "soon"}, follow=True)
    assert "请按YYYY-MM-DD格式填写推荐截止日期" in page.content.decode()
    org.cycle.refresh_from_db()
    assert org.cycle.nominations_close_on == before


def test_the_city_todo_carries_the_closing_date_and_drops_a_closed_cycle(open_cycle) -> None:
    org = open_cycle
    city = login(org.users.alice)
    todos = {w.key: w for w in city.get("/").context["todos"]}
    assert todos["nominate"].deadline == org.cycle.nominations_close_on
    assert todos["nominate"].count == 1
    home = city.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    day = org.cycle.nominations_close_on
    assert f"{day.month:02d}月{day.day:02d}日截止" in home
    HonourCycle.objects.filter(pk=org.cycle.pk).update(nominations_close_on=timezone.localdate() - dt.timedelta(days=1))
    assert "nominate" not in {w.key for w in city.get("/").context["todos"]}


def test_the_api_gives_the_closing_date(open_cycle) -> None:
    from django.test import Client

    _token, raw = ApiToken.issue(user=open_cycle.users.alice, name="test")
    body = Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/cycles").json()
    assert [(c["id"], c["nominations_close_on"]) for c in body["items"]] == [
        (open_cycle.cycle.pk, open_cycle.cycle.nominations_close_on.isoformat())
    ]
