"""``Worker.city`` (issue 17): every worker carries its union's city, kept right on every write, and a
city or county official's list, status and lone-surname search read their city's rows with the reach
filter kept on top: exactly the old query's rows, page by page, and never a row outside the reach."""

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongjiang.core.fakeids import make_id_number, make_uscc
from gongjiang.core.pagination import CappedPaginator
from gongjiang.orgs import services as org_services
from gongjiang.orgs.enums import RoleKind
from gongjiang.orgs.models import Region
from gongjiang.orgs.queries import cities_of
from gongjiang.orgs.scope import Scope
from gongjiang.people import services as people_services
from gongjiang.people.importers import WorkerImporter
from gongjiang.people.models import Worker
from gongjiang.people.queries import (
    CityIds,
    CityNewest,
    NewestInReach,
    NewestOfBranches,
    filter_workers,
    in_city,
    newest_in_reach,
    reach_cities,
    search_branches,
    workers_for_user,
)
from gongjiang.people.samples import header
from tests.conftest import HARBIN_ID, make_user

SURNAMES = "段何段王段"
STATUSES = ("employed", "employed", "retired", "employed", "left", "employed", "retired")


@pytest.fixture
def towns(org):
    """Workers of two Harbin counties (道里: the machinery member 哈尔滨锅炉厂 and two more employers;
    南岗: two) and Qiqihar's 龙沙, registered in turn so that every city's and county's newest rows
    interleave, with surnames and statuses spread over all of them; a county admin for each Harbin
    county and one for 龙沙."""
    nangang = org_services.create_union(
        actor=None,
        name="哈尔滨市南岗区总工会",
        kind="county",
        region=Region.objects.get(code="230103"),
        parent=org.harbin,
    )
    employers = [org.harbin_employer, org.qiqihar_employer]
    for n, county in enumerate((org.daoli, org.daoli, nangang, nangang, org.longsha)):
        employers.append(
            org_services.create_employer(
                actor=None,
                name=f"城市企业{n}",
                uscc=make_uscc(county.region.code, 700 + n),
                region=county.region,
                parent_union=county,
            )
        )
    prov = Scope(org.users.prov)
    for i in range(84):
        employer = employers[i % len(employers)]
        people_services.create_worker(
            actor=org.users.prov,
            scope=prov,
            data=people_services.WorkerData(
                name=f"{SURNAMES[i % len(SURNAMES)]}{i}号",
                id_number=make_id_number(
                    employer.region_id, dt.date(1970, 1, 1) + dt.timedelta(days=i), 500 + i, male=i % 2 == 0
                ),
                employer=employer,
                status=STATUSES[i % len(STATUSES)],
            ),
        )
    org.nangang = nangang
    org.users.daoli = make_user("daoliadmin", org.daoli, RoleKind.UNION_ADMIN)
    org.users.nangang = make_user("nangangadmin", nangang, RoleKind.UNION_ADMIN)
    org.users.longsha = make_user("longshaadmin", org.longsha, RoleKind.UNION_ADMIN)
    org.users.two = make_user("twocounties", org.daoli, RoleKind.UNION_ADMIN)  # a county in each city
    org_services.grant_role(actor=None, scope=None, user=org.users.two, union=org.longsha, kind=RoleKind.UNION_ADMIN)
    return org


def _expected_city(org) -> dict[int, int]:
    machinery = org.harbin_employer.union.industry_parent
    return {
        org.harbin_employer.union_id: org.harbin.pk,  # an enterprise union of an industrial union: its city's
        org.qiqihar_employer.union_id: org.qiqihar.pk,
        org.harbin.pk: org.harbin.pk,
        org.daoli.pk: org.harbin.pk,
        org.longsha.pk: org.qiqihar.pk,
        machinery.pk: machinery.pk,
        org.province.pk: org.province.pk,
    }


def test_every_worker_carries_its_unions_city(towns):
    """The union one below the top on the ``parent`` chain (never the industrial parent), as
    ``cities_of`` and the ledger line define it."""
    expected = _expected_city(towns)
    assert cities_of(expected) == expected
    workers = list(Worker.objects.values_list("union_id", "city_id"))
    assert len(workers) == 86
    assert {city for _union, city in workers} == {towns.harbin.pk, towns.qiqihar.pk}
    assert all(city == cities_of([union])[union] for union, city in workers)


def test_a_transferred_worker_follows_its_new_union_to_its_city(towns):
    prov = towns.users.prov
    worker = towns.harbin_worker
    assert worker.city_id == towns.harbin.pk
    people_services.update_worker(
        actor=prov,
        scope=Scope(prov),
        worker=worker,
        data=people_services.WorkerData(name=worker.name, id_number=HARBIN_ID, employer=towns.qiqihar_employer),
    )
    worker = Worker.objects.get(pk=worker.pk)
    assert (worker.union_id, worker.city_id) == (towns.qiqihar_employer.union_id, towns.qiqihar.pk)
    # a save that leaves the union alone keeps the city without looking it up again
    worker.status = "retired"
    worker.save(update_fields=["status"])
    worker.union_id = towns.harbin_employer.union_id  # moved, and saved with the union named
    worker.save(update_fields=["union"])
    assert Worker.objects.get(pk=worker.pk).city_id == towns.harbin.pk
    # Qiqihar's list no longer has them; Harbin's has them again
    assert worker.pk in _ids(towns.users.alice, {})
    assert worker.pk not in _ids(towns.users.bob, {})


def test_the_import_writes_the_city_and_moves_it_with_the_employer(towns):
    """New rows through the bulk path, and a re-import naming another city's employer."""
    prov = towns.users.prov
    number = make_id_number("230102", dt.date(1991, 5, 6), 77, male=True)

    def load(uscc: str) -> dict[str, int]:
        importer = WorkerImporter(actor=prov, scope=Scope(prov))
        row = ["导入段", number, "", uscc, "", "", "", "", "", ""]
        records = importer.clean_rows(iter([header(), row]))
        importer.clean_file(records)
        assert not importer.errors, importer.errors
        return importer.write(records)

    assert load(towns.harbin_employer.uscc)["created"] == 1
    worker = Worker.objects.get(name="导入段")
    assert worker.city_id == towns.harbin.pk
    assert load(towns.qiqihar_employer.uscc)["updated"] == 1
    worker.refresh_from_db()
    assert (worker.union_id, worker.city_id) == (towns.qiqihar_employer.union_id, towns.qiqihar.pk)


def test_the_migration_fills_the_workers_written_before_it(towns):
    if connection.vendor == "postgresql":
        # here the column's foreign key exists already (in the migration it is created after the
        # fill): checked at once, its checks leave no pending event to block the fill's ALTER TABLE
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    Worker.objects.update(city=towns.province)
    fill = importlib.import_module("gongjiang.people.migrations.0012_worker_city").fill
    fill(apps, SimpleNamespace(connection=connection))
    assert all(city == cities_of([union])[union] for union, city in Worker.objects.values_list("union_id", "city_id"))
    if connection.vendor == "postgresql":  # the reach trigger, off during the fill, is on again
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tgenabled FROM pg_trigger WHERE tgrelid = 'people_worker'::regclass "
                "AND tgname = 'people_reach_newest_update'"
            )
            assert cursor.fetchone() == ("O",)


WHO = ("prov", "alice", "bob", "daoli", "nangang", "longsha", "industry", "staff", "two")
PARAMS = (
    {},
    {"page": "2"},
    {"status": "retired"},
    {"status": "left"},
    {"status": "employed"},
    {"q": "段"},
    {"q": "何", "page": "2"},
    {"q": "城"},  # a surname that also names employers (城市企业…): two branches
    {"status": "retired", "sex": "M"},
    # other searches: a city federation's ids from its city's rows (CityIds), the rows through the list's query
    {"q": "段1"},  # a name's first two characters
    {"q": "何1", "page": "2"},
    {"q": "城市"},  # two characters that name employers too (城市企业…)
    {"q": "企业3"},  # three characters: a name anywhere, or an employer's name
    {"q": "锅炉厂"},  # the machinery member's employer (道里)
    {"q": "段1", "status": "retired"},  # a search with a filter keeps the plain query
)


def _read(user, params: dict[str, str]):  # type: ignore[no-untyped-def]
    scope = Scope(user)
    branches = search_branches(params)
    qs = filter_workers(workers_for_user(scope, own=False), params, branches)
    return qs, newest_in_reach(qs, scope, params, branches)


def _ids(user, params: dict[str, str]) -> list[int]:
    _qs, rows = _read(user, params)
    return [w.pk for w in rows[0:1000]]


@pytest.mark.parametrize("who", WHO)
def test_the_city_read_gives_the_old_querys_rows_page_by_page(towns, who):
    """Whatever the read (the city's rows, union by union, branch by branch), the rows of the plain
    query, in its order, page by page and counted alike; the reach filter is still on top: a county
    admin sees no worker of the city's other county."""
    for params in PARAMS:
        _check_read(towns, who, params)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="CityNewest is PostgreSQL's")
@pytest.mark.parametrize("window", [4, 6, 10])
def test_a_countys_page_looked_for_among_the_citys_newest_rows_is_the_old_querys(towns, monkeypatch, window):
    """A county's surname or status page is first looked for among the city's newest ``CITY_WINDOW``
    rows of the filter (``CityNewest._ids_in_window``); found there or not, the rows of the plain query,
    page by page, never the other county's. A small window here, so that both happen."""
    from gongjiang.people import queries

    monkeypatch.setattr(queries, "CITY_WINDOW", window)
    found = []
    original = queries.CityNewest._ids_in_window

    def spy(self, start, stop):  # type: ignore[no-untyped-def]
        ids = original(self, start, stop)
        found.append(ids is not None)
        return ids

    monkeypatch.setattr(queries.CityNewest, "_ids_in_window", spy)
    for who in ("daoli", "nangang"):
        for params in PARAMS:
            _check_read(towns, who, params)
    assert any(found) and not all(found)  # found within the window, and read as before
    _qs, rows = _read(towns.users.alice, {"q": "段"})  # the city's own admin: no window
    assert isinstance(rows, CityNewest) and rows.window is None


def _check_read(towns, who: str, params: dict[str, str]) -> None:
    user = getattr(towns.users, who)
    qs, rows = _read(user, params)
    plain = list(qs.values_list("pk", flat=True))
    assert plain == sorted(plain, reverse=True)
    for start, stop in ((0, 1), (0, 5), (3, 11), (10, 30), (0, 100)):
        assert [w.pk for w in rows[start:stop]] == plain[start:stop], (params, start, stop)
    for per_page in (4, 7):
        pager = CappedPaginator(rows, per_page, cap=9)
        assert pager.count == min(len(plain), 10)
        for number in (1, 2, 3):
            page = pager.get_page(number)
            expected = plain[(page.number - 1) * per_page : page.number * per_page]
            assert [w.pk for w in page.object_list] == expected, (params, per_page, number)
    reach = set(workers_for_user(Scope(user), own=False).values_list("pk", flat=True))
    assert set(plain) <= reach
    cities = reach_cities(Scope(user))
    assert cities == {
        "alice": [towns.harbin.pk],
        "daoli": [towns.harbin.pk],
        "nangang": [towns.harbin.pk],
        "bob": [towns.qiqihar.pk],
        "longsha": [towns.qiqihar.pk],
        "two": sorted([towns.harbin.pk, towns.qiqihar.pk]),
    }.get(who)
    if who in {"daoli", "nangang"}:  # the other Harbin county's workers share the city, not the reach
        other = towns.nangang if who == "daoli" else towns.daoli
        theirs = set(
            Worker.objects.filter(union__in=other.descendant_links.values("descendant")).values_list("pk", flat=True)
        )
        assert theirs and not theirs & set(plain)
    by_city = cities is not None and (
        (params.get("status") in {"retired", "left"} and set(params) <= {"page", "status"})
        or (len(params.get("q", "")) == 1 and set(params) <= {"q", "page"})
    )
    searched = set(params) <= {"q", "page"} and len(params.get("q", "")) > 1
    # the whole list, or the workers not employed, down the city's ids
    whole = connection.vendor == "postgresql" and (
        set(params) <= {"page"} or (set(params) <= {"page", "status"} and params.get("status") in {"retired", "left"})
    )
    assert isinstance(rows, CityIds) == ((searched or whole) and who in {"alice", "bob"})  # the city federations'
    if connection.vendor != "postgresql":
        assert not isinstance(rows, NewestInReach | NewestOfBranches | CityNewest)
        assert (rows is not qs) == (
            by_city or isinstance(rows, CityIds)
        )  # SQLite: the same narrowing, as a plain filter
    elif params.get("q") == "城":
        assert isinstance(rows, NewestOfBranches)
        assert len(rows.branches) == 1 + (len(cities) if cities else 1)  # the surname's, city by city; the employers'
    elif by_city and not isinstance(rows, CityIds):  # two cities: each city's rows, united
        assert isinstance(rows, CityNewest if len(cities) == 1 else NewestOfBranches)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the city-led indexes are read on PostgreSQL")
def test_a_city_or_county_admins_surname_and_status_walk_the_city_led_indexes(towns):
    """The plan of the page's ids and of its count: an index led by the city (these tables are small,
    so sequential scans are off to see which index PostgreSQL would walk)."""
    cases = (
        ({"status": "retired"}, "worker_city_status_newest"),
        ({"q": "段"}, "worker_city_surname_newest"),
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        for params, index in cases:
            for who in ("alice", "daoli"):
                _qs, rows = _read(getattr(towns.users, who), params)
                # the city's own admin's status page: the city's rows are the reach (CityIds), same index
                assert isinstance(rows, CityIds if who == "alice" and "status" in params else CityNewest)
                with CaptureQueriesContext(connection) as ctx:
                    rows[0:10]
                    rows.capped_count(20)
                for query in ctx.captured_queries:
                    if "city_id" in query["sql"] and "LIMIT" in query["sql"]:  # the ids and the count
                        cursor.execute("EXPLAIN " + query["sql"])
                        plan = "\n".join(row[0] for row in cursor.fetchall())
                        assert index in plan, (who, params, plan)


def test_outsiders_never_see_harbins_workers_by_surname_status_or_page(towns, as_user):
    """The leak test's list check for the reads this changes: Qiqihar's city and county admins and
    the machinery union's admin (whose member sits in Harbin) ask for a surname, a status, a page."""
    harbin = set(
        Worker.objects.filter(union__in=towns.harbin.descendant_links.values("descendant")).values_list(
            "name", flat=True
        )
    )
    machinery_member = set(Worker.objects.filter(union=towns.harbin_employer.union).values_list("name", flat=True))
    for who in ("bob", "longsha", "industry", "nangang"):
        user = getattr(towns.users, who)
        own = set(workers_for_user(Scope(user), own=False).values_list("name", flat=True))
        for query in (
            "?q=段",
            "?q=何",
            "?q=段1",
            "?q=城市",
            "?q=锅炉厂",
            "?status=retired",
            "?status=left",
            "?page=2",
            "",
        ):
            response = as_user(user).get("/people/workers/" + query)
            assert response.status_code == 200
            shown = {row["name"] for row in response.context["rows"]}
            assert shown <= own, (who, query)
            if who in {"bob", "longsha"}:
                assert not shown & harbin, (who, query)
            elif who == "industry":
                assert shown <= machinery_member | own, (who, query)


def test_a_worker_whose_city_is_wrong_is_never_shown_outside_the_reach(towns, as_user):
    """The city only finds the candidates of a city federation's search (``CityIds``); the rows are
    read through the reach. A Harbin worker whose ``city`` were Qiqihar's (written behind the model's
    back) is never shown to Qiqihar's admin, and Harbin's admin misses it rather than anyone seeing
    it outside the reach."""
    worker = Worker.objects.filter(union__in=towns.daoli.descendant_links.values("descendant"), name__startswith="段1")
    stray = worker.order_by("-pk").first()
    Worker.objects.filter(pk=stray.pk).update(city=towns.qiqihar)
    for who in ("bob", "longsha"):
        response = as_user(getattr(towns.users, who)).get("/people/workers/", {"q": "段1"})
        assert stray.name not in {row["name"] for row in response.context["rows"]}, who
    _qs, rows = _read(towns.users.alice, {"q": "段1"})
    assert isinstance(rows, CityIds) and stray.pk not in [w.pk for w in rows[0:100]]


def test_the_api_reads_the_city_too_with_the_same_rows(towns):
    """GET /api/workers and POST /api/workers/search narrow a city's or county's surname and status to
    the city (``in_city``, a plain filter: the API's pager counts and slices the query): the plain
    query's rows and count, for officials in one city, in two, and outside any."""
    from django.test import Client

    from gongjiang.api.models import ApiToken

    for who in ("alice", "daoli", "nangang", "two", "bob", "industry", "prov"):
        user = getattr(towns.users, who)
        _token, raw = ApiToken.issue(user=user, name="city")
        client = Client(headers={"Authorization": f"Bearer {raw}"})
        for params in ({"q": "段"}, {"status": "retired"}, {"q": "何", "status": "left"}, {}):
            qs = filter_workers(workers_for_user(Scope(user), own=False), params)
            plain = list(qs.values_list("pk", flat=True))
            narrowed = in_city(qs, Scope(user), params) is not qs
            assert narrowed == (who in {"alice", "bob", "daoli", "nangang", "two"} and len(params) == 1), (who, params)
            got = client.get("/api/workers", {**params, "limit": 7, "offset": 2}).json()
            assert (got["count"], [w["id"] for w in got["items"]]) == (len(plain), plain[2:9]), (who, params)
            body = client.post("/api/workers/search?limit=500", params, content_type="application/json").json()
            assert [w["id"] for w in body["items"]] == plain, (who, params)
