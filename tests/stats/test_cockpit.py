import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from gongjiang.stats import fill, registry
from gongjiang.stats.models import Count, FillState

from .world import build


@pytest.fixture
def filled(org, policy):
    build(org, seed=7, size=5)
    fill.update_stats(since=fill.EPOCH)
    return org


def _figures(union_id):
    return {
        (c.indicator, c.period.year, c.dimension, c.key): c.value
        for c in Count.objects.filter(union_id=union_id, grain="Y")
    }


def _rows_on_page(response, indicator):
    """What the page a figure links to shows: the pager's total, or for money the sum of the rows."""
    context = response.context
    if indicator.measure == "sum" and "totals" in context:  # the ledger: the paid lines' total
        return int((Decimal(context["totals"].get("paid") or 0) * 100).to_integral_value())
    if indicator.measure == "sum":  # the statistics' rows page lists the amounts
        return sum(int((Decimal(str(a)) * 100).to_integral_value()) for _pk, _l, a, _u in context["rows"])
    if "total" in context:  # the statistics' rows page
        return context["total"]
    assert not context["page"].paginator.capped
    return context["page"].paginator.count


@pytest.mark.parametrize(
    "who,unions",
    [
        ("prov", ("province", "harbin", "qiqihar", "daoli", "machinery")),
        ("alice", ("harbin", "daoli", "harbin_enterprise")),
    ],
)
def test_every_figure_links_to_exactly_its_rows(filled, as_user, who, unions):
    """For every indicator, union, year and key the rollup holds, the page the figure links to (the owning
    app's list, filtered) shows exactly the figure: for a province admin and a city admin."""
    from gongjiang.stats.queries import figure_url

    filled.harbin_enterprise = filled.harbin_employer.union
    client = as_user(getattr(filled.users, who))
    indicators = registry.by_code()
    checked, listed = set(), set()
    for name in unions:
        union = getattr(filled, name)
        for (code, year, dimension, key), value in _figures(union.pk).items():
            indicator = indicators[code]
            url = figure_url(indicator, union.pk, year, dimension, key)
            response = client.get(url)
            assert response.status_code == 200, url
            assert _rows_on_page(response, indicator) == value, url
            checked.add(code)
            if not url.startswith("/stats/"):
                listed.add(code)
                assert response.context["figure"].indicator.code == code
    if who == "prov":
        assert checked == set(indicators)  # the random world gives every indicator a figure
        # the figures whose rows have no list page of their own keep the statistics' rows page
        assert set(indicators) - listed == {
            "participant_times",
            "labour_member_times",  # a team's members: no list of memberships of its own
            "honours_conferred",
            "economic_benefit",
            "trainees_enrolled",
            "trainees_completed",
            "unions",  # the home page's stock counts of unions and employers
            "employers",
        }


def test_a_figure_of_a_union_out_of_reach_lists_nothing(filled, as_user):
    bob = as_user(filled.users.bob)
    year = timezone.localdate().year
    for path in ("/people/workers/", "/competitions/"):
        response = bob.get(f"{path}?figure=participants&figure_union={filled.harbin.pk}&figure_year={year}")
        assert response.status_code == 200
        assert response.context["page"].paginator.count == 0
        assert response.context["figure"] is None  # no banner naming Harbin
    # a figure of another app's rows selects nothing either
    prov = as_user(filled.users.prov)
    response = prov.get(f"/studios/?figure=participants&figure_union={filled.province.pk}&figure_year={year}")
    assert response.context["page"].paginator.count == 0


def test_the_headline_figure_links_to_its_rows(filled, as_user):
    client = as_user(filled.users.prov)
    year = timezone.localdate().year
    response = client.get(f"/stats/u/{filled.harbin.pk}/?year={year}")
    cards = {c["indicator"].code: c for c in response.context["cards"]}
    card = cards["participant_times"]
    rows = client.get(f"/stats/u/{filled.harbin.pk}/rows/participant_times/?year={card['year']}")
    assert rows.context["total"] == card["raw"]
    assert f"/stats/u/{filled.harbin.pk}/rows/participant_times/?year={card['year']}" in response.content.decode()
    card = cards["competitions_held"]
    link = f"/competitions/?figure=competitions_held&amp;figure_union={filled.harbin.pk}&amp;figure_year={year}"
    assert link in response.content.decode()
    listing = client.get(link.replace("&amp;", "&"))
    assert listing.context["page"].paginator.count == card["raw"]
    assert "figure-filter" in listing.content.decode()


def test_a_city_admin_starts_at_their_city_and_cannot_reach_outside(filled, as_user):
    bob = as_user(filled.users.bob)
    response = bob.get("/stats/")
    assert response.status_code == 200
    assert response.context["union"] == filled.qiqihar
    assert response.context["tiles"] == []  # the province map is the province's
    assert [u.name for u in response.context["breadcrumb"]] == ["齐齐哈尔市总工会"]
    assert {r["union"].pk for r in response.context["ranking"]} == {filled.longsha.pk}
    year = timezone.localdate().year
    own = _figures(filled.qiqihar.pk)
    for c in response.context["cards"]:
        assert c["raw"] == own.get((c["indicator"].code, c["year"], "", ""), 0)
    for union in (filled.province, filled.harbin, filled.daoli, filled.machinery):
        for path in ("", "data.json", "rows/participants/", "export/headline.xlsx", "upward.xlsx"):
            assert bob.get(f"/stats/u/{union.pk}/{path}?year={year}").status_code == 404, (union, path)
    body = bob.get(f"/stats/u/{filled.qiqihar.pk}/data.json?year={year}").json()
    assert body["union"]["id"] == filled.qiqihar.pk
    assert body["map"] == []
    assert [c["id"] for c in body["children"]] == [filled.longsha.pk]


def test_no_role_no_statistics(filled, as_user):
    charlie = as_user(filled.users.charlie)
    assert charlie.get("/stats/").status_code == 404
    assert charlie.get("/stats/definitions/").status_code == 404


def test_province_drills_down_through_the_map(filled, as_user):
    client = as_user(filled.users.prov)
    year = timezone.localdate().year
    page = client.get(f"/stats/?year={year}")
    assert page.context["union"].pk == filled.province.pk
    tiles = {t["code"]: t for t in page.context["tiles"]}
    assert len(tiles) == 13
    assert tiles["230100"]["union"].pk == filled.harbin.pk
    assert tiles["230300"]["union"] is None  # 鸡西: no city union in this fixture
    assert f'href="/stats/u/{filled.harbin.pk}/?year={year}' in page.content.decode()
    harbin = client.get(f"/stats/u/{filled.harbin.pk}/?year={year}")
    assert [u.name for u in harbin.context["breadcrumb"]] == ["黑龙江省总工会", "哈尔滨市总工会"]
    assert {r["union"].pk for r in harbin.context["ranking"]} == {filled.daoli.pk}


def test_industrial_union_sees_its_members(filled, as_user):
    client = as_user(filled.users.industry)
    response = client.get("/stats/")
    assert response.context["union"] == filled.machinery
    assert {r["union"].pk for r in response.context["ranking"]} == {filled.harbin_employer.union_id}


def test_exports(filled, as_user):
    client = as_user(filled.users.prov)
    year = timezone.localdate().year
    for panel in ("headline", "trend", "ranking", "targets", "structure"):
        response = client.get(f"/stats/u/{filled.province.pk}/export/{panel}.xlsx?year={year}")
        assert response.status_code == 200, panel
        sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        assert sheet.max_row >= 1
    assert client.get(f"/stats/u/{filled.province.pk}/export/nope.xlsx").status_code == 404
    response = client.get(f"/stats/u/{filled.province.pk}/upward.xlsx?year={year}")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = [row[1] for row in sheet.iter_rows(min_row=5, values_only=True)]
    assert names == ["哈尔滨市总工会", "齐齐哈尔市总工会", "黑龙江省机械冶金建材工会", "合计：黑龙江省总工会"]
    codes = [i.code for i in registry.indicators()]
    column = 2 + codes.index("competitions_held")
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    expected = Count.objects.filter(
        indicator="competitions_held", grain="Y", period=dt.date(year, 1, 1), dimension="", union=filled.harbin
    ).values_list("value", flat=True)
    assert rows[0][column] == (list(expected) or [0])[0]


def test_health_fails_when_late(filled, client, settings):
    assert client.get("/stats/health/").status_code == 200
    FillState.objects.update(done_at=timezone.now() - dt.timedelta(hours=30))
    response = client.get("/stats/health/")
    assert response.status_code == 503
    assert response.json()["status"] == "late"
    FillState.objects.all().delete()
    assert client.get("/stats/health/").status_code == 503


def test_definitions_page_lists_every_indicator(filled, as_user):
    body = as_user(filled.users.bob).get("/stats/definitions/").content.decode()
    for indicator in registry.indicators():
        assert f'id="{indicator.code}"' in body
        assert str(indicator.definition)[:20] in body


def test_freshness_line(filled, as_user):
    body = as_user(filled.users.prov).get("/stats/").content.decode()
    assert "数据截至" in body


def test_bad_year_falls_back_to_this_year(filled, as_user):
    response = as_user(filled.users.prov).get("/stats/?year=abc")
    assert response.context["year"] == timezone.localdate().year
    response = as_user(filled.users.prov).get("/stats/?year=1800")
    assert response.context["year"] == timezone.localdate().year


def test_yearly_report_pdf_is_typeset_in_chinese_with_its_charts(filled, as_user):
    from tests.conftest import pdf_text

    year = timezone.localdate().year
    response = as_user(filled.users.prov).get(f"/stats/u/{filled.province.pk}/report.pdf?year={year}")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert f"黑龙江省总工会产改工作统计年报（{year}年）" in text.replace("\n", "")
    assert "参赛人次" in text
    assert "哈尔滨市总工会" in text  # the ranking chart's labels, drawn as SVG text


def test_monthly_bulletins_are_kept_and_listed(filled, as_user):
    from django.core.management import call_command

    from gongjiang.stats.models import Bulletin

    call_command("make_bulletins", "--month", "2024-03", verbosity=0)
    call_command("make_bulletins", "--month", "2024-03", verbosity=0)  # rewritten, not doubled
    kept = Bulletin.objects.filter(month=dt.date(2024, 3, 1))
    assert sorted(kept.values_list("union__name", flat=True)) == sorted(
        ["黑龙江省总工会", "哈尔滨市总工会", "齐齐哈尔市总工会", "黑龙江省机械冶金建材工会"]
    )
    harbin = kept.get(union=filled.harbin)
    march = Count.objects.filter(
        indicator="participant_times", union=filled.harbin, grain="M", period=dt.date(2024, 3, 1), dimension=""
    ).values_list("value", flat=True)
    assert "2024-03" in harbin.html
    assert f'<td class="text-end">{(list(march) or [0])[0]}</td>' in harbin.html
    alice, bob = as_user(filled.users.alice), as_user(filled.users.bob)
    page = alice.get("/stats/")
    assert f"/stats/u/{filled.harbin.pk}/bulletins/{harbin.pk}/" in page.content.decode()
    assert alice.get(f"/stats/u/{filled.harbin.pk}/bulletins/{harbin.pk}/").status_code == 200
    # Bob cannot read Harbin's bulletin, not even through his own union's address
    assert bob.get(f"/stats/u/{filled.qiqihar.pk}/bulletins/{harbin.pk}/").status_code == 404
    assert bob.get(f"/stats/u/{filled.harbin.pk}/bulletins/{harbin.pk}/").status_code == 404


@pytest.mark.parametrize("who", ["prov", "alice", "bob", "industry", "staff"])
def test_participant_figures_from_rollups_equal_the_raw_count(filled, as_user, who):
    from gongjiang.competitions import figures as raw
    from gongjiang.orgs.scope import Scope
    from gongjiang.stats import figures as rolled

    scope = Scope(getattr(filled.users, who))
    for dimension in raw.DIMENSIONS:
        assert sorted(rolled.participant_times(scope, dimension)) == sorted(raw.participant_times(scope, dimension)), (
            dimension
        )
    page = as_user(getattr(filled.users, who)).get("/competitions/figures/?fmt=csv", follow=True)
    assert page.status_code == 200


def test_targets_are_policy_data_citing_their_documents(filled, as_user):
    """The province's 2035 craftsman goals, the alliance targets (cumulative and yearly) and the honour
    quotas come from data with their documents, and are shown against the actual figures."""
    from gongjiang.orgs.scope import Scope
    from gongjiang.people.models import Honour
    from gongjiang.studios import policy_targets

    policy_targets.load(actor=filled.users.prov, scope=Scope(filled.users.prov), through=2026)
    fill.update_stats(since=fill.EPOCH)
    client = as_user(filled.users.prov)
    year = timezone.localdate().year
    page = client.get(f"/stats/u/{filled.province.pk}/?year={year}")
    own = {t["indicator"].code: t for t in page.context["targets"] if t["union"].pk == filled.province.pk}
    national = Honour.objects.filter(kind="craftsman", level=4).values("worker_id").distinct().count()
    goal = own["craftsmen_national"]
    assert (goal["target"].value, goal["target"].by) == (50, 2035)
    assert goal["target"].document == "演示〔2022〕9号 第五条"
    assert goal["actual"] == national
    assert (own["craftsmen_provincial"]["target"].value, own["craftsmen_city"]["target"].value) == (1000, 2000)
    body = page.content.decode()
    assert "演示〔2022〕9号 第五条" in body and "2035" in body
    # alliances: the province's cumulative 50 by 2025, and each city's yearly one
    page = client.get(f"/stats/u/{filled.province.pk}/?year=2025")
    alliances = [t for t in page.context["targets"] if t["indicator"].code == "alliances_formed"]
    province = next(t for t in alliances if t["union"].pk == filled.province.pk)
    assert (province["target"].value, province["target"].cumulative) == (50, True)
    assert province["target"].document == "演示〔2021〕12号 第三条"
    assert province["actual"] == sum(
        Count.objects.filter(
            indicator="alliances_formed", union=filled.province, grain="Y", dimension="", period__year__lte=2025
        ).values_list("value", flat=True)
    )
    harbin = next(t for t in alliances if t["union"].pk == filled.harbin.pk)
    assert (harbin["target"].value, harbin["target"].document) == (1, "演示〔2021〕12号 第四条")
    # the honour quotas of the year's cycles
    for cycle_year in {
        c.year for c in __import__("gongjiang.awards.models", fromlist=["HonourCycle"]).HonourCycle.objects.all()
    }:
        page = client.get(f"/stats/u/{filled.province.pk}/?year={cycle_year}")
        assert any(t["indicator"].code == "honours_conferred" for t in page.context["targets"])


def test_the_people_behind_a_city_figure_are_paged_through_seen(filled, as_user, monkeypatch):
    """A city's distinct-person figure of a kept year links to the people paged by person id through
    ``stats.Seen``: the total is the figure, and following 下一页 lists every person exactly once."""
    from gongjiang.stats import views
    from gongjiang.stats.queries import figure_url

    monkeypatch.setattr(views, "PEOPLE_PAGE", 2)
    year = timezone.localdate().year
    client = as_user(filled.users.prov)
    checked = 0
    for code in ("participants", "grade_rises", "persons_rewarded"):
        figure = Count.objects.filter(
            indicator=code, union_id=filled.harbin.pk, grain="Y", period=dt.date(year, 1, 1), dimension=""
        ).first()
        if figure is None:
            continue
        url = figure_url(registry.get(code), filled.harbin.pk, year)
        assert url.startswith(f"/stats/u/{filled.harbin.pk}/people/{code}/")
        people, pages = [], 0
        while url:
            response = client.get(url)
            assert response.status_code == 200
            assert response.context["total"] == figure.value
            people += [w.pk for w in response.context["people"]]
            nxt = response.context["next_url"]
            url = f"/stats/u/{filled.harbin.pk}/people/{code}/{nxt}" if nxt else ""
            pages += 1
        assert len(people) == len(set(people)) == figure.value
        assert pages == max(1, -(-figure.value // 2))
        checked += 1
    assert checked
    # a city admin of another city reaches none of it
    assert as_user(filled.users.bob).get(f"/stats/u/{filled.harbin.pk}/people/participants/").status_code == 404


@pytest.mark.parametrize("name", ["province", "harbin", "qiqihar", "daoli", "machinery"])
def test_the_people_pages_both_paths_list_exactly_the_subtree_s_people(filled, name):
    """``Seen`` holds each person at their own union; a union's people are the distinct persons of its
    subtree's rows. The walk in person order (a large subtree) and the read of the subtree's unions (a
    small one) page through exactly that set, each person once, and the total is the figure."""
    from gongjiang.competitions.models import Competition, Entry, Event
    from gongjiang.orgs.models import UnionAncestor
    from gongjiang.stats import queries
    from gongjiang.stats.fill import source

    union = getattr(filled, name)
    year = timezone.localdate().year
    # one person with this year's rows in two unions of every subtree above 道里 (the worker's enterprise
    # union and 道里 itself): counted once, listed once, whichever path pages through them
    today = timezone.localdate()
    worker = filled.harbin_worker
    comp = Competition.objects.create(
        name="两处参赛",
        tier="city",
        kind="skills",
        organiser=filled.harbin,
        registration_closes_on=today,
        starts_on=today,
        ends_on=today,
        state="final",
        region_code="230100",
    )
    for n, at in enumerate((worker.union, filled.daoli)):
        event = Event.objects.create(competition=comp, name=f"赛项{n}", occupation=filled.lathe)
        Entry.objects.create(
            event=event,
            worker=worker,
            employer=worker.employer,
            union=at,
            region_code=worker.region_code,
            state="registered",
            registered_by=filled.users.prov,
        )
    fill.update_stats()
    subtree = set(UnionAncestor.objects.filter(ancestor_id=union.pk).values_list("descendant_id", flat=True))
    checked = 0
    for indicator in registry.indicators():
        if indicator.measure != "distinct" or indicator.stock:
            continue
        rows = source(indicator, since=dt.date(year, 1, 1)).values_list("_day", indicator.union, indicator.subject)
        expected = sorted({s for day, u, s in rows if s is not None and day.year == year and u in subtree})
        for walk in (True, False):
            people, after = [], None
            while True:
                total, page = queries.people_page(
                    indicator.code, year, union.pk, "", "", after=after, limit=3, walk=walk
                )
                assert total == len(expected)
                people += page
                if len(page) < 3:
                    break
                after = page[-1]
            assert people == expected, (indicator.code, walk)
        checked += bool(expected)
    assert checked


@pytest.mark.parametrize("name", ["province", "harbin", "qiqihar", "daoli", "machinery"])
def test_latest_honours_are_the_subtree_s_newest_whichever_path(filled, monkeypatch, name):
    """The cockpit's latest honours: a large subtree's path (one walk of the newest honours, bounded by a
    window) gives exactly what the small subtree's path (the subtree's workers) gives, and nothing outside
    the subtree; a window that ends before the subtree's newest honour gives none rather than older ones."""
    from gongjiang.orgs.models import UnionAncestor
    from gongjiang.people.models import Honour
    from gongjiang.stats import views

    union = getattr(filled, name)
    subtree = set(UnionAncestor.objects.filter(ancestor_id=union.pk).values_list("descendant_id", flat=True))
    expected = list(
        Honour.objects.filter(worker__union_id__in=subtree).order_by("-year", "-id").values_list("pk", flat=True)[:6]
    )
    small = [h.pk for h in views.latest_honours(union.pk)]
    monkeypatch.setattr(views, "SMALL_SUBTREE", 0)  # every subtree takes the large path
    large = [h.pk for h in views.latest_honours(union.pk)]
    assert small == large == expected
    newest = list(Honour.objects.order_by("-year", "-id"))
    window = next((i for i, h in enumerate(newest) if h.worker.union_id in subtree), None)
    if window:  # the subtree's newest honour is not the newest of all: a window that stops short of it
        assert views.latest_honours(union.pk, window=window) == []


def _ranked(parent, code, year):
    """The children of ``parent`` as the ranking must order them: largest figure first, a child with no
    figure counted as 0, then by name (what the page showed when it sorted every child in Python)."""
    from django.db.models import Q

    from gongjiang.orgs.models import Union

    kids = Union.objects.filter(Q(parent=parent) | Q(industry_parent=parent))
    raw = {
        c.union_id: c.value
        for c in Count.objects.filter(indicator=code, grain="Y", period=dt.date(year, 1, 1), dimension="")
    }
    return sorted(((raw.get(k.pk, 0), k.name, k.pk) for k in kids), key=lambda r: (-r[0], r[1], r[2]))


@pytest.mark.parametrize("code", ["participant_times", "workers", "money_paid"])
def test_the_page_ranks_its_children_in_the_database_the_json_and_xlsx_list_every_one(
    filled, as_user, monkeypatch, code
):
    from django.urls import reverse
    from django.utils.html import escape

    from gongjiang.orgs import services as org_services
    from gongjiang.orgs.enums import UnionKind
    from gongjiang.stats import views
    from gongjiang.stats.queries import figure_url

    # four enterprise unions with no figure beside the county's one with figures
    for name in ("丁厂工会", "甲厂工会", "乙厂工会", "丙厂工会"):
        org_services.create_union(
            actor=None, name=name, kind=UnionKind.GRASSROOTS, region=filled.daoli.region, parent=filled.daoli
        )
    monkeypatch.setattr(views, "RANKING_SHOWN", 2)
    client = as_user(filled.users.prov)
    year = timezone.localdate().year
    indicator = registry.get(code)
    expected = _ranked(filled.daoli, code, year if not indicator.stock else timezone.localdate().year)
    assert len(expected) == 5 and expected[0][0] > 0 and all(raw == 0 for raw, _n, _pk in expected[1:])

    page = client.get(f"/stats/u/{filled.daoli.pk}/?year={year}&map={code}")
    shown = page.context["ranking_shown"]
    assert [(r["raw"], r["union"].name, r["union"].pk) for r in shown] == expected[:2]
    for r in shown:  # each row's links, built once for the page, are the child's own
        assert r["href"] == f"{reverse('stats:cockpit', args=[r['union'].pk])}?year={year}"
        assert r["behind"] == figure_url(indicator, r["union"].pk, year)
        assert f'href="{escape(r["behind"])}"' in page.content.decode()
    assert page.context["ranking_total"] == 5 and page.context["ranking_rest"] == 3
    rest = page.content.decode()
    assert "前 2 个，共 5 个工会" in rest and "其余 3 个工会" in rest  # the other three have 0
    assert page.context["charts"]["ranking"]["labels"] == [name for _raw, name, _pk in expected[:2]]

    body = client.get(f"/stats/u/{filled.daoli.pk}/data.json?year={year}&map={code}").json()
    assert [c["id"] for c in body["children"]] == [pk for _raw, _name, pk in expected]
    assert [c["value"] for c in body["children"]][1:] == ["0" if indicator.scale == 1 else "0.00"] * 4

    xlsx = client.get(f"/stats/u/{filled.daoli.pk}/export/ranking.xlsx?year={year}&map={code}")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == [n for _r, n, _pk in expected]

    # out of a city admin's reach, as every other path
    assert as_user(filled.users.bob).get(f"/stats/u/{filled.daoli.pk}/data.json").status_code == 404


def test_a_complete_ranking_says_nothing_more_and_orders_as_python(filled, as_user):
    client = as_user(filled.users.prov)
    year = timezone.localdate().year
    page = client.get(f"/stats/u/{filled.province.pk}/?year={year}")
    expected = _ranked(filled.province, "participant_times", year)
    assert [(r["raw"], r["union"].name, r["union"].pk) for r in page.context["ranking"]] == expected
    assert page.context["ranking_total"] == len(expected) and page.context["ranking_rest"] == 0
    assert 'id="rank-rest"' not in page.content.decode()


def test_the_limited_ranking_is_the_first_of_the_whole_one_with_ties_and_zeros(org):
    """The cockpit's limited ranking (on PostgreSQL the largest figures with their ties, joined back to
    the children) gives exactly the first ``limit`` of the whole ranking, for every limit: ties at the
    cut ordered by name, children without a figure or with 0 among the zeros."""
    from gongjiang.orgs import services as org_services
    from gongjiang.orgs.enums import UnionKind
    from gongjiang.stats import queries

    year = 2025
    figures = {"甲": 7, "乙": 5, "丙": 5, "丁": 5, "戊": 3, "己": 0, "庚": None, "辛": 5, "壬": None}
    for name, value in figures.items():
        kid = org_services.create_union(
            actor=None, name=f"{name}厂工会", kind=UnionKind.GRASSROOTS, region=org.daoli.region, parent=org.daoli
        )
        if value is not None:
            Count.objects.create(
                indicator="participant_times", union=kid, grain="Y", period=dt.date(year, 1, 1), value=value, rows=1
            )
    whole = queries.ranking(org.daoli, "participant_times", year)
    assert whole.total == len(whole.rows) >= len(figures)
    assert [v for _k, v in whole.rows][:6] == [7, 5, 5, 5, 5, 3]
    for limit in range(1, whole.total + 2):
        part = queries.ranking(org.daoli, "participant_times", year, limit)
        assert part.rows == whole.rows[:limit], limit
        assert part.total == whole.total
