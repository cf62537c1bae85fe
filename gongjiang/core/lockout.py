"""Log-in lock-out, kept in the database so every process sees the same failures."""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from .models import LoginFailure


def _since() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def is_locked(username: str, ip: str | None) -> bool:
    recent = LoginFailure.objects.filter(at__gte=_since())
    if recent.filter(username=username.lower()).count() >= settings.LOGIN_MAX_FAILURES:
        return True
    return bool(ip) and recent.filter(ip=ip).count() >= settings.LOGIN_MAX_FAILURES_PER_IP


def record_failure(username: str, ip: str | None) -> None:
    LoginFailure.objects.create(username=username.lower()[:150], ip=ip or None)


def clear_failures(username: str) -> None:
    LoginFailure.objects.filter(username=username.lower()).delete()
