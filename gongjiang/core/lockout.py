"""Log-in throttling, kept in the database so every process sees the same failures.

Two rules, both in force for every log-in form (the site's and the operations admin's):

* the (account, address) pair that failed ``LOGIN_MAX_FAILURES`` times inside the window is
  locked for ``LOGIN_LOCK_SECONDS``: whoever guesses from that address stops, while the real
  user, from their own address, is not locked out;
* an account (or an address) with many recent failures from anywhere is slowed down, not shut:
  each further attempt waits twice as long as the one before, up to ``LOGIN_MAX_DELAY_SECONDS``.

The client address is REMOTE_ADDR, or, when the request comes from a proxy listed in
``TRUSTED_PROXIES``, the nearest address in X-Forwarded-For that is not one of those proxies.
"""

import datetime as dt
import ipaddress
import math

from django.conf import settings
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from .models import LoginFailure


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest | None) -> str | None:
    """The address that sent the request, trusting X-Forwarded-For only from configured proxies."""
    if request is None:
        return None
    remote = _valid_ip(request.META.get("REMOTE_ADDR", ""))
    trusted = set(settings.TRUSTED_PROXIES)
    if remote is None or remote not in trusted:
        return remote
    forwarded = [a for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    for candidate in reversed(forwarded):  # right to left: the nearest hop first
        address = _valid_ip(candidate)
        if address is None:
            return remote  # a forged or garbled chain: trust only the proxy itself
        if address not in trusted:
            return address
    return remote


def _delay(failures: int, after: int) -> float:
    """Seconds to wait after the latest failure, doubling with each failure past ``after``."""
    if failures < after:
        return 0.0
    return float(min(settings.LOGIN_BASE_DELAY_SECONDS * 2 ** (failures - after), settings.LOGIN_MAX_DELAY_SECONDS))


def seconds_to_wait(username: str, ip: str | None) -> int:
    """0 if this attempt may be checked now, else how many seconds the caller must wait."""
    now = timezone.now()
    recent = LoginFailure.objects.filter(at__gte=now - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS))
    username = username.lower()
    waits = [0.0]

    def until(rows, seconds: float) -> float:  # type: ignore[no-untyped-def]
        latest = rows.aggregate(latest=Max("at"))["latest"]
        return (latest + dt.timedelta(seconds=seconds) - now).total_seconds() if latest else 0.0

    pair = recent.filter(username=username, ip=ip)
    if pair.count() >= settings.LOGIN_MAX_FAILURES:
        waits.append(until(pair, settings.LOGIN_LOCK_SECONDS))
    account = recent.filter(username=username)
    if delay := _delay(account.count(), settings.LOGIN_SLOWDOWN_AFTER):
        waits.append(until(account, delay))
    if ip:
        address = recent.filter(ip=ip)
        if delay := _delay(address.count(), settings.LOGIN_ADDRESS_SLOWDOWN_AFTER):
            waits.append(until(address, delay))
    return max(0, math.ceil(max(waits)))


def describe_wait(seconds: int) -> str:
    """How long to wait, in the reader's language: whole minutes from a minute up, else seconds."""
    if seconds >= 60:
        minutes = math.ceil(seconds / 60)
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}


def locked_message(seconds: int) -> str:
    return gettext("Too many failed attempts. Try again in %(wait)s.") % {"wait": describe_wait(seconds)}


def record_failure(username: str, ip: str | None) -> None:
    LoginFailure.objects.create(username=username.lower()[:150], ip=ip or None)


def clear_failures(username: str, ip: str | None) -> None:
    """A successful log-in forgives its own address's failures; others' still slow the account."""
    LoginFailure.objects.filter(username=username.lower(), ip=ip or None).delete()
