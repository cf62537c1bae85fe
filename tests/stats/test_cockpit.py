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


def test_every_figure_links_to_exactly_its_rows(filled, as_user):
    """For every indicator, union, year and key the rollup holds, the rows page lists exactly the figure."""
    client = as_user(filled.users.prov)
    indicators = registry.by_code()
    checked = set()
    for union in (filled.province, filled.harbin, filled.qiqihar, filled.daoli, filled.machinery):
        for (code, year, dimension, key), value in _figures(union.pk).items():
            indicator = indicators[code]
            url = f"/stats/u/{union.pk}/rows/{code}/?year={year}&dim={dimension}&key={key}"
            response = client.get(url)
            assert response.status_code == 200
            if indicator.measure == "sum":
                listed = sum(
                    int((Decimal(str(a)) * 100).to_integral_value()) for _pk, _l, a, _u in response.context["rows"]
                )
                assert listed == value, url
            else:
                assert response.context["total"] == value, url
            checked.add(code)
    assert checked == set(indicators)  # the random world gives every indicator a figure


def test_the_headline_figure_links_to_its_rows(filled, as_user):
    client = as_user(filled.users.prov)
    year = timezone.localdate().year
    response = client.get(f"/stats/u/{filled.harbin.pk}/?year={year}")
    cards = {c["indicator"].code: c for c in response.context["cards"]}
    card = cards["participant_times"]
    rows = client.get(f"/stats/u/{filled.harbin.pk}/rows/participant_times/?year={card['year']}")
    assert rows.context["total"] == card["raw"]
    assert f"/stats/u/{filled.harbin.pk}/rows/participant_times/?year={card['year']}" in response.content.decode()


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
    assert page.context["union"] == filled.province
    tiles = {t["code"]: t for t in page.context["tiles"]}
    assert len(tiles) == 13
    assert tiles["230100"]["union"] == filled.harbin
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
