"""The worker list, newest first, read union by union for an official below the province (issue 17)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongjiang.core.fakeids import make_id_number, make_uscc
from gongjiang.orgs import services as org_services
from gongjiang.orgs.enums import RoleKind
from gongjiang.orgs.models import Employer
from gongjiang.orgs.scope import Scope
from gongjiang.people import services as people_services
from gongjiang.people.queries import (
    LATERAL_ROWS,
    CityIds,
    CityNewest,
    NewestInReach,
    NewestOfBranches,
    SurnameWalk,
    filter_workers,
    newest_in_reach,
    search_branches,
    workers_for_user,
)
from tests.conftest import make_user


@pytest.fixture
def crowd(org):
    """Workers registered alternately in three Harbin and two Qiqihar employers, so that the
    newest rows of either city interleave with the other's."""
    employers = []
    for n in range(5):
        county = org.daoli if n < 3 else org.longsha
        employers.append(
            org_services.create_employer(
                actor=None,
                name=f"列表企业{n}",
                uscc=make_uscc(county.region.code, 300 + n),
                region=county.region,
                parent_union=county,
            )
        )
    scope = Scope(org.users.prov)
    for i in range(40):
        employer = employers[(i * 7) % 5]
        people_services.create_worker(
            actor=org.users.prov,
            scope=scope,
            data=people_services.WorkerData(
                name=f"列表{i}",
                id_number=make_id_number(employer.region.code, dt.date(1980, 1, 1 + i % 28), 100 + i, male=i % 3 > 0),
                employer=employer,
                status="retired" if i % 4 == 0 else "employed",
            ),
        )
    return org


PARAMS = [{}, {"status": "retired"}, {"sex": "F"}, {"grade": "x"}, {"status": "employed", "sex": "M"}]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the union-by-union read is PostgreSQL's")
@pytest.mark.parametrize("params", PARAMS)
def test_city_list_reads_its_city_or_union_by_union_and_matches_the_plain_query(crowd, params):
    """The whole list and a status other than employed down the city's ids (``CityIds``; a county's
    status page: ``CityNewest``, tests/people/test_city.py), any other column filter union by union."""
    scope = Scope(crowd.users.alice)
    qs = filter_workers(workers_for_user(scope, own=False), params)
    rows = newest_in_reach(qs, scope, params)
    expected = {(): CityIds, (("status", "retired"),): CityIds}.get(tuple(params.items()), NewestInReach)
    assert isinstance(rows, expected)
    plain = list(qs.values_list("pk", flat=True))
    assert rows.capped_count(10_000) == len(plain) > 0
    for start, stop in ((0, 5), (3, 11), (0, 50), (20, 40), (40, 80)):
        assert [w.pk for w in rows[start:stop]] == plain[start:stop], (start, stop)
    # past the rows read union by union, the plain query answers
    assert [w.pk for w in rows[LATERAL_ROWS : LATERAL_ROWS + 5]] == plain[LATERAL_ROWS : LATERAL_ROWS + 5]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the city's ids are read on PostgreSQL")
def test_a_city_admin_s_whole_list_is_read_down_the_city_s_ids(crowd, as_user):
    """Issue 17: a city federation official's whole list takes its ids from the city's workers newest
    first (``worker_city_newest``), its rows through the list's query: the plain query's rows, page by
    page and past the union-by-union read's depth, counted alike, and never another city's worker
    (the rows keep the reach filter even if a worker's city were wrong). A county official, or an
    official of two cities, keeps the union-by-union read."""
    from gongjiang.people.models import Worker

    scope = Scope(crowd.users.alice)
    qs = filter_workers(workers_for_user(scope, own=False), {})
    rows = newest_in_reach(qs, scope, {"page": "2"})
    assert isinstance(rows, CityIds)
    plain = list(qs.values_list("pk", flat=True))
    qiqihar = set(Worker.objects.filter(city=crowd.qiqihar).values_list("pk", flat=True))
    assert qiqihar and not qiqihar & set(plain)
    assert rows.capped_count(10_000) == len(plain) and rows.capped_count(3) == 4
    for start, stop in ((0, 5), (3, 11), (0, 50), (20, 40), (LATERAL_ROWS, LATERAL_ROWS + 5)):
        assert [w.pk for w in rows[start:stop]] == plain[start:stop], (start, stop)
    page = as_user(crowd.users.alice).get("/people/workers/")
    assert [w.pk for w in page.context["page"].object_list] == plain[:50]
    assert page.context["page"].paginator.count == len(plain)
    # a worker whose city were wrong stays out: the rows are read through the reach filter
    stray = Worker.objects.filter(city=crowd.qiqihar).order_by("-pk").first()
    Worker.objects.filter(pk=stray.pk).update(city=crowd.harbin)
    assert stray.pk in set(rows.ids.values_list("pk", flat=True))
    assert [w.pk for w in rows[0:50]] == plain[:50]
    daoli = make_user("daoliwhole", crowd.daoli, RoleKind.UNION_ADMIN)
    assert isinstance(newest_in_reach(qs, Scope(daoli), {}), NewestInReach)
    both = make_user("twocities", crowd.harbin, RoleKind.UNION_ADMIN)
    both.roles.create(union=crowd.qiqihar, kind=RoleKind.UNION_ADMIN)
    assert isinstance(newest_in_reach(qs, Scope(both), {}), NewestInReach)


def test_province_search_and_sqlite_keep_the_plain_query(crowd):
    prov, alice = Scope(crowd.users.prov), Scope(crowd.users.alice)
    qs = workers_for_user(prov, own=False)
    assert newest_in_reach(qs, prov, {}) is qs  # the province's newest rows are all the province's
    assert newest_in_reach(qs, prov, {"q": "列表"}) is qs
    qs = workers_for_user(alice, own=False)
    # a city federation's search: the ids from the city's rows, the rows through the list's query
    searched = filter_workers(qs, {"q": "列表"})
    by_city = newest_in_reach(searched, alice, {"q": "列表"})
    assert isinstance(by_city, CityIds)
    assert [w.pk for w in by_city[0:100]] == list(searched.values_list("pk", flat=True))
    assert newest_in_reach(qs, alice, {"employer": str(crowd.harbin_employer.pk)}) is qs
    if connection.vendor != "postgresql":
        assert newest_in_reach(qs, alice, {}) is qs
        retired = qs.filter(status="retired")  # the city's rows as a plain filter: the same rows
        narrowed = newest_in_reach(retired, alice, {"status": "retired"})
        assert narrowed is not retired and list(narrowed) == list(retired)


def test_city_admin_sees_only_their_city_newest_first(crowd, as_user):
    response = as_user(crowd.users.alice).get("/people/workers/")
    names = [w.name for w in response.context["page"].object_list]
    expected = [w.name for w in workers_for_user(Scope(crowd.users.alice), own=False).order_by("-id")[: len(names)]]
    assert names == expected
    assert response.context["page"].paginator.count == len(expected) == 1 + sum(1 for i in range(40) if (i * 7) % 5 < 3)
    assert "列表" in response.content.decode()
    assert crowd.qiqihar_worker.name not in response.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the table is kept by PostgreSQL's triggers")
def test_each_union_newest_worker_is_kept_for_each_ancestor(crowd):
    from gongjiang.orgs.models import UnionAncestor
    from gongjiang.people.models import ReachNewestWorker, Worker

    def kept() -> dict[tuple[int, int], int]:
        return {(a, u): n for a, u, n in ReachNewestWorker.objects.values_list("ancestor_id", "union_id", "newest_id")}

    def expected() -> dict[tuple[int, int], int]:
        newest: dict[int, int] = {}
        for union_id, pk in Worker.objects.values_list("union_id", "pk"):
            newest[union_id] = max(pk, newest.get(union_id, 0))
        links = UnionAncestor.objects.filter(descendant_id__in=newest).values_list("ancestor_id", "descendant_id")
        return {(a, d): newest[d] for a, d in links}

    assert kept() == expected() and kept()
    # a transfer raises the new union's bound for every ancestor; the old union keeps its (high) one
    oldest = Worker.objects.filter(union=crowd.harbin_employer.union).order_by("pk").first()
    target = Worker.objects.exclude(union=oldest.union).order_by("-pk").last().union_id
    before = kept()
    Worker.objects.filter(pk=oldest.pk).update(union_id=target)
    after = kept()
    for (ancestor, union), newest in expected().items():
        assert after[(ancestor, union)] >= newest
    assert after.keys() >= before.keys()
    # a union attached under another ancestor (its closure rewritten) brings its workers' bound along
    union_id = Worker.objects.order_by("-pk").values_list("union_id", flat=True).first()
    links = list(UnionAncestor.objects.filter(descendant_id=union_id).values_list("ancestor_id", flat=True))
    UnionAncestor.objects.filter(descendant_id=union_id).delete()
    assert not ReachNewestWorker.objects.filter(union_id=union_id).exists()
    UnionAncestor.objects.bulk_create(UnionAncestor(descendant_id=union_id, ancestor_id=a) for a in links)
    mine = {k: v for k, v in expected().items() if k[1] == union_id}
    assert len(mine) == len(links) > 1
    assert {k: v for k, v in kept().items() if k[1] == union_id} == mine


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the union-by-union read is PostgreSQL's")
def test_bounds_left_high_by_deletes_still_give_the_plain_query(crowd):
    from gongjiang.people.models import Worker

    scope = Scope(crowd.users.alice)
    qs = filter_workers(workers_for_user(scope, own=False), {})
    # the newest workers of Harbin's newest unions go; their unions keep their old (high) bounds
    for union_id in qs.order_by("-pk").values_list("union_id", flat=True).distinct()[:2]:
        newest = Worker.objects.filter(union_id=union_id).order_by("-pk")
        Worker.objects.filter(pk__in=list(newest.values_list("pk", flat=True)[:6])).delete()
    rows = newest_in_reach(qs, scope, {})
    plain = list(qs.values_list("pk", flat=True))
    for start, stop in ((0, 1), (0, 2), (0, 5), (3, 11), (0, 50)):
        assert [w.pk for w in rows[start:stop]] == plain[start:stop], (start, stop)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="LIMIT inside a UNION is PostgreSQL's")
@pytest.mark.parametrize("who", ["prov", "alice"])
def test_a_surname_or_its_employers_are_read_branch_by_branch_and_match_the_plain_query(crowd, who):
    """Issue 17: "surname, or an employer whose name holds it" is read as each branch's newest rows,
    united; the same rows in the same order as the plain ``OR``, page by page, within the scope."""
    scope = Scope(getattr(crowd.users, who))
    prov = Scope(crowd.users.prov)
    for i, employer in enumerate([crowd.harbin_employer, crowd.qiqihar_employer] * 3):
        people_services.create_worker(  # named 列… at employers without 列, and others at 列表企业
            actor=crowd.users.prov,
            scope=prov,
            data=people_services.WorkerData(
                name=f"列{i}号",
                id_number=make_id_number("230102", dt.date(1970, 2, 1 + i), 400 + i, male=True),
                employer=employer,
            ),
        )
    params = {"q": "列"}
    qs = filter_workers(workers_for_user(scope, own=False), params)
    rows = newest_in_reach(qs, scope, params)
    assert isinstance(rows, NewestOfBranches) and len(rows.branches) == 2
    plain = list(qs.values_list("pk", flat=True))
    assert plain == sorted(plain, reverse=True) and len(plain) > 10
    assert rows.capped_count(10_000) == len(plain)
    assert rows.capped_count(5) == 6  # "more than five"
    for start, stop in ((0, 5), (3, 11), (0, 50), (7, 9)):
        assert [w.pk for w in rows[start:stop]] == plain[start:stop], (start, stop)
    if who == "alice":
        assert all(w.union_id != crowd.qiqihar_employer.union_id for w in rows[0:100])
    # another filter keeps the plain query; so does a longer term, but for a city federation's admin
    assert newest_in_reach(qs, scope, {"q": "列", "status": "retired"}) is qs
    longer = newest_in_reach(qs, scope, {"q": "列表"})
    assert isinstance(longer, CityIds) if who == "alice" else longer is qs


@pytest.mark.parametrize("who", ["prov", "alice", "daoli_admin"])
def test_a_lone_surname_is_the_plain_walk_or_the_citys(crowd, who):
    """A surname no employer's name holds is read down ``worker_surname_newest`` by the province,
    down ``worker_city_surname_newest`` by a city or county official (``CityNewest``); never union
    by union: its capped count probed every union in reach (issue 17, benchmarks.md)."""
    prov = Scope(crowd.users.prov)
    employer = crowd.harbin_employer
    for i in range(3):
        people_services.create_worker(
            actor=crowd.users.prov,
            scope=prov,
            data=people_services.WorkerData(
                name=f"段{i}号",
                id_number=make_id_number(employer.region.code, dt.date(1975, 3, 1 + i), 600 + i, male=True),
                employer=employer,
            ),
        )
    user = make_user("daoliadmin", crowd.daoli, RoleKind.UNION_ADMIN) if who == "daoli_admin" else None
    scope = Scope(user or getattr(crowd.users, who))
    params = {"q": "段"}
    branches = search_branches(params)
    assert branches is not None and len(branches) == 1  # no employer's name holds 段
    qs = filter_workers(workers_for_user(scope, own=False), params, branches)
    rows = newest_in_reach(qs, scope, params, branches)
    if connection.vendor != "postgresql":
        assert rows is qs or who != "prov"
    elif who == "prov":
        assert isinstance(rows, SurnameWalk)
        assert (rows.capped_count(10), rows.capped_count(2)) == (3, 3)  # three, "more than two"
    else:
        assert isinstance(rows, CityNewest)
    assert list(qs.values_list("name", flat=True)) == ["段2号", "段1号", "段0号"]
    assert [w.name for w in rows[0:10]] == ["段2号", "段1号", "段0号"]
    assert [w.name for w in rows[1:2]] == ["段1号"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the surname walk is PostgreSQL's")
def test_the_province_s_surname_is_counted_down_the_walk_in_its_order(crowd, as_user):
    """Issue 17: counted without an order, PostgreSQL read every entry of the surname into a bitmap
    (39,710 for 段 at province scale) before the first row; the province's capped count is the page's
    own walk newest first, and counts what the plain count counts, up to the cap."""
    prov = Scope(crowd.users.prov)
    employer = crowd.harbin_employer
    for i in range(4):
        people_services.create_worker(
            actor=crowd.users.prov,
            scope=prov,
            data=people_services.WorkerData(
                name=f"段{i}号",
                id_number=make_id_number(employer.region.code, dt.date(1976, 3, 1 + i), 650 + i, male=True),
                employer=employer,
            ),
        )
    with CaptureQueriesContext(connection) as ctx:
        page = as_user(crowd.users.prov).get("/people/workers/", {"q": "段"})
    assert page.context["page"].paginator.count == 4
    assert [w.name for w in page.context["page"].object_list] == ["段3号", "段2号", "段1号", "段0号"]
    counts = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert len(counts) == 1 and 'ORDER BY "people_worker"."id" DESC LIMIT' in counts[0], counts


def test_the_province_s_reach_is_every_worker_without_a_filter(crowd):
    """Every worker has a union, so the province's reach is the whole table: no ``union_id IS NOT
    NULL``, which kept no row out but sent PostgreSQL to the table for each match of a capped count
    that an index answers alone (a name prefix, the last four of an ID; issue 17). Below the province
    the reach filter stays."""
    from gongjiang.people.models import Worker

    prov, alice = Scope(crowd.users.prov), Scope(crowd.users.alice)
    for own in (False, True):
        everyone = workers_for_user(prov, own=own)
        assert "WHERE" not in str(everyone.query)
        assert set(everyone.values_list("pk", flat=True)) == set(Worker.objects.values_list("pk", flat=True))
    harbin = workers_for_user(alice, own=False)
    assert "WHERE" in str(harbin.query)
    assert crowd.qiqihar_worker.pk not in set(harbin.values_list("pk", flat=True))
    assert crowd.harbin_worker.pk in set(harbin.values_list("pk", flat=True))


@pytest.mark.parametrize("who", ["prov", "alice"])
def test_the_employer_column_is_read_for_the_page_s_rows_only(crowd, as_user, who):
    """Issue 17: the employer's name is a subquery of each row (which PostgreSQL evaluates after the
    sort and the limit, for the page's rows), not a join that read the employer of every match, or
    hashed every employer, before the sort. Each row shows its own employer's name; a city admin
    sees only their city's workers."""
    from gongjiang.people.models import Worker

    user = getattr(crowd.users, who)
    with CaptureQueriesContext(connection) as ctx:
        page = as_user(user).get("/people/workers/", {"q": "列表企业"})
    shown = {row["name"]: row["employer"] for row in page.context["rows"]}
    visible = workers_for_user(Scope(user), own=False).filter(employer__name__contains="列表企业")
    expected = {w.name: w.employer.name for w in visible.select_related("employer")}
    assert shown == expected and len(shown) > 10
    if who == "alice":
        assert all(w.city_id == crowd.harbin.pk for w in Worker.objects.filter(name__in=shown))
        assert set(shown.values()) == {"列表企业0", "列表企业1", "列表企业2"}  # 3 and 4 are Qiqihar's
    worker_table, employer_table = Worker._meta.db_table, Employer._meta.db_table
    rows = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith(f'SELECT "{worker_table}"."id", "{worker_table}"."name"')
    ]
    assert rows and all(f'JOIN "{employer_table}"' not in sql and f'FROM "{employer_table}"' in sql for sql in rows)


def test_a_surname_search_looks_the_employers_up_once(crowd, as_user):
    """The employers whose name holds the term: one look-up a request (a sequential scan of every
    employer at province scale), shared by the search and the choice of the branch read."""
    with CaptureQueriesContext(connection) as ctx:
        page = as_user(crowd.users.alice).get("/people/workers/", {"q": "列"})
    assert page.status_code == 200 and page.context["page"].paginator.count > 0
    employer_table = Employer._meta.db_table
    lookups = [q["sql"] for q in ctx.captured_queries if f'FROM "{employer_table}"' in q["sql"] and "LIKE" in q["sql"]]
    assert len(lookups) == 1, lookups


def test_each_row_lists_its_occupations_by_name_in_one_query(org, as_user):
    """The page reads the rows' occupation names in one query of (worker, name) pairs, not through
    ``prefetch_related`` (issue 17): each row's names in the occupations' order, none of another row's,
    and no query when the page is empty."""
    from gongjiang.people.models import Occupation

    prov = Scope(org.users.prov)
    held = list(Occupation.objects.order_by("-name")[:3])
    workers = [
        people_services.create_worker(
            actor=org.users.prov,
            scope=prov,
            data=people_services.WorkerData(
                name=f"工种{i}号",
                id_number=make_id_number("230102", dt.date(1971, 3, 1 + i), 600 + i, male=True),
                employer=org.harbin_employer,
                occupations=tuple(held[: i + 1]),
            ),
        )
        for i in range(3)
    ]
    response = as_user(org.users.alice).get("/people/workers/", {"q": "工种"})
    cells = {row["name"]: row["occupations"] for row in response.context["rows"]}
    assert cells == {w.name: "、".join(o.name for o in w.occupations.order_by("name")) for w in workers}
    assert cells["工种2号"].count("、") == 2
    with CaptureQueriesContext(connection) as empty:
        as_user(org.users.alice).get("/people/workers/", {"q": "无此人"})
    assert not [q for q in empty.captured_queries if "people_worker_occupations" in q["sql"]]
