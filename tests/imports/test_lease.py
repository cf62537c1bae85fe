"""Jobs that survive a crash: a running job holds a lease its worker renews; once the lease runs out
the job is failed with a message, its file deleted, and the progress page stops polling."""

import csv
import datetime as dt
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from gongjiang.core.fakeids import make_id_number
from gongjiang.imports import services, tasks
from gongjiang.imports.models import ImportJob, ImportStatus
from gongjiang.people.samples import header
from tests.imports.test_worker_import import _rows, run, xlsx

ROOT = Path(__file__).resolve().parents[2]


def _queued(org, monkeypatch) -> ImportJob:
    monkeypatch.setattr(tasks, "run_import_task", SimpleNamespace(enqueue=lambda pk: None))
    return run(org.users.alice, xlsx(_rows(org)))


def test_a_job_whose_lease_ran_out_is_failed_its_file_deleted_and_the_page_stops_polling(org, monkeypatch, as_user):
    job = _queued(org, monkeypatch)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, phase="checking", lease_expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    page = as_user(org.users.alice).get(f"/imports/jobs/{job.pk}/").content.decode()
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.finished_at is not None
    assert job.message == "后台任务进程在导入此文件时停止，未写入任何数据。请重新上传文件。"
    assert job.message in page and "hx-trigger" not in page
    assert not Path(job.path).exists()


def test_a_live_lease_is_left_alone_and_the_runner_renews_it(org, monkeypatch, settings):
    job = _queued(org, monkeypatch)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, lease_expires_at=timezone.now() + dt.timedelta(seconds=60)
    )
    assert services.expire_lapsed_jobs() == 0
    assert Path(job.path).exists()
    services.renew_lease(job.pk)
    job.refresh_from_db()
    assert job.lease_expires_at > timezone.now() + dt.timedelta(seconds=settings.IMPORT_LEASE_SECONDS - 5)


def _big_csv(org, rows: int) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header())
    uscc = org.harbin_employer.uscc
    for n in range(rows):
        birth = dt.date(1970, 1, 1) + dt.timedelta(days=n % 12000)
        writer.writerow([f"工人{n}", make_id_number("230102", birth, n % 999, male=n % 2 == 0), "", uscc, "车工"])
    return buf.getvalue().encode()


def _job_row(job_id: int, database: str) -> tuple[str, int]:
    if connection.vendor == "sqlite":
        import sqlite3

        with sqlite3.connect(database) as db:
            return db.execute("select status, processed_rows from imports_importjob where id = ?", (job_id,)).fetchone()
    job = ImportJob.objects.get(pk=job_id)
    return job.status, job.processed_rows


@pytest.mark.django_db(transaction=True)
def test_a_killed_db_worker_leaves_a_failed_job_no_file_and_a_page_that_stops_polling(org, settings, tmp_path):
    """A real ``manage.py db_worker`` is SIGKILLed mid-import; once its lease lapses the job is failed."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.IMPORT_LEASE_SECONDS = 3
    monkey = pytest.MonkeyPatch()
    monkey.setattr(tasks, "run_import_task", SimpleNamespace(enqueue=lambda pk: None))
    job = run(org.users.alice, SimpleUploadedFile("workers.csv", _big_csv(org, 60_000)))
    monkey.undo()
    tasks.run_import_task.enqueue(job.pk)  # into the database queue the worker reads

    env = dict(os.environ, IMPORT_LEASE_SECONDS="3")
    if connection.vendor == "sqlite":
        database = str(tmp_path / "worker.sqlite3")
        import sqlite3

        with sqlite3.connect(database) as target:
            connection.ensure_connection()
            connection.connection.backup(target)
        env["DATABASE_URL"] = f"sqlite:///{database}"
    else:
        database = connection.settings_dict["NAME"]
        params = connection.settings_dict
        env["DATABASE_URL"] = f"postgres://{params['USER']}@{params['HOST']}:{params['PORT']}/{database}"
    manage = [sys.executable, str(ROOT / "manage.py")]
    worker = subprocess.Popen(  # noqa: S603
        [*manage, "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            status, processed = _job_row(job.pk, database)
            if status == ImportStatus.RUNNING and processed > 0:
                break
            assert status in {ImportStatus.QUEUED, ImportStatus.RUNNING}, status
            time.sleep(0.2)
        else:
            pytest.fail("the worker never started the import")
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert _job_row(job.pk, database)[0] == ImportStatus.RUNNING  # the dead worker left it running
    assert Path(job.path).exists()
    time.sleep(4)  # the lease (3 s) runs out
    check = (
        "import json; from django.test import Client; from gongjiang.core.models import User;"
        "from gongjiang.imports.models import ImportJob; from pathlib import Path;"
        "from tests.conftest import finish_sign_in;"
        "c = Client(); u = User.objects.get(username='alice'); c.force_login(u); finish_sign_in(c, u);"
        f"page = c.get('/imports/jobs/{job.pk}/').content.decode(); j = ImportJob.objects.get(pk={job.pk});"
        "print(json.dumps([j.status, j.message, 'hx-trigger' in page, j.message in page, Path(j.path).exists()]))"
    )
    command = [*manage, "shell", "-c", check]
    out = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603
    assert out.returncode == 0, out.stderr
    import json

    status, message, polling, shown, file_left = json.loads(out.stdout.strip().splitlines()[-1])
    assert (status, polling, shown, file_left) == (ImportStatus.FAILED, False, True, False)
    assert message == "后台任务进程在导入此文件时停止，未写入任何数据。请重新上传文件。"
