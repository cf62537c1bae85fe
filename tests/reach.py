"""Helpers for the short-list tests (issue 17): many employers in one official's reach, and what a
page's drop-downs list."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongjiang.core.fakeids import make_uscc
from gongjiang.orgs.enums import UnionKind
from gongjiang.orgs.models import Employer, Union, UnionAncestor
from gongjiang.orgs.queries import cities_of


def add_employers(parent: Union, n: int, *, first: int = 1000) -> None:
    """``n`` employers and their enterprise unions (closure rows too) under ``parent``, named
    甲企业01000…, written in bulk (``create_employer`` one by one took ten seconds for 400)."""
    unions = Union.objects.bulk_create(
        Union(name=f"甲企业{i:05d}工会", kind=UnionKind.GRASSROOTS, region=parent.region, parent=parent)
        for i in range(first, first + n)
    )
    above = list(UnionAncestor.objects.filter(descendant=parent).values_list("ancestor_id", flat=True))
    UnionAncestor.objects.bulk_create(
        UnionAncestor(descendant=u, ancestor_id=a) for u in unions for a in [u.pk, *above]
    )
    city = cities_of([u.pk for u in unions])  # bulk_create skips Employer.save, which sets it
    Employer.objects.bulk_create(
        Employer(
            name=f"甲企业{i:05d}",
            uscc=make_uscc(parent.region.code, i),
            region=parent.region,
            union=u,
            city_id=city[u.pk],
        )
        for i, u in zip(range(first, first + n), unions, strict=True)
    )


def options(html: str, name: str | None = None) -> list[str]:
    """The values of the options listed on a page (in the drop-down ``name`` only, when given)."""
    if name is not None:
        match = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
        html = match.group(1) if match else ""
    return [value for value in re.findall(r'<option value="([^"]*)"', html) if value]


def page_cost(client, url: str) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """The number of options a page lists and the number of queries it made."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(options(response.text)), len(queries)


def add_studios(employer: Employer, lead, n: int, *, first: int = 1000, state: str = "named") -> list:  # type: ignore[no-untyped-def]
    """``n`` studios of ``employer`` led by ``lead``, named 甲工作室01000…, written in bulk."""
    import datetime as dt

    from gongjiang.studios.models import Studio

    return Studio.objects.bulk_create(
        Studio(
            name=f"甲工作室{i:05d}",
            level="enterprise",
            state=state,
            employer=employer,
            union_id=employer.union_id,
            region_code=employer.region_id,
            lead=lead,
            field="焊接",
            founded_on=dt.date(2020, 1, 1),
        )
        for i in range(first, first + n)
    )
