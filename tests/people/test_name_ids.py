"""The province's search by a 2-character name reads its page's ids from the name index alone
(``IdsFirst``), and the last four of an ID walk their newest matches (issue 17, people 0015)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongjiang.core.fakeids import make_id_number
from gongjiang.orgs.enums import RoleKind
from gongjiang.orgs.scope import Scope
from gongjiang.people import services as people_services
from gongjiang.people.models import Worker
from gongjiang.people.queries import (
    CityIds,
    IdsFirst,
    filter_workers,
    newest_in_reach,
    search_branches,
    workers_for_user,
)
from tests.conftest import make_user

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's reads")


@pytest.fixture
def dongzhi(org):
    """Workers named 董志 (exactly) and 董志… in both cities, the exact names among older rows, so that
    "exact name first" and "newest first" disagree."""
    prov = Scope(org.users.prov)
    for i in range(14):
        employer = org.harbin_employer if i % 3 else org.qiqihar_employer
        people_services.create_worker(
            actor=org.users.prov,
            scope=prov,
            data=people_services.WorkerData(
                name="董志" if i % 5 == 0 else f"董志{'一二三四五六七八九十'[i % 10]}",
                id_number=make_id_number(employer.region.code, dt.date(1979, 2, 1 + i), 700 + i, male=True),
                employer=employer,
                status="retired" if i % 4 == 1 else "employed",
            ),
        )
    return org


def _plain(user, params):
    return filter_workers(workers_for_user(Scope(user), own=False), params)


@pytest.mark.parametrize("size", [3, 5, 50])
def test_the_province_s_name_pages_are_the_plain_query_s(dongzhi, as_user, monkeypatch, size):
    """Page by page the same rows in the same order (exact name first, then newest) and the same count
    as the plain query, however the page size cuts them."""
    monkeypatch.setattr("gongjiang.people.views.PAGE_SIZE", size)
    params = {"q": "董志"}
    expected = list(_plain(dongzhi.users.prov, params).values_list("pk", flat=True))
    assert len(expected) == 14
    assert [w.name for w in Worker.objects.filter(pk__in=expected[:3])] == ["董志"] * 3
    client, shown = as_user(dongzhi.users.prov), []
    for number in range(1, -(-len(expected) // size) + 1):
        page = client.get("/people/workers/", {**params, "page": number}).context["page"]
        assert page.paginator.count == len(expected)
        shown += [w.pk for w in page.object_list]
    assert shown == expected


@postgresql_only
def test_the_province_s_2_character_name_reads_ids_first(dongzhi):
    """The province's 2-character name that names no employer: :class:`IdsFirst`; a surname, a name
    that names an employer, a name with another filter, a city official's name: not."""
    prov, alice = Scope(dongzhi.users.prov), Scope(dongzhi.users.alice)

    def read(scope, params):
        branches = search_branches(params)
        qs = filter_workers(workers_for_user(scope, own=False), params, branches)
        return newest_in_reach(qs, scope, params, branches)

    page = read(prov, {"q": "董志"})
    assert isinstance(page, IdsFirst)
    assert page[0:4] == list(_plain(dongzhi.users.prov, {"q": "董志"})[0:4])
    assert not isinstance(read(prov, {"q": "董"}), IdsFirst)
    assert not isinstance(read(prov, {"q": "锅炉"}), IdsFirst)  # 哈尔滨锅炉厂: an employer's name too
    assert not isinstance(read(prov, {"q": "董志", "status": "retired"}), IdsFirst)
    assert not isinstance(read(prov, {"q": "董志一"}), IdsFirst)  # three characters: the trigram index
    assert isinstance(read(alice, {"q": "董志"}), CityIds)


def test_an_official_below_the_province_sees_only_the_reach(dongzhi, as_user):
    """The same search by Harbin's official and by a county official (read the plain way): Harbin's
    rows only, none of Qiqihar's."""
    county = make_user("daoli_admin", dongzhi.daoli, RoleKind.UNION_ADMIN)
    harbin = set(Worker.objects.filter(name__startswith="董志", city=dongzhi.harbin).values_list("pk", flat=True))
    assert harbin and Worker.objects.filter(name__startswith="董志").exclude(pk__in=harbin).exists()
    for user in (dongzhi.users.alice, county):
        page = as_user(user).get("/people/workers/", {"q": "董志"}).context["page"]
        assert {w.pk for w in page.object_list} == harbin


@postgresql_only
def test_the_name_and_last_four_indexes_hold_what_the_pages_read(db):
    """``worker_name_ids`` holds the id and the city beside the name (the province's page of ids, a
    city's count and ids, from the index alone); ``worker_last4_newest`` orders each last four newest
    first (a page walks 50 entries). Which plan PostgreSQL takes at scale is ``bench/explain.py``'s:
    on a table of a few rows the planner's choice between indexes is a coin toss."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname = ANY(%s)",
            [
                Worker._meta.db_table,
                ["worker_name_ids", "worker_last4_newest", "worker_name_prefix", "worker_id_last4"],
            ],
        )
        found = dict(cursor.fetchall())
    assert set(found) == {"worker_name_ids", "worker_last4_newest"}
    assert found["worker_name_ids"].endswith("(name varchar_pattern_ops) INCLUDE (id, city_id)")
    assert found["worker_last4_newest"].endswith("(id_last4, id DESC)")


@pytest.mark.parametrize("who", ["prov", "alice"])
def test_a_page_of_ids_reads_its_rows_by_primary_key_alone(dongzhi, as_user, who):
    """The province's (:class:`IdsFirst`) and a city official's (:class:`CityIds`) name search read the
    page's rows by their ids with the reach but without the search's ``LIKE``, with which PostgreSQL
    read the rows down the name index (every match's table row); the rows are the plain query's."""
    user = getattr(dongzhi.users, who)
    with CaptureQueriesContext(connection) as ctx:
        page = as_user(user).get("/people/workers/", {"q": "董志"}).context["page"]
    assert [w.pk for w in page.object_list] == list(_plain(user, {"q": "董志"}).values_list("pk", flat=True))
    table = Worker._meta.db_table
    rows = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith(f'SELECT "{table}"."id", "{table}"."name"')]
    if connection.vendor == "postgresql" or who == "alice":  # SQLite reads the province's plainly
        assert len(rows) == 1 and "LIKE" not in rows[0] and '"id" IN (' in rows[0], rows
    if who == "alice":
        assert "orgs_unionancestor" in rows[0]  # the reach stays on the rows


@pytest.mark.parametrize("status", ["retired", "left"])
def test_a_city_admin_s_workers_not_employed_are_the_plain_query_s_and_in_reach(dongzhi, as_user, status):
    """A city federation official's retired or left workers: the ids from the city's rows (``CityIds`` on
    PostgreSQL), the rows by primary key with the reach kept: the plain query's rows, and a worker whose
    city were wrong (a Qiqihar worker marked Harbin's) stays off the page."""
    from gongjiang.people.models import Worker

    Worker.objects.filter(name__startswith="董志").update(status=status)
    params = {"status": status}
    expected = list(_plain(dongzhi.users.alice, params).values_list("pk", flat=True))
    assert expected and all(Worker.objects.get(pk=pk).city_id == dongzhi.harbin.pk for pk in expected)
    stray = Worker.objects.filter(status=status, city=dongzhi.qiqihar).order_by("-pk").first()
    Worker.objects.filter(pk=stray.pk).update(city=dongzhi.harbin)
    page = as_user(dongzhi.users.alice).get("/people/workers/", params).context["page"]
    assert [w.pk for w in page.object_list] == expected
    if connection.vendor == "postgresql":
        scope = Scope(dongzhi.users.alice)
        assert isinstance(newest_in_reach(_plain(dongzhi.users.alice, params), scope, params), CityIds)
