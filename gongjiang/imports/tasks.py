"""The only module that knows the task worker: every job runs there, so a web request only stores the
upload and answers at once, whatever the file's size."""

from typing import Any

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
    """Store the upload and hand it to the worker (in tests the worker is immediate)."""
    job = create_job(actor=actor, scope=scope, kind=kind, upload=upload, context=context)
    run_import_task.enqueue(job.pk)
    job.refresh_from_db()
    return job
