"""An enterprise clerk's to-do "competitions open to your workers" says how many of its workers may
enter, decided by the registration page's own rules, for a fixed number of queries."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongjiang.competitions import registration
from gongjiang.competitions.models import Competition, Event
from gongjiang.core.fakeids import make_id_number
from gongjiang.orgs.scope import Scope
from gongjiang.people import services as people_services
from tests.conftest import login


def open_until_next_week(org) -> None:  # type: ignore[no-untyped-def]
    """The fixture's competitions closed in May; move them to close next week, as a clerk meets them."""
    today = timezone.localdate()
    Competition.objects.filter(pk__in=[org.province_comp.pk, org.harbin_comp.pk]).update(
        registration_closes_on=today + dt.timedelta(days=7),
        starts_on=today + dt.timedelta(days=20),
        ends_on=today + dt.timedelta(days=22),
    )


def hire(org, n: int, *, status: str = "employed"):  # type: ignore[no-untyped-def]
    born = dt.date(1962, 4, 1) if status == "retired" else dt.date(1990, 1, 1)
    return people_services.create_worker(
        actor=org.users.prov,
        scope=Scope(org.users.prov),
        data=people_services.WorkerData(
            name=f"职工{n}",
            id_number=make_id_number("230102", born, 200 + n, male=n % 2 == 0),
            employer=org.harbin_employer,
            occupations=(org.lathe,),
            status=status,
        ),
    )


def note(client) -> str:  # type: ignore[no-untyped-def]
    todos = {w.key: w for w in client.get("/").context["todos"]}
    return todos["enter"].note


def test_the_clerk_is_told_how_many_of_its_workers_may_enter(contest) -> None:
    open_until_next_week(contest)
    clerk = login(contest.users.staff)
    # 王铁军 is entered in both events already: nobody else of the employer, nobody eligible
    assert note(clerk) == "0名职工可报名"
    hire(contest, 1)
    hire(contest, 2)
    hire(contest, 3, status="retired")  # the events are for workers still employed
    assert note(clerk) == "2名职工可报名"
    home = clerk.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "2名职工可报名" in home


def test_the_count_is_the_registration_pages_eligible_ones(contest) -> None:
    open_until_next_week(contest)
    workers = [hire(contest, n) for n in range(1, 4)] + [hire(contest, 9, status="retired")]
    scope = Scope(contest.users.staff)
    found = registration.eligible_workers(scope, Event.objects.filter(competition=contest.province_comp))
    event = Event.objects.select_related("competition", "occupation").get(pk=contest.province_event.pk)
    listed = registration.candidates(event, [*workers, contest.harbin_worker])
    assert sum(c.eligible for c in listed) == 3
    assert found[contest.province_comp.pk] == {c.worker.pk for c in listed if c.eligible}


def test_the_count_costs_the_same_queries_for_two_workers_as_for_six(contest) -> None:
    open_until_next_week(contest)
    scope = Scope(contest.users.staff)
    events = Event.objects.filter(competition__in=[contest.province_comp, contest.harbin_comp])

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            found = registration.eligible_workers(scope, events)
        return len(ctx.captured_queries), len(set().union(*found.values()))

    hire(contest, 1)
    hire(contest, 2)
    two, n = queries()
    assert n == 2
    for i in range(3, 7):
        hire(contest, i)
    assert queries() == (two, 6)
    assert two <= 5


def test_the_clerks_home_page_costs_the_same_queries_for_two_workers_as_for_six(contest) -> None:
    open_until_next_week(contest)
    clerk = login(contest.users.staff)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = clerk.get("/")
        assert response.status_code == 200
        return len(ctx.captured_queries)

    hire(contest, 1)
    hire(contest, 2)
    two = queries()
    for i in range(3, 7):
        hire(contest, i)
    assert queries() == two
    assert note(clerk) == "6名职工可报名"
