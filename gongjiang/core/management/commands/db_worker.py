"""``manage.py db_worker``: django-tasks-db's worker, renewing a heartbeat that /healthz reads.

The heartbeat row is written when the worker starts and then at most every
``WORKER_HEARTBEAT_SECONDS`` while it waits for work and between tasks.
"""

import datetime
import os
import socket
import time

from django.conf import settings
from django.db import DatabaseError, close_old_connections
from django.utils import timezone
from django_tasks_db.management.commands import db_worker

from gongjiang.core.models import WorkerHeartbeat


def beat(worker_id: str, started_at: datetime.datetime) -> None:
    """Record that this worker is alive now (a failed write waits for the next beat)."""
    try:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=worker_id,
            defaults={
                "host": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": started_at,
                "seen_at": timezone.now(),
            },
        )
    except DatabaseError:
        close_old_connections()


class _BeatingClock:
    """The ``time`` module as the upstream worker loop sees it: each sleep between polls beats."""

    def __init__(self, worker: "HeartbeatWorker") -> None:
        self.worker = worker

    def sleep(self, seconds: float) -> None:
        self.worker.maybe_beat()
        time.sleep(seconds)

    def __getattr__(self, name: str) -> object:
        return getattr(time, name)


class HeartbeatWorker(db_worker.Worker):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.started_at = timezone.now()
        self.last_beat = -float("inf")
        db_worker.time = _BeatingClock(self)  # type: ignore[assignment]

    def maybe_beat(self) -> None:
        now = time.monotonic()
        if now - self.last_beat >= settings.WORKER_HEARTBEAT_SECONDS:
            self.last_beat = now
            beat(self.worker_id, self.started_at)

    def run(self) -> None:
        self.maybe_beat()
        super().run()

    def run_task(self, db_task_result: object) -> None:
        super().run_task(db_task_result)  # type: ignore[arg-type]
        self.maybe_beat()


class Command(db_worker.Command):
    help = "Run the background task worker (with the heartbeat /healthz reads)"

    def handle(self, *args: object, **options: object) -> None:
        # Only the upstream module's own names are swapped, for this process's worker loop.
        original_worker, original_time = db_worker.Worker, db_worker.time
        db_worker.Worker = HeartbeatWorker  # type: ignore[misc]
        try:
            super().handle(*args, **options)  # type: ignore[arg-type]
        finally:
            db_worker.Worker, db_worker.time = original_worker, original_time  # type: ignore[misc]
