"""Storing an upload as a job, and running a job. Which jobs run in the task worker is decided in
:mod:`.tasks` (``start_import``), the only module that knows the worker."""

import gc
import hashlib
import logging
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongjiang.core.models import User
from gongjiang.orgs.scope import Scope

from .base import MAX_ERRORS, FileError, count_data_rows, read_table
from .models import ImportJob, ImportStatus
from .registry import importers, may_import

logger = logging.getLogger(__name__)


def upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def create_job(
    *, actor: User, scope: Scope, kind: str, upload: UploadedFile, context: dict[str, Any] | None = None
) -> ImportJob:
    """Check the capability and the file's size, store the upload and queue a job for it."""
    if not may_import(scope, kind):
        raise PermissionDenied
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in {".xlsx", ".csv"}:
        raise FileError(_("Upload an .xlsx or .csv file."))
    if upload.size and upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise FileError(_("The file is larger than 50 MB; split it into several files."))
    path = upload_dir() / f"{uuid.uuid4().hex}{suffix}"
    digest = hashlib.sha256()
    path.touch(mode=0o600, exist_ok=False)  # readable by the service's user only: it holds plaintext IDs
    with path.open("wb") as fh:
        for chunk in upload.chunks():
            digest.update(chunk)
            fh.write(chunk)
    try:
        rows = count_data_rows(path)
        if rows > settings.IMPORT_MAX_ROWS:
            raise FileError(
                _("The file has %(rows)s rows; split it into files of at most %(max)s rows.")
                % {"rows": rows, "max": settings.IMPORT_MAX_ROWS}
            )
    except FileError:
        path.unlink(missing_ok=True)
        raise
    return ImportJob.objects.create(
        kind=kind,
        created_by=actor,
        filename=(upload.name or "")[:200],
        path=str(path),
        sha256=digest.hexdigest(),
        language=translation.get_language() or settings.LANGUAGE_CODE,
        total_rows=rows,
        context=context or {},
    )


def run_import(job_id: int) -> None:
    """Check every row, then write all of them or none, then delete the upload. Runs once per job."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, phase="checking"
    )
    if not claimed:
        return
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    importer_cls = importers()[job.kind]
    importer = importer_cls(actor=job.created_by, scope=Scope(job.created_by), context=job.context)

    def progress(done: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done)

    # The import allocates millions of small acyclic objects; the cyclic collector would
    # scan them over and over (15–19% of a 100k import) for nothing to free.
    gc.disable()
    with translation.override(job.language):
        try:
            records = importer.clean_rows(read_table(Path(job.path)), progress)
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
    job.save()
    # The upload holds plaintext ID numbers; once checked or written it is not kept.
    Path(job.path).unlink(missing_ok=True)
