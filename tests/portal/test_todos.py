"""To-dos the demo does not reach: each counts what waits, links to exactly those rows, and goes
away when the work is done."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from gongjiang.colleges import services as college_services
from gongjiang.colleges.models import Teacher
from gongjiang.colleges.services import CollegeError
from gongjiang.competitions import marking
from gongjiang.competitions import services as comp_services
from gongjiang.competitions.enums import State
from gongjiang.core.todolist import Todo, Waiting, first_things_first
from gongjiang.imports.models import ImportJob, ImportStatus
from gongjiang.orgs.enums import RoleKind
from gongjiang.orgs.scope import Scope
from tests.colleges.conftest import campus  # noqa: F401 (fixture)
from tests.competitions.conftest import mark_all, marked  # noqa: F401 (fixture)
from tests.conftest import login, make_user

TOTAL = re.compile(r'id="result-count">\s*共?(?P<n>[\d,]+)')


def waiting(client) -> dict[str, tuple[int, str]]:  # type: ignore[no-untyped-def]
    return {w.key: (w.count, w.href) for w in client.get("/").context["todos"]}


def rows(client, href: str) -> int:  # type: ignore[no-untyped-def]
    response = client.get(href, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200, href
    return int(TOTAL.search(response.content.decode())["n"].replace(",", ""))


def test_a_judge_is_asked_to_mark_then_the_chief_to_sign_off(marked) -> None:  # noqa: F811
    chief, second = (login(u) for u in marked.judges[:2])
    todos = waiting(chief)
    assert set(todos) == {"mark"}
    assert todos["mark"][0] == 1 == rows(chief, todos["mark"][1])
    home = chief.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "已评分0项，共4项" in home  # two competitors × two aspects

    mark_all(marked)
    todos = waiting(chief)
    assert set(todos) == {"sign_off"}
    assert todos["sign_off"][0] == 1 == rows(chief, todos["sign_off"][1])
    assert waiting(second) == {}  # marked, and not the chief

    marking.sign_off(actor=marked.judges[0], event=marked.province_event)
    assert waiting(chief) == {}


def test_a_worker_sees_their_registration_then_their_result_under_notice(marked) -> None:  # noqa: F811
    user = make_user("wangtiejun", marked.harbin, RoleKind.WORKER)
    marked.harbin_worker.user = user
    marked.harbin_worker.save(update_fields=["user"])
    worker = login(user)
    todos = waiting(worker)
    # the provincial event is being marked; the Harbin city competition is still open for registration
    assert todos["my_entries"][0] == 2 == rows(worker, todos["my_entries"][1])
    assert "my_notice" not in todos

    mark_all(marked)
    marking.sign_off(actor=marked.judges[0], event=marked.province_event)
    prov = marked.users.prov
    comp_services.transition(actor=prov, scope=Scope(prov), competition=marked.province_comp, to=State.NOTICE)
    todos = waiting(worker)
    assert todos["my_entries"][0] == 1 == rows(worker, todos["my_entries"][1])
    assert todos["my_notice"][0] == 1 == rows(worker, todos["my_notice"][1])
    page = worker.get("/competitions/mine/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert page.index('id="my-entries"') < page.index('id="my-results"')  # registrations first, then results
    assert "公示中" in page


def test_a_failed_worker_import_waits_until_a_later_one_succeeds(org) -> None:
    alice = org.users.alice

    def job(status: str, hours_ago: int) -> ImportJob:
        j = ImportJob.objects.create(
            kind="workers", created_by=alice, filename="职工.xlsx", path="x", sha256="0", status=status
        )
        ImportJob.objects.filter(pk=j.pk).update(created_at=timezone.now() - dt.timedelta(hours=hours_ago))
        return j

    job(ImportStatus.INVALID, 5)
    job(ImportStatus.FAILED, 4)
    job(ImportStatus.INVALID, 24 * 30)  # a month ago: no longer waiting
    client = login(alice)
    todos = waiting(client)
    assert todos["failed_imports"][0] == 2 == rows(client, todos["failed_imports"][1])
    job(ImportStatus.DONE, 1)
    assert "failed_imports" not in waiting(client)


def test_a_teacher_is_not_offered_a_place_in_their_own_class(campus) -> None:  # noqa: F811
    worker = campus.harbin_worker
    user = make_user("wangtiejun", campus.harbin, RoleKind.WORKER)
    worker.user = user
    worker.save(update_fields=["user"])
    client = login(user)
    assert campus.cohort.name in client.get("/colleges/mine/").content.decode()

    teacher = Teacher.objects.create(college=campus.college, name=worker.name, kind="model_worker", worker=worker)
    campus.cohort.teachers.add(teacher)
    mine = client.get("/colleges/mine/").content.decode()
    assert campus.cohort.name not in mine
    page = client.get(campus.cohort.get_absolute_url()).content.decode()
    assert 'id="enrol-me"' not in page
    with pytest.raises(CollegeError):
        college_services.enrol(actor=user, scope=Scope(user), cohort=campus.cohort, worker=worker)


def test_what_is_due_soonest_comes_first() -> None:
    def w(key: str, day: dt.date | None) -> Waiting:
        return Waiting(todo=Todo(key, key, "x", "home", "", count=lambda r: 1), count=1, deadline=day, note="")

    order = first_things_first(
        [w("a", None), w("b", dt.date(2026, 12, 20)), w("c", None), w("d", dt.date(2026, 12, 9))]
    )
    assert [x.key for x in order] == ["d", "b", "a", "c"]


def test_the_home_page_shows_no_judges_note_to_others(org) -> None:
    college_admin = make_user("xy", org.harbin, RoleKind.COLLEGE_ADMIN)
    page = login(college_admin).get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "我的评判" not in page and "裁判" not in page


def test_the_home_page_costs_the_same_queries_for_one_waiting_row_as_for_three(org) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    alice = org.users.alice
    client = login(alice)

    def draft(n: int) -> None:
        comp_services.create_competition(
            actor=alice,
            scope=Scope(alice),
            data=comp_services.CompetitionData(
                name=f"哈尔滨市技能竞赛{n}",
                tier="city",
                kind="skills",
                organiser=org.harbin,
                registration_closes_on=dt.date(2027, 5, 1),
                starts_on=dt.date(2027, 5, 10),
                ends_on=dt.date(2027, 5, 12),
            ),
        )

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            todos = waiting(client)
        assert {"drafts", "not_ready"} <= set(todos)
        return len(ctx.captured_queries)

    draft(1)
    one = queries()
    draft(2)
    draft(3)
    assert queries() == one
    assert waiting(client)["drafts"][0] == 3


def test_the_soonest_day_is_read_with_the_counts(org, django_assert_num_queries) -> None:
    """A to-do's ``soonest`` field: its earliest value among the rows is the deadline, read in the one
    combined query of the counts; alone (``for_request``) the same day from a query of its own."""
    from gongjiang.core.todolist import waiting_for
    from gongjiang.people.models import Worker

    both = [org.harbin_worker.pk, org.qiqihar_worker.pk]
    born = Todo(
        "born", "born", "x", "home", "", rows=lambda r: Worker.objects.filter(pk__in=both), soonest="birth_date"
    )
    none = Todo("none", "none", "x", "home", "", rows=lambda r: Worker.objects.none(), soonest="birth_date")
    with django_assert_num_queries(1):
        found = waiting_for(object(), [born, none])
    assert [w.key for w in found] == ["born"]
    earliest = min(Worker.objects.filter(pk__in=both).values_list("birth_date", flat=True))
    assert found[0].count == 2 and found[0].deadline == earliest
    alone = born.for_request(object())
    assert alone is not None and alone.deadline == earliest


@pytest.mark.parametrize("who", ["prov", "alice"])
def test_the_home_page_of_an_official_is_eight_queries_at_most(org, who) -> None:
    """The session, the user, the second factor, the roles, the counts' fill state and rollups, the top
    unions (the province) or the city's own yearly targets (a city), and one SELECT for every to-do's
    count and earliest day. Before issue 17's pass: 9 and 10 (the deadlines in queries of their own, the
    targets to-do's union kinds and all of the subtree's targets)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(getattr(org.users, who))
    client.get("/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    assert len(ctx.captured_queries) <= 8, [q["sql"][:80] for q in ctx.captured_queries]
