"""Storing an upload as a job, and running a job. Which jobs run in the task worker is decided in
:mod:`.tasks` (``start_import``), the only module that knows the worker.

The web request only stores the file (0600, deleted on every failure path) and queues the job; the
worker counts and checks it. A running job holds a lease that a heartbeat renews; a job whose lease
ran out (its worker was killed) is marked failed and its file deleted by :func:`expire_lapsed_jobs`.
A lapsed job is failed rather than retried: an import writes all or nothing, so nothing was written,
but the file that was running when the worker died may be what killed it, and a retry would feed it
to the next worker; the user reads why and uploads again.
"""

import datetime as dt
import gc
import hashlib
import logging
import os
import threading
import uuid
import zipfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import connections
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongjiang.core.models import User
from gongjiang.orgs.scope import Scope

from .base import MAX_ERRORS, FileError, count_data_rows, read_table
from .models import ImportJob, ImportStatus
from .registry import importers, may_import

logger = logging.getLogger(__name__)

# An xlsx member this large that inflates more than this many times is a zip bomb, not a sheet.
_BOMB_MIN_BYTES = 10 * 1024 * 1024
_BOMB_RATIO = 100


def upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def create_job(
    *, actor: User, scope: Scope, kind: str, upload: UploadedFile, context: dict[str, Any] | None = None
) -> ImportJob:
    """Check the capability, the type and the size, store the upload (0600) and queue a job for it.

    Nothing here reads the file: counting and checking its rows is the worker's work."""
    if not may_import(scope, kind):
        raise PermissionDenied
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in {".xlsx", ".csv"}:
        raise FileError(_("Upload an .xlsx or .csv file."))
    if upload.size and upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise FileError(_("The file is larger than 50 MB; split it into several files."))
    path = upload_dir() / f"{uuid.uuid4().hex}{suffix}"
    digest = hashlib.sha256()
    try:
        # created 0600 from the start: the file holds plaintext ID numbers
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as fh:
            for chunk in upload.chunks():
                digest.update(chunk)
                fh.write(chunk)
        return ImportJob.objects.create(
            kind=kind,
            created_by=actor,
            filename=(upload.name or "")[:200],
            path=str(path),
            sha256=digest.hexdigest(),
            language=translation.get_language() or settings.LANGUAGE_CODE,
            context=context or {},
        )
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def check_archive(path: Path) -> None:
    """Refuse an xlsx whose members inflate beyond the cap, or far beyond their packed size."""
    if path.suffix.lower() != ".xlsx":
        return
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileError(_("The file is not a readable Excel workbook.")) from exc
    total = sum(m.file_size for m in members)
    bomb = any(m.file_size > _BOMB_MIN_BYTES and m.file_size > _BOMB_RATIO * max(m.compress_size, 1) for m in members)
    if bomb or total > settings.IMPORT_MAX_UNCOMPRESSED_BYTES:
        raise FileError(
            _(
                "The workbook unpacks to %(size)s MB, more than this platform reads (%(max)s MB) or than its data can hold; save the sheet again or split it."
            )
            % {"size": total // (1024 * 1024), "max": settings.IMPORT_MAX_UNCOMPRESSED_BYTES // (1024 * 1024)}
        )


def _lease_end() -> dt.datetime:
    return timezone.now() + dt.timedelta(seconds=settings.IMPORT_LEASE_SECONDS)


class _Heartbeat(threading.Thread):
    """Renews a running job's lease every third of its length, on its own database connection."""

    def __init__(self, job_id: int) -> None:
        super().__init__(name=f"import-lease-{job_id}", daemon=True)
        self.job_id = job_id
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(settings.IMPORT_LEASE_SECONDS / 3):
                try:
                    renew_lease(self.job_id)
                except Exception:  # e.g. SQLite's write lock held by the import itself: try again next beat
                    logger.warning("import %s: lease not renewed this beat", self.job_id, exc_info=True)
        finally:
            connections.close_all()


def renew_lease(job_id: int) -> None:
    ImportJob.objects.filter(pk=job_id, status=ImportStatus.RUNNING).update(lease_expires_at=_lease_end())


def expire_lapsed_jobs() -> int:
    """Fail every running job whose lease ran out (its worker died) and delete its file."""
    lapsed = list(
        ImportJob.objects.filter(status=ImportStatus.RUNNING, lease_expires_at__lt=timezone.now()).values_list(
            "pk", "path", "language"
        )
    )
    failed = 0
    for pk, path, language in lapsed:
        with translation.override(language):
            message = _(
                "The background worker stopped while importing this file; nothing was written. Upload the file again."
            )
        failed += ImportJob.objects.filter(
            pk=pk, status=ImportStatus.RUNNING, lease_expires_at__lt=timezone.now()
        ).update(status=ImportStatus.FAILED, phase="", message=message, finished_at=timezone.now())
        Path(path).unlink(missing_ok=True)
        logger.warning("import %s: the worker's lease ran out; marked failed", pk)
    return failed


def run_import(job_id: int) -> None:
    """Count and check every row, then write all of them or none, then delete the upload. Runs once
    per job; whatever happens, the upload is deleted and the job ends in a final state."""
    expire_lapsed_jobs()
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, phase="counting", lease_expires_at=_lease_end()
    )
    if not claimed:
        return
    heartbeat = _Heartbeat(job_id)
    heartbeat.start()
    try:
        _run(ImportJob.objects.select_related("created_by").get(pk=job_id))
    finally:
        heartbeat.stopped.set()
        # The upload holds plaintext ID numbers; once checked or written it is not kept.
        Path(ImportJob.objects.values_list("path", flat=True).get(pk=job_id)).unlink(missing_ok=True)


def _run(job: ImportJob) -> None:
    importer_cls = importers()[job.kind]
    importer = importer_cls(actor=job.created_by, scope=Scope(job.created_by), context=job.context)
    importer.job_id = job.pk

    def progress(done: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done)

    # The import allocates millions of small acyclic objects; the cyclic collector would
    # scan them over and over (15–19% of a 100k import) for nothing to free.
    gc.disable()
    with translation.override(job.language):
        try:
            path = Path(job.path)
            check_archive(path)
            job.total_rows = count_data_rows(path)
            if job.total_rows > settings.IMPORT_MAX_ROWS:
                raise FileError(
                    _("The file has %(rows)s rows; split it into files of at most %(max)s rows.")
                    % {"rows": job.total_rows, "max": settings.IMPORT_MAX_ROWS}
                )
            ImportJob.objects.filter(pk=job.pk).update(phase="checking", total_rows=job.total_rows)
            records = importer.clean_rows(read_table(path), progress)
            importer.clean_file(records)  # checks the clean rows too, so one round shows every problem
            if importer.errors:
                importer.errors.sort(key=lambda e: e.row)
                job.status = ImportStatus.INVALID
                job.errors = [e.as_dict() for e in importer.errors[:MAX_ERRORS]]
                job.error_count = len(importer.errors)
            else:
                ImportJob.objects.filter(pk=job.pk).update(phase="writing", processed_rows=job.total_rows)
                counts = importer.write(records)
                job.status = ImportStatus.DONE
                job.created, job.updated, job.unchanged = counts["created"], counts["updated"], counts["unchanged"]
        except FileError as exc:
            job.status = ImportStatus.INVALID
            job.message = str(exc)
        except Exception:
            logger.exception("import %s failed", job.pk)
            job.status = ImportStatus.FAILED
            job.message = _("The import failed unexpectedly; nothing was written. The error has been logged.")
        finally:
            gc.enable()
    job.phase = ""
    job.processed_rows = job.total_rows
    job.finished_at = timezone.now()
    job.lease_expires_at = None
    job.save()
