"""Each employer carries its enterprise union's city (issue 17); a city or county official's employer
list is read within their city (``employer_city_name``), the page probed row by row: the same rows in
the same order as the scope's rule, page by page, for every role."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongjiang.orgs.enums import RoleKind
from gongjiang.orgs.models import Employer
from gongjiang.orgs.queries import cities_of, employers_for_user
from gongjiang.orgs.scope import Scope
from tests.conftest import make_user
from tests.reach import add_employers


def test_every_employer_carries_its_unions_city(org):
    add_employers(org.daoli, 3)
    add_employers(org.qiqihar, 2, first=2000)
    assert Employer.objects.filter(city__isnull=True).count() == 0
    for employer in Employer.objects.all():
        assert employer.city_id == cities_of([employer.union_id])[employer.union_id]
    assert set(Employer.objects.filter(union__parent=org.daoli).values_list("city", flat=True)) == {org.harbin.pk}
    assert set(Employer.objects.filter(union__parent=org.qiqihar).values_list("city", flat=True)) == {org.qiqihar.pk}


@pytest.fixture
def spread(org):
    add_employers(org.daoli, 7)
    add_employers(org.harbin, 4, first=3000)
    add_employers(org.qiqihar, 6, first=4000)
    add_employers(org.longsha, 3, first=5000)
    org.county = make_user("county", org.daoli, RoleKind.UNION_ADMIN)
    return org


def _listed(client, monkeypatch, cap: int) -> tuple[list[int], set[int]]:
    monkeypatch.setattr("gongjiang.orgs.views.PAGE_SIZE", 4)
    monkeypatch.setattr("gongjiang.orgs.views.EMPLOYER_COUNT_CAP", cap)
    seen, counts = [], set()
    for number in range(1, 30):
        response = client.get(f"/orgs/employers/?page={number}")
        assert response.status_code == 200
        page = response.context["page"]
        if page.number != number:
            break
        seen += [e.pk for e in page.object_list]
        counts.add(page.paginator.count)
        if not page.has_next():
            break
    return seen, counts


@pytest.mark.parametrize("who", ["prov", "alice", "bob", "county", "staff", "industry"])
@pytest.mark.parametrize("cap", [5, 1000])
def test_the_list_keeps_the_scopes_rows_in_order_page_by_page(spread, as_user, monkeypatch, who, cap):
    user = getattr(spread.users, who) if who != "county" else spread.county
    expected = list(employers_for_user(Scope(user)).order_by("name", "pk").values_list("pk", flat=True))
    seen, counts = _listed(as_user(user), monkeypatch, cap)
    assert seen == expected
    assert counts == {min(len(expected), cap + 1)}
    if who in {"alice", "county"}:
        assert not Employer.objects.filter(pk__in=seen, city=spread.qiqihar).exists()
    if who == "county":
        assert not Employer.objects.filter(pk__in=seen, union__parent=spread.harbin).exists()


def test_a_city_admins_page_walks_the_city_index(spread, as_user):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's plans")
    with connection.cursor() as cur:
        cur.execute("ANALYZE orgs_employer")
    client = as_user(spread.users.alice)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/orgs/employers/").status_code == 200
    page = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith('SELECT "orgs_employer"."id", "orgs_employer"."name"')
    ]
    assert len(page) == 1
    assert '"orgs_employer"."city_id" IN' in page[0] and "OFFSET 0" in page[0]


@pytest.mark.parametrize("search", ["", "甲企业0100", "甲企业0300"])
def test_a_city_admins_count_reads_the_city_without_the_reach(spread, as_user, monkeypatch, search):
    """A city federation's official's count is their city's employers, the list's filters kept, with no
    closure row read (each employer carries its union's city, which is in reach exactly when it is the
    official's city): the same number as the scope's rule, and no employer of another city on the page."""
    monkeypatch.setattr("gongjiang.orgs.views.EMPLOYER_COUNT_CAP", 5)
    alice = spread.users.alice
    expected = employers_for_user(Scope(alice)).filter(name__contains=search).count()
    with CaptureQueriesContext(connection) as ctx:
        response = as_user(alice).get("/orgs/employers/", {"q": search} if search else {})
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count == min(expected, 6)
    assert {e.city_id for e in page.object_list} <= {spread.harbin.pk}
    counts = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert len(counts) == 1
    assert '"orgs_employer"."city_id" IN' in counts[0] and "orgs_unionancestor" not in counts[0]


def test_the_list_reads_no_union_row(spread, as_user):
    """The list shows each employer's name, code, region, industry and workers, not its union."""
    with CaptureQueriesContext(connection) as ctx:
        assert as_user(spread.users.alice).get("/orgs/employers/").status_code == 200
    page = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('SELECT "orgs_employer"."id"')]
    assert page and all('"orgs_union"."name"' not in sql for sql in page)
