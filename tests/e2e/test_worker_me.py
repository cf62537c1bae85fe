"""A worker reads their own record on a phone."""

import pytest

from gongjiang.orgs import services as org_services
from gongjiang.orgs.enums import RoleKind
from tests.conftest import HARBIN_ID, make_user

from .conftest import zh

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.mark.e2e
def test_worker_sees_own_record_on_phone(org, open_tab):
    worker = org.harbin_worker
    user = make_user("wangtiejun")
    org_services.grant_role(actor=None, scope=None, user=user, union=org.harbin_employer.union, kind=RoleKind.WORKER)
    worker.user = user
    worker.save(update_fields=["user"])

    tab = open_tab(**PHONE)
    page = tab.page
    tab.login("wangtiejun")
    # Home points the worker to their record; the navbar is collapsed behind the toggler.
    assert page.locator(".navbar-toggler").is_visible()
    assert not page.locator("#mainnav").is_visible()
    tab.shot("me-01-home-phone")

    page.get_by_role("link", name=zh("My record")).click()
    page.wait_for_url(tab.url("/people/me/"))
    card = page.locator("main .card-body")
    assert page.locator("main h1").inner_text().strip() == zh("My record")
    assert card.locator(".h5").inner_text().strip() == worker.name
    assert card.locator(".mono").inner_text().strip() == worker.id_number_masked
    assert worker.id_number_masked != HARBIN_ID
    assert HARBIN_ID not in page.content()
    grade_label = zh("Senior worker (level 3)")
    assert card.inner_text().count(grade_label) == 1  # the highest grade
    grades = page.locator("#my-grades .list-group-item")
    assert grades.count() == 1
    assert grades.first.locator(".fw-semibold").inner_text().strip() == f"车工 · {grade_label}"
    assert "HRB-0001" in grades.first.inner_text()
    # Nothing sticks out sideways on a 390 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    tab.shot("me-02-record-phone")

    # The menu opens from the toggler and offers only what a worker may use.
    page.locator(".navbar-toggler").click()
    page.locator("#mainnav.show").wait_for()
    offered = [t.strip() for t in page.locator("#mainnav .navbar-nav.me-auto .nav-link").all_inner_texts()]
    assert offered == [
        zh("My record"),
        zh("My competitions"),
        zh("My certificates"),
        zh("My training"),
        zh("My innovations"),
    ]
    tab.shot("me-03-menu-open-phone")

    tab.assert_clean()
