"""``/healthz`` for monitoring: plain JSON, no log-in, no personal data, no scope data.

200 when every check passes, 503 otherwise; each check says what it saw:

- ``database``: a query answers;
- ``migrations``: how many known migrations are not applied (0 to pass);
- ``worker``: the age in seconds of the newest task-worker heartbeat (``manage.py db_worker``);
- ``disk``: free megabytes where the database file and the uploads live.
"""

import shutil
import time
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .models import WorkerHeartbeat

_migrations_applied = False  # once all are applied, this process's code cannot need more


def _database() -> dict:
    try:
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}
    except DatabaseError as exc:
        return {"ok": False, "error": type(exc).__name__}


def _migrations() -> dict:
    global _migrations_applied  # noqa: PLW0603
    if not _migrations_applied:
        executor = MigrationExecutor(connection)
        unapplied = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
        if unapplied:
            return {"ok": False, "unapplied": unapplied}
        _migrations_applied = True
    return {"ok": True, "unapplied": 0}


def _worker() -> dict:
    newest = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    limit = settings.WORKER_HEARTBEAT_MAX_AGE
    if newest is None:
        return {"ok": False, "age_seconds": None, "max_age_seconds": limit}
    age = max(0, round((timezone.now() - newest).total_seconds()))
    return {"ok": age <= limit, "age_seconds": age, "max_age_seconds": limit}


def _watched_dirs() -> list[Path]:
    dirs = [Path(settings.MEDIA_ROOT)]
    if connection.vendor == "sqlite":
        dirs.append(Path(str(connection.settings_dict["NAME"])).parent)
    return dirs


def _disk() -> dict:
    free = []
    for directory in _watched_dirs():
        probe = directory
        while not probe.exists() and probe != probe.parent:
            probe = probe.parent
        free.append(shutil.disk_usage(probe).free // (1024 * 1024))
    least = min(free)
    return {"ok": least >= settings.HEALTH_MIN_FREE_MB, "free_mb": least, "min_free_mb": settings.HEALTH_MIN_FREE_MB}


def checks() -> dict[str, dict]:
    result = {"database": _database()}
    if result["database"]["ok"]:
        for name, check in (("migrations", _migrations), ("worker", _worker)):
            try:
                result[name] = check()
            except DatabaseError as exc:  # e.g. the heartbeat table not migrated yet
                result[name] = {"ok": False, "error": type(exc).__name__}
    result["disk"] = _disk()
    return result


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    found = checks()
    ok = all(check["ok"] for check in found.values()) and len(found) == 4
    body = {"status": "ok" if ok else "fail", "checks": found}
    return JsonResponse(body, status=200 if ok else 503)
