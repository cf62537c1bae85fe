"""The acceptance flow: a city union admin imports a worker file, fixes it, finds a worker and reveals an ID."""

import datetime as dt
import re
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from gongjiang.core.fakeids import make_id_number
from gongjiang.core.models import PiiAccess
from gongjiang.people.models import Worker
from gongjiang.people.samples import header
from tests.conftest import HARBIN_ID, QIQIHAR_ID

from .conftest import zh

NAMES = ("张建国", "刘志强", "陈海燕", "杨东升", "赵春梅", "黄振华", "周立新", "吴宏伟")
GRADES = ("高级工", "技师", "中级工", "高级技师", "初级工", "高级工", "技师", "中级工")


def good_rows(uscc: str) -> list[list[str]]:
    """Eight valid Harbin workers: every third without a phone, every other with a grade certificate."""
    rows = []
    for i, name in enumerate(NAMES):
        id_number = make_id_number("230102", dt.date(1975 + 2 * i, 1 + i, 3 + i), 300 + 7 * i, male=i % 3 != 1)
        phone = "" if i % 3 == 2 else f"1390451{5000 + i:04d}"
        row = [name, id_number, phone, uscc]
        if i % 2 == 0:
            row += ["车工", GRADES[i], f"E2E-HRB-{i:04d}", f"20{15 + i}-06-01", "", "黑龙江省职业技能鉴定指导中心"]
        else:
            row += ["焊工", "", "", "", "", ""]
        rows.append(row)
    return rows


def write_xlsx(path: Path, rows: list[list[str]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(header())
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def wrong_check_digit(id_number: str) -> str:
    last = id_number[-1]
    return id_number[:-1] + ("1" if last != "1" else "2")


@pytest.mark.e2e
def test_import_fix_search_and_reveal(org, open_tab, tmp_path):
    alice = org.users.alice
    good = good_rows(org.harbin_employer.uscc)
    ids = [row[1] for row in good]
    last4s = [i[-4:] for i in [*ids, HARBIN_ID, QIQIHAR_ID]]
    assert len(set(last4s)) == len(last4s), "test data: the last four digits must tell the workers apart"

    no_grade = [""] * 6
    bad_id = [
        "孙国庆",
        wrong_check_digit(make_id_number("230102", dt.date(1988, 8, 8), 411, male=True)),
        "",
        org.harbin_employer.uscc,
        *no_grade,
    ]
    other_union = [
        "钱德胜",
        make_id_number("230202", dt.date(1992, 2, 2), 412, male=True),
        "13604520000",
        org.qiqihar_employer.uscc,
        *no_grade,
    ]
    # Spreadsheet rows: header on row 1, so good[0..2] are rows 2-4, bad_id row 5, ..., other_union row 11.
    first = write_xlsx(tmp_path / "职工名册.xlsx", [*good[:3], bad_id, *good[3:], other_union])
    bad_rows = {5, 11}
    workers_before = Worker.objects.count()

    tab = open_tab()
    page = tab.page
    tab.login("alice", shot="import-00-login")
    assert page.title() == f"{zh('Home')} · {zh('Gongjiang')}"
    tab.shot("import-01-home-alice")

    # 1. Upload a file with two bad rows: rejected, two problems, nothing written.
    tab.goto("/imports/")
    assert page.locator("#upload-button").inner_text().strip() == zh("Upload and check")
    tab.shot("import-02-upload-page")
    page.locator("input[type=file]").set_input_files(str(first))
    page.locator("#upload-button").click()
    page.wait_for_url(re.compile(r"/imports/jobs/\d+/$"))
    result = page.locator("#import-result")
    assert result.inner_text().strip() == zh(
        "The file has %(counter)s problem. Nothing was imported; fix it and upload the file again.",
        "The file has %(counter)s problems. Nothing was imported; fix them and upload the file again.",
        counter=2,
    )
    problems = page.locator("#import-errors li")
    assert problems.count() == 2
    texts = problems.all_inner_texts()
    rows_listed = set()
    for text in texts:
        match = re.match(r"第(\d+)行", text.strip())
        assert match, f"problem not written as 第N行…: {text!r}"
        rows_listed.add(int(match.group(1)))
    assert rows_listed == bad_rows
    assert zh("This employer is outside your union.") in " ".join(texts)
    # The ID number in the problem list is masked: 6 + 8 stars + 4.
    assert bad_id[1] not in page.content()
    tab.shot("import-03-rejected")

    with page.expect_download() as download_info:
        page.locator("#errors-xlsx").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    report_path = tmp_path / download.suggested_filename
    download.save_as(report_path)
    report = load_workbook(report_path, read_only=True)
    report_rows = list(report.worksheets[0].iter_rows(values_only=True))
    report.close()
    assert len(report_rows) == 3, report_rows  # header + the two problems
    assert list(report_rows[0]) == [zh("Row"), zh("Column"), zh("Value"), zh("Problem")]
    assert report_rows[2][3] == zh("This employer is outside your union.")
    assert {int(r[0]) for r in report_rows[1:]} == bad_rows
    assert bad_id[1] not in {str(v) for r in report_rows for v in r}
    assert Worker.objects.count() == workers_before

    # 2. Drop the bad rows and upload again: eight created.
    fixed = write_xlsx(tmp_path / "职工名册-已改.xlsx", good)
    tab.goto("/imports/")
    page.locator("input[type=file]").set_input_files(str(fixed))
    page.locator("#upload-button").click()
    page.wait_for_url(re.compile(r"/imports/jobs/\d+/$"))
    assert page.locator("#import-result").inner_text().strip() == zh(
        "Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.",
        created=8,
        updated=0,
        unchanged=0,
    )
    assert Worker.objects.count() == workers_before + 8
    tab.shot("import-04-imported")

    # 3. Live search by the last four digits of one imported worker's ID.
    target_index = 4
    target_name, target_id = NAMES[target_index], ids[target_index]
    target = Worker.objects.get(name=target_name)
    page.get_by_role("link", name=zh("Go to the worker list")).click()
    page.wait_for_url(tab.url("/people/workers/"))
    assert page.locator("#worker-table tbody tr").count() == 9  # the fixture's Harbin worker and the eight
    rows = tab.live_search(target_id[-4:])
    assert rows.count() == 1
    assert rows.first.locator("td").first.inner_text().strip() == target_name
    assert rows.first.locator("td").nth(1).inner_text().strip() == target.id_number_masked
    assert target_id not in page.content()
    page.wait_for_url(re.compile(rf"/people/workers/\?.*q={target_id[-4:]}"))  # hx-push-url keeps the search
    tab.shot("import-05-search-last4")

    # 4. Open the worker and reveal the full ID; the view is logged.
    rows.first.get_by_role("link", name=target_name).click()
    page.wait_for_url(tab.url(f"/people/workers/{target.pk}/"))
    id_cell = page.locator("#id-number")
    assert id_cell.inner_text().strip() == target.id_number_masked
    assert not PiiAccess.objects.filter(object_id=str(target.pk)).exists()
    tab.shot("import-06-worker-masked")
    page.locator("#reveal-id").click()
    page.locator("#id-number", has_text=target_id).wait_for()
    assert id_cell.inner_text().strip() == target_id
    access = PiiAccess.objects.get(object_id=str(target.pk))
    assert (access.user_id, access.model, access.field, access.purpose) == (
        alice.pk,
        "people.worker",
        "id_number",
        "view",
    )
    tab.shot("import-07-worker-revealed")

    tab.assert_clean()
