"""The statistics cockpit in the browser: the province admin drills down from the map to an
enterprise and lands, from a figure, on exactly that many rows (the statistics' rows page for
participant-times, the people paged through ``stats.Seen`` for this year's distinct participants). Screenshots at 1366 and 1920 px."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from gongjiang.stats import fill
from tests.stats.world import build

from .conftest import Tab, zh


@pytest.fixture
def filled(org):
    from gongjiang.policy import seed

    seed.load()
    year = timezone.localdate().year
    build(org, seed=11, size=5, years=(year, year))
    build(org, seed=12, size=3, years=(year - 4, year - 1))
    fill.update_stats(since=fill.EPOCH)
    return org


@pytest.mark.parametrize("width", [1366, 1920])
def test_province_drills_down_to_the_rows_behind_a_figure(filled, open_tab, width):
    tab: Tab = open_tab(viewport={"width": width, "height": 900})
    page = tab.page
    tab.login("prov")
    page.get_by_role("link", name=zh("Statistics"), exact=True).click()
    expect(page.locator("#stats-freshness")).to_contain_text("数据截至")
    expect(page.locator("canvas").first).to_be_visible()  # ECharts drew under the strict CSP
    tab.shot(f"stats-province-{width}")
    # the map: Harbin's tile leads to Harbin's cockpit
    page.locator('.stats-tile[data-code="230100"]').click()
    expect(page.locator("h1")).to_contain_text("哈尔滨市总工会")
    # the ranking, switched to its table, leads to the county
    page.locator('[data-toggle-table="rank"]').click()
    page.locator("#table-rank").get_by_role("link", name=filled.daoli.name).click()
    expect(page.locator("h1")).to_contain_text(filled.daoli.name)
    page.locator('[data-toggle-table="rank"]').click()
    enterprise = filled.harbin_employer.union
    page.locator("#table-rank").get_by_role("link", name=enterprise.name).click()
    expect(page.locator("h1")).to_contain_text(enterprise.name)
    expect(page.locator(".breadcrumb")).to_contain_text("黑龙江省总工会")
    tab.shot(f"stats-enterprise-{width}")
    figure = page.locator('.stats-figure[data-indicator="participant_times"]')
    shown = int(re.sub(r"\D", "", figure.inner_text()))
    assert shown > 0
    figure.click()
    expect(page.locator("#rows-total")).to_have_text(str(shown))
    expect(page.locator("#rows-table tbody tr")).to_have_count(shown)
    tab.shot(f"stats-rows-{width}")
    # a count of people leads to the worker list, narrowed to exactly those people
    page.go_back()
    figure = page.locator('.stats-figure[data-indicator="participants"]')
    shown = int(re.sub(r"\D", "", figure.inner_text()))
    assert shown > 0
    figure.click()  # this year's people: paged through stats.Seen
    expect(page.locator(".breadcrumb")).to_contain_text(enterprise.name)
    expect(page.locator("#people-total")).to_have_text(str(shown))
    expect(page.locator("#people-table tbody tr")).to_have_count(shown)
    tab.shot(f"stats-people-{width}")
    tab.assert_clean()


def test_city_admin_cannot_open_the_province(filled, open_tab):
    tab: Tab = open_tab()
    tab.login("bob")
    tab.goto("/stats/")
    expect(tab.page.locator("h1")).to_contain_text("齐齐哈尔市总工会")
    assert tab.page.locator(".stats-tile").count() == 0
    tab.goto(f"/stats/u/{filled.province.pk}/", status=404)
    tab.goto(f"/stats/u/{filled.harbin.pk}/", status=404)
    tab.assert_clean()
