"""The cockpit reads rollups: its pages cost the same number of queries however many rows stand
behind the figures (the rows page pages through them), and no more than they cost when the goals'
reads were shared, the breadcrumb and the structure panels read in one query each and the ranking
in the database (a ceiling per page: a new query on every page shows here)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongjiang.stats import fill

from .world import build

# page: the most queries it may cost (the session, the user, its second factor and its roles included)
PAGES = {
    "/stats/": 24,
    "/stats/u/{harbin}/": 22,
    "/stats/u/{daoli}/": 21,
    "/stats/u/{enterprise}/": 21,
    "/stats/u/{harbin}/data.json": 17,
    "/stats/u/{harbin}/rows/participant_times/": 10,
    "/stats/definitions/": 6,
}


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", PAGES)
def test_cockpit_queries_do_not_grow_with_rows(org, policy, as_user, page):
    client = as_user(org.users.prov)
    url = page.format(harbin=org.harbin.pk, daoli=org.daoli.pk, enterprise=org.harbin_employer.union_id)
    build(org, seed=7, size=5)
    fill.update_stats(since=fill.EPOCH)
    few = _count(client, url)
    build(org, seed=8, size=10)
    fill.update_stats(since=fill.EPOCH)
    many = _count(client, url)
    assert few == many, f"{url}: {few} queries with few rows, {many} with many"
    assert many <= PAGES[page], f"{url}: {many} queries, at most {PAGES[page]}"
