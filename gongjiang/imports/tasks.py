"""The only module that knows the task worker: a job runs in the request or in the worker by its size."""

from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django_tasks import task

from gongjiang.core.models import User
from gongjiang.orgs.scope import Scope

from .models import ImportJob
from .services import create_job, run_import


@task()
def run_import_task(job_id: int) -> None:
    run_import(job_id)


def start_import(
    *, actor: User, scope: Scope, kind: str, upload: UploadedFile, context: dict[str, Any] | None = None
) -> ImportJob:
    """Store the upload, then run it at once or hand it to the worker by its size."""
    job = create_job(actor=actor, scope=scope, kind=kind, upload=upload, context=context)
    if job.total_rows <= settings.IMPORT_INLINE_MAX_ROWS:
        run_import(job.pk)
        job.refresh_from_db()
    else:
        run_import_task.enqueue(job.pk)
    return job
