"""The capped pager: exact up to its cap, never a full count past it."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongjiang.core.fakeids import make_id_number
from gongjiang.core.pagination import CappedPage, CappedPaginator
from gongjiang.orgs.scope import Scope
from gongjiang.people import services as people_services
from gongjiang.people.models import Worker


def test_under_the_cap_it_is_django_s_paginator():
    pager = CappedPaginator(list(range(23)), 10, cap=100)
    assert (pager.count, pager.num_pages, pager.capped) == (23, 3, False)
    page = pager.get_page(3)
    assert list(page) == [20, 21, 22]
    assert (page.has_next(), page.has_previous()) == (False, True)
    assert pager.get_page(99).number == 3  # past the end: the last page, as Django does


def test_past_the_cap_it_counts_cap_plus_one_and_pages_by_one_extra_row():
    pager = CappedPaginator(list(range(23)), 5, cap=8)
    assert (pager.count, pager.capped) == (9, True)
    page = pager.get_page(4)  # rows 15–19: beyond the counted rows, still served
    assert isinstance(page, CappedPage)
    assert list(page) == [15, 16, 17, 18, 19]
    assert (page.has_next(), page.next_page_number(), page.end_index()) == (True, 5, 20)
    last = pager.get_page(5)
    assert list(last) == [20, 21, 22]
    assert last.has_next() is False
    assert pager.get_page(7).number == 1  # an empty page past the end: back to the first
    assert pager.get_page("x").number == 1


@pytest.fixture
def many_workers(org):
    prov = org.users.prov
    for n in range(7):
        people_services.create_worker(
            actor=prov,
            scope=Scope(prov),
            data=people_services.WorkerData(
                name=f"分页{n}",
                id_number=make_id_number("230102", dt.date(1991, 2, 1 + n), n, male=True),
                employer=org.harbin_employer,
            ),
        )
    return org


def test_a_queryset_is_counted_through_a_limited_subquery(many_workers):
    pager = CappedPaginator(Worker.objects.order_by("-id"), 3, cap=4)
    with CaptureQueriesContext(connection) as ctx:
        assert pager.count == 5  # 9 workers, but no more than cap + 1 are counted
    assert "LIMIT 5" in ctx.captured_queries[0]["sql"]
    page = pager.get_page(3)
    assert [w.name for w in page] == ["分页0", "李秀梅", "王铁军"]
    assert page.has_next() is False


def test_the_worker_list_says_more_than_the_cap(many_workers, as_user, monkeypatch):
    monkeypatch.setattr("gongjiang.core.pagination.COUNT_CAP", 5)
    monkeypatch.setattr("gongjiang.people.views.PAGE_SIZE", 4)
    client = as_user(many_workers.users.prov)
    body = client.get("/people/workers/").content.decode()
    assert '<div class="text-muted small" id="result-count">超过5条</div>' in body  # "More than 5 results"
    assert "共9条" not in body
    assert "第1页</span>" in body  # "Page 1", no total
    assert "?page=2" in body
    with_cap_off = CappedPaginator(Worker.objects.all(), 50, cap=100)
    assert with_cap_off.count == 9


def test_counted_in_order_the_limited_count_keeps_the_list_s_order(many_workers):
    """``count_in_order``: the first cap + 1 rows are counted in the list's own order (the index the
    page walks); by default the order is dropped from the count."""
    for in_order, ordered in ((True, True), (False, False)):
        pager = CappedPaginator(Worker.objects.order_by("-id"), 3, cap=4, count_in_order=in_order)
        with CaptureQueriesContext(connection) as ctx:
            assert pager.count == 5
        assert ("ORDER BY" in ctx.captured_queries[0]["sql"]) is ordered
        assert [w.name for w in pager.get_page(3)] == ["分页0", "李秀梅", "王铁军"]
