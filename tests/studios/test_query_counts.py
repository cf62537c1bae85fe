"""Every studio list costs the same number of queries for one row as for three (no N+1)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongjiang.api.models import ApiToken
from gongjiang.orgs.scope import Scope
from gongjiang.studios import services

from . import factories as f

LISTS = [
    "/studios/",
    "/studios/?fmt=csv",
    "/studios/?fmt=xlsx",
    "/studios/alliances/",
    "/studios/problems/",
    "/studios/targets/?year=2025",
    "/api/studios",
    "/api/alliances",
    "/api/problems",
    "/api/projects",
]


def _count(client, url, headers) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, headers=headers)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _add(org, i):
    """One more studio, in its own alliance, with a problem, a joint project and a target."""
    alice = org.users.alice
    scope = Scope(alice)
    poster = f.studio(alice, org.harbin_employer, f"工作室{i}", "焊接")
    helper = f.studio(alice, org.harbin_employer, f"协作工作室{i}", "焊接")
    alliance = services.create_alliance(
        actor=alice,
        scope=scope,
        data=services.AllianceData(
            name=f"联盟{i}", level="city", lead_union=org.harbin, founded_on=dt.date(2025, 1, 1), founding_document="文"
        ),
        studios=[poster, helper],
    )
    problem = services.post_problem(
        actor=alice,
        scope=scope,
        alliance=alliance,
        studio=poster,
        data=services.ProblemData(
            title=f"难题{i}", field="焊接", description="x", deadline=dt.date.today() + dt.timedelta(days=9)
        ),
    )
    claim = services.claim_problem(actor=alice, scope=scope, problem=problem, studio=helper, plan="x")
    services.accept_claim(actor=alice, scope=scope, claim=claim)
    services.set_target(actor=alice, scope=scope, union=org.harbin, year=2025, alliances=1 + i)


@pytest.mark.parametrize("url", LISTS)
def test_studio_lists_do_not_grow_with_rows(org, as_user, url):
    client = as_user(org.users.alice)
    headers = {}
    if url.startswith("/api/"):
        _token, raw = ApiToken.issue(user=org.users.alice, name="q")
        headers = {"Authorization": f"Bearer {raw}"}
    _add(org, 0)
    one = _count(client, url, headers)
    _add(org, 1)
    _add(org, 2)
    assert _count(client, url, headers) == one


@pytest.mark.parametrize("kind", ["problem", "alliance", "studio"])
def test_detail_pages_do_not_grow_with_members(org, as_user, kind):
    """The problem page (suggestions, claimable studios), the alliance page and the studio page cost the
    same with one member more or three."""
    from gongjiang.studios.models import Alliance, Problem, Studio

    alice = org.users.alice
    client = as_user(org.users.prov)
    _add(org, 0)
    alliance, problem, studio = Alliance.objects.get(), Problem.objects.get(), Studio.objects.order_by("pk").first()
    url = {
        "problem": f"/studios/problems/{problem.pk}/",
        "alliance": f"/studios/alliances/{alliance.pk}/",
        "studio": f"/studios/{studio.pk}/",
    }[kind]
    one = _count(client, url, {})
    for i in range(2):
        extra = f.studio(alice, org.harbin_employer, f"新成员{i}", "焊接", projects=(f"焊接项目{i}",))
        services.add_member(actor=alice, scope=Scope(alice), alliance=alliance, studio=extra)
        services.claim_problem(actor=alice, scope=Scope(alice), problem=problem, studio=extra, plan="x")
    assert _count(client, url, {}) == one


def test_alliance_list_counts_current_members_without_joining_memberships(org, as_user):
    """The members column counts current members (active, warned) per alliance, and neither the list
    nor its pager joins every membership and groups (a correlated count runs for the page's rows)."""
    from gongjiang.studios.models import Alliance, Membership

    alice = org.users.alice
    _add(org, 0)
    _add(org, 1)
    gone = Membership.objects.filter(alliance__name="联盟1").order_by("pk").first()
    services.delist_member(actor=alice, scope=Scope(alice), membership=gone, reason="未完成年度任务")
    empty = Alliance.objects.get(name="联盟0")
    Membership.objects.filter(alliance=empty).delete()
    client = as_user(alice)
    with CaptureQueriesContext(connection) as seen:
        response = client.get("/studios/alliances/")
    assert response.status_code == 200
    assert {a.name: a.member_count for a in response.context["page"]} == {"联盟0": 0, "联盟1": 1}
    listed = [q["sql"] for q in seen.captured_queries if 'FROM "studios_alliance"' in q["sql"]]
    assert listed and not any('JOIN "studios_membership"' in sql for sql in listed)
