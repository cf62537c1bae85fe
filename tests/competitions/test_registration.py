"""An enterprise clerk enters several of its own workers at once from the event's page, sees the
ineligible ones with every reason first, and the batch-import page names the event."""

import datetime as dt

import pytest

from gongjiang.competitions import registration
from gongjiang.competitions.models import Entry
from gongjiang.core.fakeids import make_id_number
from gongjiang.orgs.scope import Scope
from gongjiang.people import services as people_services


def add_worker(org, n, *, occupation=None, status="employed", born=dt.date(1990, 1, 1), employer=None):
    prov = org.users.prov
    return people_services.create_worker(
        actor=prov,
        scope=Scope(prov),
        data=people_services.WorkerData(
            name=f"工人{n}",
            id_number=make_id_number("230102", born, 40 + n, male=True),
            employer=employer or org.harbin_employer,
            occupations=(occupation or org.lathe,),
            status=status,
        ),
    )


@pytest.fixture
def staffed(contest):
    contest.ready = [add_worker(contest, 1), add_worker(contest, 2)]
    contest.retired = add_worker(contest, 3, status="retired", born=dt.date(1960, 2, 2))
    contest.welder_worker = add_worker(contest, 4, occupation=contest.welder)
    event = contest.province_event
    event.max_age = 60
    event.save()
    return contest


def test_candidates_list_eligible_and_every_reason_for_the_others(staffed, as_user):
    client = as_user(staffed.users.staff)
    page = client.get(f"/competitions/events/{staffed.province_event.pk}/candidates/")
    assert {c.worker.name for c in page.context["eligible"]} == {"工人1", "工人2"}
    (refused,) = page.context["refused"]
    assert refused.worker.name == "工人3"
    assert refused.reasons == [
        "本赛项仅限在职职工报名。",
        "该职工比赛开始时66岁，本赛项要求不超过60岁。",
    ]
    body = page.content.decode()
    assert "本赛项仅限在职职工报名。" in body and "该职工比赛开始时66岁" in body
    # the welder appears only when asked for workers of every trade; the entered worker never
    everyone = client.get(f"/competitions/events/{staffed.province_event.pk}/candidates/?all=1")
    names = {c.worker.name for c in everyone.context["eligible"] + everyone.context["refused"]}
    assert names == {"工人1", "工人2", "工人3", "工人4"}


def test_tick_two_and_enter_them_at_once_one_refusal_does_not_stop_the_rest(staffed, as_user):
    client = as_user(staffed.users.staff)
    event = staffed.province_event
    ids = [w.pk for w in staffed.ready] + [staffed.retired.pk, staffed.qiqihar_worker.pk]
    response = client.post(f"/competitions/events/{event.pk}/register/", {"workers": ids}, follow=True)
    entered = set(Entry.objects.filter(event=event, state="registered").values_list("worker__name", flat=True))
    assert entered == {"王铁军", "李秀梅", "工人1", "工人2"}
    texts = [str(m) for m in response.context["messages"]]
    assert texts[0] == "2人报名成功，2人未通过。"
    assert "工人1已报名。" in texts and "工人2已报名。" in texts
    assert any(t.startswith("工人3不能报名：本赛项仅限在职职工报名。") for t in texts)
    # Qiqihar's worker is not the clerk's: refused, never entered again or named
    assert f"职工{staffed.qiqihar_worker.pk}不能报名：" + "您无权进行此操作。" in texts


def test_candidates_cost_the_same_queries_for_one_or_three_workers(staffed, as_user, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(staffed.users.staff)
    url = f"/competitions/events/{staffed.province_event.pk}/candidates/?all=1"

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    add_worker(staffed, 5)
    add_worker(staffed, 6, status="retired")
    assert count() == before


def test_only_own_workers_are_listed_and_entered(staffed):
    scope = Scope(staffed.users.staff)
    assert set(registration.own_workers(scope).values_list("employer_id", flat=True)) == {staffed.harbin_employer.pk}


def test_import_page_names_the_event_and_links_back(staffed, as_user):
    client = as_user(staffed.users.staff)
    event = staffed.province_event
    body = client.get(f"/imports/entries/?event={event.pk}").content.decode()
    assert f'href="/competitions/events/{event.pk}/"' in body
    assert "黑龙江省职工职业技能大赛 · 数控车工" in body
    # an event the user may not see is not named
    other = as_user(staffed.users.charlie).get(f"/imports/entries/?event={event.pk}")
    assert "黑龙江省职工职业技能大赛" not in other.content.decode()
