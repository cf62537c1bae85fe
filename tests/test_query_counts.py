"""Every list view costs the same number of queries for 1 row as for 3 (no N+1)."""

import datetime as dt

import pytest

from gongjiang.api.models import ApiToken
from gongjiang.core.fakeids import make_id_number, make_uscc
from gongjiang.orgs import services as org_services
from gongjiang.orgs.scope import Scope
from gongjiang.people import services as people_services

LISTS = [
    "/",
    "/people/workers/",
    "/people/workers/?q=测试",
    "/people/workers/export/?fmt=csv",
    "/people/workers/export/?fmt=xlsx",
    "/orgs/employers/",
    "/orgs/employers/export/?fmt=csv",
    "/orgs/unions/",
    "/orgs/accounts/",
    "/imports/",
]
API_LISTS = ["/api/workers", "/api/employers", "/api/unions"]


def _count(client, url, headers) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, headers=headers)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", LISTS + API_LISTS)
def test_list_queries_do_not_grow_with_rows(org, as_user, url):
    client = as_user(org.users.alice)
    headers = {}
    if url.startswith("/api/"):
        _token, raw = ApiToken.issue(user=org.users.alice, name="q")
        headers = {"Authorization": f"Bearer {raw}"}
    _add_worker(org, 0)
    one = _count(client, url, headers)
    _add_worker(org, 1)
    _add_worker(org, 2)
    three = _count(client, url, headers)
    assert one == three, f"{url}: {one} queries for 1 extra row, {three} for 3"


def _add_worker(org, n: int):
    """A Harbin employer with a worker holding two occupations and a grade."""
    prov = org.users.prov
    employer = org_services.create_employer(
        actor=prov,
        name=f"测试企业{n}",
        uscc=make_uscc("230102", 100 + n),
        region=org.daoli.region,
        parent_union=org.daoli,
    )
    worker = people_services.create_worker(
        actor=prov,
        scope=Scope(prov),
        data=people_services.WorkerData(
            name=f"测试{n}",
            id_number=make_id_number("230102", dt.date(1990, 1, 1 + n), n, male=True),
            employer=employer,
            occupations=(org.lathe, org.welder),
        ),
    )
    people_services.add_grade(
        actor=prov,
        scope=Scope(prov),
        worker=worker,
        occupation=org.lathe,
        grade=3,
        source="evaluation",
        certificate_no=f"QC-{n}",
        awarded_on=dt.date(2020, 1, 1),
    )
    return worker
