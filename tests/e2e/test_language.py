"""The navbar language button switches the whole UI to English and back."""

import pytest

from .conftest import zh


@pytest.mark.e2e
def test_english_round_trip(org, open_tab):
    tab = open_tab()
    page = tab.page
    tab.login("alice")
    tab.goto("/people/workers/")
    heading = page.locator("main h1")
    assert heading.inner_text().strip() == zh("Workers") == "职工"
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    tab.shot("language-01-workers-zh")

    page.locator("nav button[name=language][value=en]").click()
    page.locator("html[lang=en]").wait_for()
    assert page.url == tab.url("/people/workers/")  # back where she was
    assert heading.inner_text().strip() == "Workers"
    assert page.locator("#worker-search").get_attribute("placeholder") == "Name, employer, last 4 of ID, or whole ID"
    # The button now offers Chinese, labelled in Chinese.
    back = page.locator("nav button[name=language][value=zh-hans]")
    assert back.inner_text().strip() == "简体中文"
    assert page.locator("nav button[name=language][value=en]").count() == 0
    tab.shot("language-02-workers-en")
    # The choice sticks from page to page.
    tab.goto("/")
    assert page.locator("main h1").inner_text().strip() == "Welcome, Alice"
    tab.goto("/people/workers/")

    back.click()
    page.locator("html[lang=zh-hans]").wait_for()
    assert page.url == tab.url("/people/workers/")
    assert heading.inner_text().strip() == "职工"
    tab.shot("language-03-workers-zh-again")

    tab.assert_clean()
