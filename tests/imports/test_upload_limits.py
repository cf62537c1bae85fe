"""Uploads: a zip bomb, an endless cell, a bounded error report, files kept 0600 and never left behind."""

import csv
import io
import json
import os
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongjiang.imports import services, tasks
from gongjiang.imports.models import ImportJob, ImportStatus
from gongjiang.people.models import Worker
from gongjiang.people.samples import header
from tests.imports.test_worker_import import _rows, csv_file, run, xlsx


def _uploads(settings) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    return list(folder.iterdir()) if folder.exists() else []


def test_a_zip_bomb_is_refused_before_it_is_inflated(org, settings):
    """A sheet whose one cell inflates a thousandfold (the probe's 209 KB file drove the server to
    2.3 GB and stored 200 MB in the job row) is refused from the archive's directory alone."""
    good = xlsx(_rows(org)).read()
    bomb = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace("测试0".encode(), b"A" * (40 * 1024 * 1024), 1)
            dst.writestr(item.filename, data)
    assert len(bomb.getvalue()) < 200 * 1024
    job = run(org.users.alice, SimpleUploadedFile("workers.xlsx", bomb.getvalue()))
    job.refresh_from_db()
    assert job.status == ImportStatus.INVALID
    assert "MB" in job.message and len(job.message) < 300
    assert job.errors == [] and not Worker.objects.filter(name__startswith="测试").exists()
    assert _uploads(settings) == []


def test_the_uncompressed_size_is_capped(org, settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 1024  # any real workbook unpacks to more
    job = run(org.users.alice, xlsx(_rows(org)))
    assert job.status == ImportStatus.INVALID and "MB" in job.message
    assert _uploads(settings) == []


def test_an_overlong_cell_is_refused_with_its_row(org, settings):
    rows = _rows(org)
    rows[2][0] = "长" * 1001
    job = run(org.users.alice, xlsx(rows))
    assert (job.status, job.message) == (ImportStatus.INVALID, "第4行有单元格超过1000个字符或含有NUL字符。")
    assert len(json.dumps(job.errors)) < 100


def test_a_128_kib_csv_cell_is_a_clear_refusal_not_a_500_and_leaves_no_file(org, settings, as_user):
    rows = _rows(org)
    rows[1][0] = "x" * (128 * 1024 + 1)
    response = as_user(org.users.alice).post("/imports/", {"file": csv_file(rows)})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert (job.status, job.message) == (ImportStatus.INVALID, "CSV文件在第3行附近无法读取。")
    assert _uploads(settings) == []


def test_the_error_report_stays_bounded(org, settings):
    """1,500 rows each with a 900-character name: at most 1,000 errors, each value cut to 100 characters."""
    uscc = org.harbin_employer.uscc
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header())
    for _n in range(1500):
        writer.writerow(["名" * 900, "1", "", uscc, "车工", "", "", "", "", ""])
    job = run(org.users.alice, SimpleUploadedFile("workers.csv", buf.getvalue().encode()))
    assert job.status == ImportStatus.INVALID
    assert len(job.errors) <= 1000
    assert max(len(e["value"]) for e in job.errors) <= 100
    assert len(json.dumps(job.errors, ensure_ascii=False)) < 400_000


def test_the_upload_is_stored_0600_and_removed_when_the_job_cannot_be_saved(org, settings, monkeypatch):
    queued: list[int] = []
    monkeypatch.setattr(tasks, "run_import_task", SimpleNamespace(enqueue=queued.append))
    job = run(org.users.alice, xlsx(_rows(org)))
    assert os.stat(job.path).st_mode & 0o777 == 0o600
    Path(job.path).unlink()

    def broken(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(ImportJob.objects, "create", broken)
    with pytest.raises(RuntimeError):
        run(org.users.alice, xlsx(_rows(org)))
    assert _uploads(settings) == []


def test_an_unexpected_failure_in_the_worker_deletes_the_file(org, settings, monkeypatch):
    def boom(path):
        raise MemoryError

    monkeypatch.setattr(services, "count_data_rows", boom)
    job = run(org.users.alice, xlsx(_rows(org)))
    assert (job.status, job.message) == (ImportStatus.FAILED, "导入意外失败，未写入任何数据。错误已记入日志。")
    assert _uploads(settings) == []
