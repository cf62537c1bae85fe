"""Every role's main pages render in Chinese without console errors, and refuse what the role may not see."""

import pytest
from django.utils import translation

from gongjiang.people.importers import WorkerImporter

from .conftest import zh

# Rows each role should see: (workers, employers, unions, accounts). None: the page is refused.
EXPECTED_ROWS = {
    "prov": (2, 2, 8, 6),
    "alice": (1, 1, 3, 2),
    "staff": (1, 1, 1, None),
    "charlie": (None, None, None, None),
}


def data_rows(tab):
    """Table rows with data; the "Nothing found." placeholder is one cell spanning the table."""
    return tab.page.locator("main table tbody tr").filter(has_not=tab.page.locator("td[colspan]"))


def visit(tab, path, shot, *, rows, heading=None, refused_status=403):
    """Open ``path``; ``rows`` None means the role may not, and the page must say so with its status.

    Returns whether the page was open to the role.
    """
    if rows is None:
        tab.goto(path, status=refused_status)
        tab.shot(shot)
        return False
    response = tab.goto(path)
    csp = response.header_value("content-security-policy") or ""
    assert "script-src 'self'" in csp, f"{path}: no strict CSP ({csp!r})"
    assert tab.page.title().endswith(" · " + zh("Gongjiang")), path
    if heading is not None:
        assert tab.page.locator("main h1").first.inner_text().strip() == heading, path
    if rows is not True:
        assert data_rows(tab).count() == rows, path
    tab.shot(shot)
    return True


@pytest.mark.e2e
@pytest.mark.parametrize("username", ["prov", "alice", "staff", "charlie"])
def test_main_pages_render_for_role(org, open_tab, username):
    from gongjiang.stats.fill import update_stats

    update_stats()  # the home page's counts come from the rollups
    user = getattr(org.users, username)
    workers, employers, unions, accounts = EXPECTED_ROWS[username]
    tab = open_tab()
    page = tab.page
    tab.login(username)

    # Home: greeting, and either the counts or nothing of the registry (and no judges' note for non-judges).
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("main h1").inner_text().strip() == zh("Welcome, %(name)s", name=str(user))
    assert page.locator("#my-judging").count() == 0
    if workers is None:
        assert page.locator("#count-workers").count() == 0
    else:
        assert page.locator("#count-workers").inner_text().strip() == str(workers)
        assert page.locator("#count-employers").inner_text().strip() == str(employers)
        assert page.locator("#count-unions").inner_text().strip() == str(unions)
    tab.shot(f"roles-{username}-01-home")

    # The navbar offers exactly what the role may open.
    offered = [
        label
        for label, rows in (
            ("Workers", workers),
            # every role that sees workers organises or enters competitions: one menu for all competitions,
            # labour competitions, competition projects (立项) and, for organisers, judges
            ("Competitions", workers),
            ("Colleges", workers),  # and manages colleges or enrols its workers in their classes
            ("Studios", workers),  # the unions that see workers see their studios and alliances
            ("Innovations", workers),  # and their workers' innovations (issue 15)
            ("Rewards", workers),  # every role that sees workers sees the awards about them
            ("Statistics", workers),  # and the statistics of its union (issue 14)
            ("Employers", employers),
            ("Unions", unions),
            ("Imports", workers),
            ("Accounts", accounts),
        )
        if rows is not None
    ]
    nav = page.locator("#mainnav .navbar-nav.me-auto .nav-link")
    assert [t.strip() for t in nav.all_inner_texts()] == [zh(label) for label in offered]

    if visit(tab, "/people/workers/", f"roles-{username}-02-workers", rows=workers, heading=zh("Workers")):
        assert page.locator("#worker-table tbody").inner_text().count(org.harbin_worker.name) == 1
        assert org.harbin_worker.id_number_masked in page.locator("#worker-table tbody").inner_text()
    # The detail of a worker outside one's reach is "not found", not "forbidden".
    detail = f"/people/workers/{org.harbin_worker.pk}/"
    shot = f"roles-{username}-03-worker-detail"
    if visit(tab, detail, shot, rows=None if workers is None else True, refused_status=404):
        assert page.locator("main h1").inner_text().strip().startswith(org.harbin_worker.name)
        assert page.locator("#id-number").inner_text().strip() == org.harbin_worker.id_number_masked
        assert page.locator("#reveal-id").is_visible()
        assert page.locator("#grades tbody tr").count() == 1
        assert "HRB-0001" in page.locator("#grades").inner_text()
    if visit(tab, "/orgs/employers/", f"roles-{username}-04-employers", rows=employers, heading=zh("Employers")):
        assert org.harbin_employer.name in page.locator("main table").inner_text()
    if visit(tab, "/orgs/unions/", f"roles-{username}-05-unions", rows=unions, heading=zh("Unions")):
        assert org.harbin_employer.union.name in page.locator("main table").inner_text()
    if visit(tab, "/orgs/accounts/", f"roles-{username}-06-accounts", rows=accounts, heading=zh("Accounts and roles")):
        assert "staff" in page.locator("main table").inner_text()
    visit(tab, "/account/tokens/", f"roles-{username}-08-tokens", rows=0, heading=zh("API tokens"))

    tab.goto("/api/docs")
    page.locator(".swagger-ui .info .title", has_text="Gongjiang API").wait_for()
    page.locator(".opblock-summary-path", has_text="/api/workers").first.wait_for()
    tab.shot(f"roles-{username}-09-api-docs")

    # Last, so that a problem here does not hide the pages above.
    if visit(tab, "/imports/", f"roles-{username}-07-imports", rows=None if workers is None else True):
        assert page.locator("#upload-button").is_visible()
        with translation.override("zh-hans"):
            columns = [str(c.label) + (" *" if c.required else "") for c in WorkerImporter.columns]
        badges = [t.strip() for t in page.locator("main .card-body .badge").all_inner_texts()]
        assert badges == columns, "the import page lists no columns"
        assert page.locator("main h1").inner_text().strip() == zh("Import: %(label)s", label=zh("Workers"))

    tab.assert_clean()
