"""The competition list's page is walked with each row probed for the scope (``Scope.walking``), its
count capped and, for a city's officials, probed the same way (issue 17): the same rows in the same
order as the visibility rule read through the reach's hash, page by page, for every role."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongjiang.competitions.enums import State
from gongjiang.competitions.models import Competition
from gongjiang.competitions.queries import competitions_for_user
from gongjiang.orgs.rules import MANAGE_COMPETITIONS, VIEW_COMPETITIONS, VIEW_UNIONS, VIEW_WORKERS
from gongjiang.orgs.scope import Scope


@pytest.fixture
def many(org):
    """Competitions of every level, drafts and announced, several on one day (the order's tie-break)."""
    organisers = [org.province, org.harbin, org.daoli, org.qiqihar, org.longsha, org.machinery]
    organisers.append(org.harbin_worker.union)
    rows = []
    for i in range(42):
        organiser = organisers[i % len(organisers)]
        day = dt.date(2026, 1, 1) + dt.timedelta(days=i // 3)
        rows.append(
            Competition(
                name=f"比赛{i:02d}",
                tier="city",
                organiser=organiser,
                registration_closes_on=day,
                starts_on=day,
                ends_on=day,
                state=State.DRAFT if i % 4 == 0 else State.REGISTRATION,
                region_code=organiser.region_id[:6],
            )
        )
    Competition.objects.bulk_create(rows)
    return org


def _listed(client, monkeypatch, cap: int) -> tuple[list[int], list[str]]:
    """Every page of the list (five rows a page), and the count each page shows."""
    monkeypatch.setattr("gongjiang.competitions.views.PAGE_SIZE", 5)
    monkeypatch.setattr("gongjiang.competitions.views.LIST_COUNT_CAP", cap)
    seen, counts = [], []
    for number in range(1, 30):
        response = client.get(f"/competitions/?page={number}")
        assert response.status_code == 200
        page = response.context["page"]
        if page.number != number:  # past the last page: Django's pager shows the last one again
            break
        seen += [c.pk for c in page.object_list]
        counts.append(page.paginator.count)
        if not page.has_next():
            break
    return seen, counts


@pytest.mark.parametrize("who", ["prov", "alice", "bob", "staff", "industry"])
@pytest.mark.parametrize("cap", [3, 1000])
def test_the_list_keeps_the_rules_rows_in_order_page_by_page(many, as_user, monkeypatch, who, cap):
    user = getattr(many.users, who)
    expected = list(competitions_for_user(Scope(user)).order_by("-starts_on", "-id").values_list("pk", flat=True))
    seen, counts = _listed(as_user(user), monkeypatch, cap)
    assert seen == expected
    assert set(counts) == {min(len(expected), cap + 1)}


def test_a_county_admin_sees_its_county_and_the_announced_above(many, as_user, monkeypatch):
    from gongjiang.orgs.enums import RoleKind
    from tests.conftest import make_user

    county = make_user("county", many.daoli, RoleKind.UNION_ADMIN)
    expected = list(competitions_for_user(Scope(county)).order_by("-starts_on", "-id").values_list("pk", flat=True))
    seen, _counts = _listed(as_user(county), monkeypatch, 1000)
    assert seen == expected
    shown = Competition.objects.filter(pk__in=seen)
    assert not shown.filter(organiser__in=[many.qiqihar, many.longsha]).exists()
    assert not shown.filter(organiser__in=[many.province, many.harbin], state=State.DRAFT).exists()


def test_a_walking_scope_keeps_exactly_the_rows_in_reach(org):
    """``Scope.walking()`` filters as ``union_filter`` does, for every role and capability, through a
    join too; its probe is never hashed (``OFFSET 0`` in the sub-select)."""
    from gongjiang.orgs.models import Union
    from gongjiang.people.models import Worker

    for user in vars(org.users).values():
        scope = Scope(user)
        walking = scope.walking()
        assert walking.walking() is walking and walking.probing() is walking
        for cap in (VIEW_UNIONS, VIEW_WORKERS):
            for model, field in ((Union, "pk"), (Union, "parent"), (Worker, "union"), (Worker, "employer__union")):
                exact = set(model.objects.filter(scope.union_filter(cap, field)))
                assert set(model.objects.filter(walking.union_filter(cap, field))) == exact, (user, cap, field)
                negated = set(model.objects.exclude(walking.union_filter(cap, field)))
                assert negated == set(model.objects.all()) - exact, (user, cap, field)
    alice = Scope(org.users.alice).walking()
    sql = str(Union.objects.filter(alice.union_filter(VIEW_UNIONS, "parent")).query)
    assert "OFFSET 0" in sql
    assert Scope(org.users.alice).city_wide((MANAGE_COMPETITIONS, VIEW_COMPETITIONS))
    assert not Scope(org.users.prov).city_wide((MANAGE_COMPETITIONS, VIEW_COMPETITIONS))
    assert not Scope(org.users.industry).city_wide((MANAGE_COMPETITIONS, VIEW_COMPETITIONS))


def test_the_city_admins_page_probes_rows_and_hashes_no_reach(many, as_user):
    """On PostgreSQL the page and the count of a city admin are planned with a probe a row (a
    ``SubPlan`` that is not ``hashed``) for the reach."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's plans")
    client = as_user(many.users.alice)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/competitions/").status_code == 200
    listed = [
        q["sql"] for q in ctx.captured_queries if "competitions_competition" in q["sql"] and "OFFSET 0" in q["sql"]
    ]
    assert len(listed) == 2  # the count and the page
    with connection.cursor() as cur:
        for sql in listed:
            cur.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cur.fetchall())
            assert "SubPlan" in plan
            assert "orgs_unionancestor" in plan


def test_each_row_shows_the_competitions_cells(many, as_user):
    """The rows' cells (made by the view, core.cells) are what the template made of each competition: the
    link, name and series, tier, organiser, dates, events and state."""
    from gongjiang.competitions.models import Event

    shown = Competition.objects.get(name="比赛41")
    shown.series = "龙江工匠杯"
    shown.save(update_fields=["series"])
    Event.objects.create(competition=shown, name="车工", occupation=many.lathe)
    Event.objects.create(competition=shown, name="焊工", occupation=many.welder)
    html = as_user(many.users.prov).get("/competitions/").content.decode()
    assert (
        f'<tr><td><a href="/competitions/{shown.pk}/">比赛41</a> <span class="badge text-bg-light border">龙江工匠杯'
        f"</span></td><td>{shown.get_tier_display()}</td><td>{shown.organiser.name}</td>"
        f'<td class="nowrap">2026-01-14 – 2026-01-14</td><td>2</td>'
        f'<td><span class="badge text-bg-secondary">{shown.get_state_display()}</span></td></tr>'
    ) in html
    plain = Competition.objects.get(name="比赛40")
    assert f'<a href="/competitions/{plain.pk}/">比赛40</a></td><td>' in html
