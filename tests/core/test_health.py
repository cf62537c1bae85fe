"""/healthz: what a monitor needs, to anyone, and nothing personal."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.test import Client, override_settings
from django.utils import timezone

from gongjiang.core import health
from gongjiang.core.models import WorkerHeartbeat
from tests.conftest import HARBIN_ID, HARBIN_PHONE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _roomy_disk():
    with override_settings(HEALTH_MIN_FREE_MB=0):
        yield


def _get() -> tuple[int, dict, object]:
    response = Client().get("/healthz")
    return response.status_code, json.loads(response.content), response


@pytest.mark.django_db(transaction=True)  # the worker loop closes connections, as in production
def test_the_worker_command_beats_and_health_answers_200_without_log_in(org, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    status, body, response = _get()
    assert status == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "migrations", "worker", "disk"}
    assert body["checks"]["migrations"] == {"ok": True, "unapplied": 0}
    assert body["checks"]["worker"]["age_seconds"] <= 5
    assert "no-cache" in response["Cache-Control"]
    assert response["Content-Type"] == "application/json"
    text = response.content.decode()
    for secret in (HARBIN_ID, HARBIN_PHONE, org.users.alice.username, "哈尔滨"):
        assert secret not in text


def test_no_worker_or_a_stale_one_answers_503():
    status, body, _ = _get()
    assert status == 503
    assert body["checks"]["worker"] == {"ok": False, "age_seconds": None, "max_age_seconds": 120}
    old = timezone.now() - dt.timedelta(minutes=5)
    WorkerHeartbeat.objects.create(worker_id="w", host="h", pid=1, started_at=old, seen_at=old)
    status, body, _ = _get()
    assert status == 503
    assert body["checks"]["worker"]["age_seconds"] >= 300


def test_unapplied_migrations_and_a_full_disk_answer_503(monkeypatch):
    WorkerHeartbeat.objects.create(worker_id="w", host="h", pid=1, started_at=timezone.now(), seen_at=timezone.now())
    monkeypatch.setattr(health, "_migrations_applied", False)
    monkeypatch.setattr(health.MigrationExecutor, "migration_plan", lambda self, targets: [("core", "9999_new")])
    status, body, _ = _get()
    assert status == 503
    assert body["checks"]["migrations"] == {"ok": False, "unapplied": 1}
    monkeypatch.undo()
    with override_settings(HEALTH_MIN_FREE_MB=10**12):
        status, body, _ = _get()
    assert status == 503
    assert body["checks"]["disk"]["ok"] is False
    assert body["checks"]["migrations"]["ok"] is True


def test_an_unreachable_database_answers_503(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(health.connection, "cursor", refuse)
    status, body, _ = _get()
    assert status == 503
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert set(body["checks"]) == {"database", "disk"}


def test_only_get():
    assert Client().post("/healthz").status_code == 405
