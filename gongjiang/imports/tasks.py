from django_tasks import task

from .services import run_import


@task()
def run_import_task(job_id: int) -> None:
    run_import(job_id)
