"""The cockpit reads rollups: its pages cost the same number of queries however many rows stand
behind the figures (the rows page pages through them)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongjiang.stats import fill

from .world import build

PAGES = [
    "/stats/",
    "/stats/u/{harbin}/",
    "/stats/u/{harbin}/data.json",
    "/stats/u/{harbin}/rows/participant_times/",
    "/stats/definitions/",
]


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", PAGES)
def test_cockpit_queries_do_not_grow_with_rows(org, policy, as_user, page):
    client = as_user(org.users.prov)
    url = page.format(harbin=org.harbin.pk)
    build(org, seed=7, size=5)
    fill.update_stats(since=fill.EPOCH)
    few = _count(client, url)
    build(org, seed=8, size=10)
    fill.update_stats(since=fill.EPOCH)
    many = _count(client, url)
    assert few == many, f"{url}: {few} queries with few rows, {many} with many"
