"""On the demo, as the provincial admin: "下一页" shows the next rows, every export button
downloads a file of its type, and the screens issue 11 fixed read as a union official expects."""

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from gongjiang.awards.models import HonourCycle
from gongjiang.colleges.models import Course
from gongjiang.policy.models import Rule
from gongjiang.studios.models import Alliance

from .conftest import zh

DEMO_PASSWORD = "gongjiang-demo"  # what seed_demo prints

# (page, name of the screenshot): every export button on these pages is clicked once.
EXPORT_PAGES = [
    ("/awards/decisions/", "export-decisions"),
    ("/awards/ledger/", "export-ledger"),
    ("/awards/report/", "export-report"),
    ("/awards/budgets/", "budgets"),
    ("/people/workers/", "export-workers"),
    ("/orgs/employers/", "export-employers"),
]


def check_file(path: Path, suffix: str) -> None:
    data = path.read_bytes()
    if suffix == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
        assert sheet.max_row >= 1
    elif suffix == "csv":
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert rows and rows[0]
    else:
        assert suffix == "pdf" and data.startswith(b"%PDF")


@pytest.fixture
def demo(_reference_data, live_server):  # type: ignore[no-untyped-def]
    call_command("seed_demo", workers=150, stdout=io.StringIO())


def worker_rows(tab) -> list[str]:  # type: ignore[no-untyped-def]
    return tab.page.locator("#worker-table tbody tr").all_inner_texts()


@pytest.mark.e2e
def test_next_page_every_export_and_the_fixed_screens(demo, open_tab) -> None:  # type: ignore[no-untyped-def]
    tab = open_tab()
    page = tab.page
    tab.login("sheng", DEMO_PASSWORD)

    # The worker list, paged to page 3 by clicking "下一页": each page shows other rows.
    tab.goto("/people/workers/")
    seen = [worker_rows(tab)]
    for number in (2, 3):
        page.get_by_role("link", name=zh("Next"), exact=True).click()
        page.wait_for_url(f"**/people/workers/?page={number}")
        assert "??" not in page.url
        seen.append(worker_rows(tab))
        assert len(seen[-1]) == 50
        assert not set(seen[-1]) & set(seen[-2]), f"page {number} repeats rows of the page before"
    tab.shot("pagination-workers-page3")

    # Every export button downloads a file of its type.
    downloads = 0
    for path, shot in EXPORT_PAGES:
        tab.goto(path)
        tab.shot(shot)
        links = page.locator("main a[href*='fmt=']")
        assert links.count() >= 1, f"{path}: no export button"
        for i in range(links.count()):
            link = links.nth(i)
            href = link.get_attribute("href") or ""
            assert "??" not in href, href
            suffix = next(s for s in ("xlsx", "csv", "pdf") if f"fmt={s}" in href)
            with page.expect_download() as download:
                link.click()
            assert download.value.suggested_filename.endswith("." + suffix), download.value.suggested_filename
            check_file(Path(download.value.path()), suffix)
            downloads += 1
    assert downloads >= 9

    # One seeded demo for both halves: the demo's own reference data (naming criteria) is loaded
    # by migrations, which a transactional test's flush removes.
    # The four labels: 开启评选, 已申报, 标题 (policy and course), 在册.
    tab.goto("/awards/honours/")
    assert page.locator("main button[type=submit]", has_text="开启评选").count() == 1
    tab.shot("label-open-cycle")
    tab.goto("/studios/?state=applied")
    assert "已申报" in page.locator("main").inner_text() and "报名时间" not in page.locator("main").inner_text()
    tab.shot("label-studio-applied")
    tab.goto("/policy/documents/")
    assert page.locator("main thead").inner_text().count("标题") == 1
    tab.shot("label-document-title")
    course = Course.objects.order_by("pk").first()
    tab.goto(f"/colleges/courses/{course.pk}/edit/")
    assert page.locator("label[for=id_title]").inner_text().strip().removesuffix("*").strip() == "名称"
    tab.shot("label-course-title")
    alliance = Alliance.objects.get(name="林业工会劳模创新工作室联盟")
    tab.goto(alliance.get_absolute_url())
    assert "在册" in page.locator("main").inner_text() and "在聘" not in page.locator("main").inner_text()
    tab.shot("label-alliance-member")

    # A rule's terms in words, its history without dicts.
    rule = Rule.objects.filter(kind="honour").order_by("pk").first()
    tab.goto(rule.get_absolute_url())
    terms = page.locator("#terms").inner_text()
    assert "名额" in terms and "30,000.00 元" in terms and "quota" not in terms and "True" not in terms
    assert "{'" not in page.locator("#history").inner_text()
    tab.shot("rule-detail")
    reward = Rule.objects.filter(kind="reward").order_by("pk").first()
    tab.goto(f"/policy/rules/{reward.pk}/new-version/")
    assert page.locator("label[for=id_rank_1]").inner_text().strip() == "第1名金额（元）"
    assert "1=" not in page.locator("main form").inner_text()
    tab.shot("rule-form")

    # The budget page: money with separators, the percentage beside its bar.
    tab.goto("/awards/budgets/")
    assert " 元" in page.locator("#budgets").inner_text()
    tab.shot("budgets")

    # The expert pool: at most three occupations a judge, never one character a line.
    tab.goto("/competitions/judges/")
    tab.shot("expert-pool")
    for height in page.locator("main table tbody tr td:first-child").evaluate_all(
        "els => els.map(e => e.offsetHeight)"
    ):
        assert height < 60, "a judge's name wraps"

    cycle = HonourCycle.objects.filter(state="nominating").first()
    tab.goto(f"/awards/honours/{cycle.pk}/nominate/")
    button = page.locator("main form[method=get] button[type=submit]")
    assert button.evaluate("b => b.getBoundingClientRect().height") < 45, "the search button wraps"
    tab.shot("nominate-search")
    tab.assert_clean()
