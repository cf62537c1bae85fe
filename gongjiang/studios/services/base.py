"""What every studios service shares: the domain error, today, the studio scope check, month arithmetic."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from gongjiang.core.errors import DomainError
from gongjiang.orgs.scope import Scope

from ..models import (
    Studio,
)
from ..queries import can_act_for


class StudiosError(DomainError):
    """A broken business rule, with a message for the user."""


def _today() -> dt.date:
    return timezone.localdate()


def _require_studio(scope: Scope, studio: Studio) -> None:
    if not can_act_for(scope, studio):
        raise PermissionDenied


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)
