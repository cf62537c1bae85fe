"""What waits in the imports, on the home page: the user's worker files of the last 14 days that were
rejected or failed and not since imported cleanly. Its rows are what the import page shows under
``?todo=failed_imports``."""

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from gongjiang.core.todolist import Todo

from .models import ImportJob, ImportStatus

RECENT_DAYS = 14


def _failed(request: Any) -> QuerySet[ImportJob]:
    if not request.user.is_authenticated:
        return ImportJob.objects.none()
    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    redone = ImportJob.objects.filter(
        created_by=OuterRef("created_by"),
        kind=OuterRef("kind"),
        status=ImportStatus.DONE,
        created_at__gt=OuterRef("created_at"),
    )
    return ImportJob.objects.filter(
        created_by=request.user,
        kind="workers",
        status__in=[ImportStatus.INVALID, ImportStatus.FAILED],
        created_at__gte=since,
    ).exclude(Exists(redone))


TODOS = [
    Todo(
        "failed_imports",
        gettext_lazy("Worker imports that failed and are not yet redone"),
        "file-earmark-x",
        "imports:list",
        "todo=failed_imports",
        rows=_failed,
    ),
]
