"""A city union admin cannot find or open another city's workers."""

import pytest

from tests.conftest import HARBIN_ID, QIQIHAR_ID

from .conftest import zh


@pytest.mark.e2e
def test_alice_cannot_see_qiqihar(org, open_tab):
    tab = open_tab()
    page = tab.page
    tab.login("alice")
    tab.goto("/people/workers/")

    # The search works: her own worker is found by name and by the last four digits.
    for text in (org.harbin_worker.name, HARBIN_ID[-4:]):
        rows = tab.live_search(text, typed=False)
        assert rows.count() == 1
        assert rows.first.locator("a").inner_text().strip() == org.harbin_worker.name

    # Qiqihar's worker is found by neither.
    for text, name in ((org.qiqihar_worker.name, "name"), (QIQIHAR_ID[-4:], "last4")):
        rows = tab.live_search(text, typed=False)
        assert rows.count() == 1
        assert rows.first.locator("a").count() == 0
        assert rows.first.inner_text().strip() == zh("Nothing found.")
        assert org.qiqihar_worker.name not in page.locator("main").inner_text()
        tab.shot(f"scope-01-alice-search-qiqihar-{name}")

    tab.goto(f"/people/workers/{org.qiqihar_worker.pk}/", status=404)
    assert org.qiqihar_worker.name not in page.content()
    tab.shot("scope-02-alice-qiqihar-detail-404")

    tab.assert_clean()
