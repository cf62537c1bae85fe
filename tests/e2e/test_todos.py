"""Each role starts at what waits for them, on the demo.

A worker on a 390 px phone logs in, reads the to-dos, opens 我的竞赛 from the menu and finds the
registration with its dates and instructions. A city admin logs in, reads the to-dos, follows one,
and finds as many rows on the page as the to-do counted."""

import io
import re

import pytest
from django.core.management import call_command

from gongjiang.orgs.demo import DEMO_PASSWORD

from .conftest import zh

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.fixture
def demo(live_server: object) -> None:
    call_command("seed_demo", workers=60, stdout=io.StringIO())


def _count(text: str) -> int:
    return int(re.sub(r"\D", "", text))


@pytest.mark.e2e
def test_worker_on_a_phone_reads_the_todos_and_opens_my_competitions(demo, open_tab):
    tab = open_tab(**PHONE)
    page = tab.page
    tab.login("qinshijun", DEMO_PASSWORD)

    # The to-dos come first, under the greeting; the registration carries its start date.
    todos = page.locator("#todos .todo")
    assert page.locator("#todos-title").is_visible()
    keys = [t.get_attribute("id") for t in todos.all()]
    assert keys[0] == "todo-my_entries"  # the one with a date comes first
    entry = page.locator("#todo-my_entries")
    assert entry.locator(".todo-label").inner_text() == zh("Competitions you are entered in")
    assert _count(entry.locator(".todo-count").inner_text()) == 1
    assert entry.locator(".todo-deadline").inner_text().strip() == zh("starts %(day)s", day="01月10日")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    tab.shot("todos-worker-01-home-phone")

    # The menu offers the worker's own pages, and no API.
    page.locator(".navbar-toggler").click()
    page.locator("#mainnav.show").wait_for()
    offered = [t.strip() for t in page.locator("#mainnav .navbar-nav.me-auto .nav-link").all_inner_texts()]
    assert offered == [
        zh("My record"),
        zh("My competitions"),
        zh("My certificates"),
        zh("My training"),
        zh("My innovations"),
        zh("My studio"),
    ]
    page.locator("#mainnav .dropdown-toggle").click()
    assert page.locator(".dropdown-menu.show").inner_text().count("API") == 0
    tab.shot("todos-worker-02-menu-phone")

    page.locator("#nav-my-competitions").click()
    page.wait_for_url(tab.url("/competitions/mine/"))
    entries = page.locator("#my-entries .list-group-item")
    assert entries.count() == 1
    text = entries.first.inner_text()
    assert "2026年黑龙江省职工职业技能大赛 · 数控铣工" in text
    assert "2027-01-10 – " in text
    assert zh("Your competitor number is drawn when the competition starts.") in text
    assert zh("Bring your resident identity card on the day.") in text
    assert page.locator("#my-results").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    tab.shot("todos-worker-03-my-competitions-phone")
    tab.assert_clean()


@pytest.mark.e2e
def test_city_admin_reads_the_todos_and_follows_one(demo, open_tab):
    tab = open_tab()
    page = tab.page
    tab.login("haerbin", DEMO_PASSWORD)
    nominate = page.locator("#todo-nominate")
    assert nominate.locator(".todo-label").inner_text() == zh("Honour cycles with nomination places open")
    assert re.search(r"尚有\d+个推荐名额", nominate.inner_text())
    counted = _count(nominate.locator(".todo-count").inner_text())
    tab.shot("todos-city-01-home")

    nominate.click()
    page.wait_for_url(re.compile(r"/awards/honours/\?todo=nominate$"))
    assert page.locator("#cycles tbody tr").count() == counted
    assert _count(page.locator("#result-count").inner_text()) == counted
    tab.shot("todos-city-02-cycles")
    tab.assert_clean()
