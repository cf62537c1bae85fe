"""The worker import: every row checked first, all or nothing, re-import is a no-op."""

import csv
import datetime as dt
import io
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongjiang.core.fakeids import make_id_number
from gongjiang.core.models import AuditEntry
from gongjiang.imports.models import ImportJob, ImportStatus
from gongjiang.imports.tasks import start_import
from gongjiang.orgs.scope import Scope
from gongjiang.people.models import SkillGrade, Worker
from gongjiang.people.samples import header
from tests.conftest import QIQIHAR_ID


def _id(n: int) -> str:
    return make_id_number("230102", dt.date(1980, 1, 1) + dt.timedelta(days=n), n, male=n % 2 == 0)


def _rows(org, count: int = 4) -> list[list[str]]:
    uscc = org.harbin_employer.uscc
    rows = []
    for n in range(count):
        row = [f"测试{n}", _id(n), f"1390451{n:04d}", uscc, "车工"]
        row += ["高级工", f"T-{n}", "2022-03-01", "", "鉴定中心"] if n % 2 == 0 else ["", "", "", "", ""]
        rows.append(row)
    return rows


def xlsx(rows: list[list[str]], head: list[str] | None = None) -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(head or header())
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("workers.xlsx", buf.getvalue())


def csv_file(rows: list[list[str]], encoding: str = "utf-8-sig", head: list[str] | None = None) -> SimpleUploadedFile:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(head or header())
    writer.writerows(rows)
    return SimpleUploadedFile("workers.csv", buf.getvalue().encode(encoding))


def run(user, upload) -> ImportJob:
    return start_import(actor=user, scope=Scope(user), kind="workers", upload=upload)


def test_good_file_imports_everything(org):
    job = run(org.users.alice, xlsx(_rows(org)))
    assert not Path(job.path).exists()  # the upload, with plaintext IDs, is gone
    assert (job.status, job.created, job.updated, job.unchanged, job.error_count) == (ImportStatus.DONE, 4, 0, 0, 0)
    imported = Worker.objects.filter(name__startswith="测试").order_by("name")
    assert [w.name for w in imported] == ["测试0", "测试1", "测试2", "测试3"]
    assert [w.top_grade for w in imported] == [4, None, 4, None]
    assert SkillGrade.objects.filter(certificate_no__startswith="T-").count() == 2
    assert all(w.union_id == org.harbin_employer.union_id for w in imported)
    created = AuditEntry.objects.filter(
        model="people.worker", action="create", object_id__in=[str(w.pk) for w in imported]
    )
    assert created.count() == 4
    assert created.get(object_repr="测试0").changes["occupations"] == [None, ["车工"]]


def test_reimport_changes_nothing(org):
    run(org.users.alice, xlsx(_rows(org)))
    audit_rows = AuditEntry.objects.count()
    job = run(org.users.alice, xlsx(_rows(org)))
    assert (job.status, job.created, job.updated, job.unchanged) == (ImportStatus.DONE, 0, 0, 4)
    assert AuditEntry.objects.count() == audit_rows


def test_changed_rows_update_and_are_audited(org):
    run(org.users.alice, xlsx(_rows(org)))
    rows = _rows(org)
    rows[1][0] = "测试一"
    rows[3][5:8] = ["技师", "T-3", "2024-01-01"]
    job = run(org.users.alice, xlsx(rows))
    assert (job.created, job.updated, job.unchanged) == (0, 2, 2)
    renamed = Worker.objects.get(name="测试一")
    assert AuditEntry.objects.filter(object_id=str(renamed.pk), action="update").get().changes["name"] == [
        "测试1",
        "测试一",
    ]
    assert Worker.objects.get(name="测试3").top_grade == 5


def test_bad_rows_reject_the_whole_file_with_reasons(org):
    rows = _rows(org)
    rows[1][1] = rows[1][1][:-1] + ("0" if rows[1][1][-1] != "0" else "1")  # wrong check digit
    rows[2][3] = org.qiqihar_employer.uscc  # outside Alice's union
    rows[3][5] = "大师"  # unknown grade
    before = Worker.objects.count()
    job = run(org.users.alice, xlsx(rows))
    assert job.status == ImportStatus.INVALID
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (3, "身份证号"),
        (4, "单位统一社会信用代码"),
        (5, "技能等级"),
    ]
    assert job.errors[0]["message"] == "身份证号的校验码错误。"
    # the typed ID number is masked in the report
    assert job.errors[0]["value"] == rows[1][1][:6] + "********" + rows[1][1][-4:]
    assert Worker.objects.count() == before


def test_worker_registered_in_another_union_is_not_taken_over(org):
    rows = _rows(org, 1)
    rows[0][1] = QIQIHAR_ID
    job = run(org.users.alice, xlsx(rows))
    assert job.status == ImportStatus.INVALID
    assert job.errors[0]["message"] == "该职工已由您管辖范围以外的工会登记。"


def test_duplicates_inside_the_file(org):
    rows = _rows(org, 1) * 2
    job = run(org.users.alice, xlsx(rows))
    assert [(e["row"], e["message"]) for e in job.errors] == [
        (3, "同一身份证号已出现在第2行。"),
        (3, "同一证书编号已出现在第2行。"),
    ]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_in_each_encoding(org, encoding):
    job = run(org.users.alice, csv_file(_rows(org), encoding))
    assert (job.status, job.created) == (ImportStatus.DONE, 4)


def test_english_headers_are_accepted(org):
    from django.utils import translation

    from gongjiang.people.importers import WorkerImporter

    with translation.override("en"):
        english = [str(c.label) for c in WorkerImporter.columns]
    job = run(org.users.alice, csv_file(_rows(org), head=english))
    assert (job.status, job.created) == (ImportStatus.DONE, 4)


def test_missing_columns_and_wrong_format(org):
    job = run(org.users.alice, csv_file([["张三"]], head=["姓名"]))
    assert job.status == ImportStatus.INVALID
    assert job.message == "缺少列：身份证号、单位统一社会信用代码。"
    from gongjiang.imports.base import FileError

    with pytest.raises(FileError):
        run(org.users.alice, SimpleUploadedFile("workers.txt", b"x"))
    broken = run(org.users.alice, SimpleUploadedFile("workers.xlsx", b"not a zip"))
    assert (broken.status, broken.message) == (ImportStatus.INVALID, "该文件不是可读取的 Excel 工作簿。")
    assert not Path(broken.path).exists()


def test_every_file_goes_to_the_task_worker_and_the_request_reads_nothing(org, settings, monkeypatch):
    """The request stores the file and queues the job; counting and checking happen in the worker."""
    from gongjiang.imports import services, tasks

    queued = []
    monkeypatch.setattr(tasks, "run_import_task", SimpleNamespace(enqueue=queued.append))
    monkeypatch.setattr(services, "count_data_rows", lambda path: pytest.fail("the request counted rows"))
    job = run(org.users.alice, xlsx(_rows(org)))
    assert queued == [job.pk]
    assert (job.status, job.total_rows) == (ImportStatus.QUEUED, 0)
    monkeypatch.undo()
    services.run_import(job.pk)
    job.refresh_from_db()
    assert (job.status, job.total_rows, job.created) == (ImportStatus.DONE, 4, 4)
    assert not Path(job.path).exists()


def test_pages_show_errors_and_offer_the_report(org, as_user):
    client = as_user(org.users.alice)
    rows = _rows(org)
    rows[0][1] = "123"
    response = client.post("/imports/", {"file": xlsx(rows)})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/imports/jobs/{job.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "第2行「身份证号」" in page
    report = client.get(f"/imports/jobs/{job.pk}/errors/?fmt=xlsx")
    sheet = openpyxl.load_workbook(
        io.BytesIO(b"".join(report.streaming_content if report.streaming else [report.content]))
    ).active
    values = list(sheet.values)
    assert values[0] == ("行号", "列", "值", "问题")
    assert values[1][:2] == (2, "身份证号")
    # Bob cannot see Alice's import
    assert as_user(org.users.bob).get(f"/imports/jobs/{job.pk}/").status_code == 404
    assert as_user(org.users.bob).get(f"/imports/jobs/{job.pk}/errors/").status_code == 404


def test_roles_without_import_rights(org, as_user):
    assert as_user(org.users.judge).get("/imports/").status_code == 403
    assert as_user(org.users.charlie).post("/imports/", {"file": xlsx(_rows(org))}).status_code == 403
    assert ImportJob.objects.count() == 0


def test_xlsx_without_a_dimension_is_read_whole(org, settings):
    """Some writers leave out <dimension> or write a stub "A1"; every cell is still read and counted."""
    import re
    import zipfile

    good = xlsx(_rows(org)).read()
    for replacement in ("", '<dimension ref="A1"/>'):
        buf = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(buf, "w") as dst:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    data = re.sub(rb"<dimension[^>]*/>", replacement.encode(), data)
                dst.writestr(item, data)
        job = run(org.users.alice, SimpleUploadedFile("workers.xlsx", buf.getvalue()))
        job.refresh_from_db()
        assert (job.total_rows, job.status) == (4, ImportStatus.DONE), replacement
        Worker.objects.filter(name__startswith="测试").delete()
        SkillGrade.objects.filter(certificate_no__startswith="T-").delete()


def test_files_over_the_row_limit_are_refused(org, settings):

    settings.IMPORT_MAX_ROWS = 3
    job = run(org.users.alice, csv_file(_rows(org)))
    assert (job.status, job.message) == (ImportStatus.INVALID, "文件有4行，请拆分为每个不超过3行的文件。")
    assert not Path(job.path).exists()
    assert not Worker.objects.filter(name__startswith="测试").exists()
