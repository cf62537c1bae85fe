"""The union list (issue 17): walked in its order down ``union_list_order`` (orgs 0008) and counted up to
``UNION_COUNT_CAP``, as the employer and competition lists are: the same unions in the same order, page by
page, for every role."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongjiang.orgs.models import Union
from gongjiang.orgs.queries import unions_for_user
from gongjiang.orgs.scope import Scope
from tests.reach import add_employers


@pytest.fixture
def spread(org):
    add_employers(org.daoli, 6)
    add_employers(org.longsha, 5, first=2000)
    return org


def _listed(client, monkeypatch, cap: int) -> tuple[list[int], set[int]]:
    monkeypatch.setattr("gongjiang.orgs.views.PAGE_SIZE", 4)
    monkeypatch.setattr("gongjiang.orgs.views.UNION_COUNT_CAP", cap)
    seen, counts = [], set()
    for number in range(1, 30):
        response = client.get(f"/orgs/unions/?page={number}")
        assert response.status_code == 200
        page = response.context["page"]
        if page.number != number:
            break
        seen += [u.pk for u in page.object_list]
        counts.add(page.paginator.count)
        if not page.has_next():
            break
    return seen, counts


@pytest.mark.parametrize("who", ["prov", "alice", "bob", "industry"])
@pytest.mark.parametrize("cap", [5, 1000])
def test_the_list_keeps_the_scopes_unions_in_order_page_by_page(spread, as_user, monkeypatch, who, cap):
    user = getattr(spread.users, who)
    expected = list(unions_for_user(Scope(user)).order_by("region_id", "kind", "name").values_list("pk", flat=True))
    seen, counts = _listed(as_user(user), monkeypatch, cap)
    assert seen == expected
    assert counts == {min(len(expected), cap + 1)}


def test_the_province_count_stops_at_the_cap(spread, as_user):
    """A province official's list says "more than 1,000" past 1,000 unions: its count reads 1,001 at most."""
    with CaptureQueriesContext(connection) as ctx:
        response = as_user(spread.users.prov).get("/orgs/unions/")
    assert response.status_code == 200
    assert response.context["page"].paginator.cap == 1000
    counts = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert len(counts) == 1 and "LIMIT 1001" in counts[0]


def test_the_lists_order_is_an_index(db):
    """orgs 0008 builds ``union_list_order`` on (region, kind, name), the list's ``ORDER BY``, on both
    databases (its plan at province scale is in docs/benchmarks.md: a test database's few unions are sorted)."""
    with connection.cursor() as cur:
        constraints = connection.introspection.get_constraints(cur, Union._meta.db_table)
    assert constraints["union_list_order"]["columns"] == ["region_id", "kind", "name"]
    assert constraints["union_list_order"]["index"]
    # and the same order over the unions above the enterprises (the judge pool's drop-down, read through
    # a server-side cursor whose fast-start plan walked every enterprise union at province scale)
    assert constraints["union_above_in_order"]["columns"] == ["region_id", "kind", "name"]


def test_the_judge_pools_drop_down_lists_the_unions_above_the_enterprises_in_order(spread, as_user):
    from tests.reach import options

    html = as_user(spread.users.prov).get("/competitions/judges/").content.decode()
    expected = Union.objects.exclude(kind="grassroots").order_by("region_id", "kind", "name")
    assert options(html, "pool") == [str(pk) for pk in expected.values_list("pk", flat=True)]
