"""What every studios service shares: the domain error, today, the studio scope check, month arithmetic,
and which union may name (命名) a studio or an alliance of each level."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from gongjiang.core.errors import DomainError
from gongjiang.orgs.enums import UnionKind
from gongjiang.orgs.models import Union, UnionAncestor
from gongjiang.orgs.rules import CAPABILITIES, MANAGE_STUDIOS
from gongjiang.orgs.scope import Scope

from ..enums import Level
from ..models import (
    Studio,
)
from ..queries import can_act_for


class StudiosError(DomainError):
    """A broken business rule, with a message for the user."""


# Which union may name a studio or an alliance of each level: the kinds of union a naming role must sit at.
NAMING_UNIONS: dict[str, frozenset[str]] = {
    Level.NATIONAL: frozenset({UnionKind.PROVINCE}),  # recorded by the province for the national body
    Level.PROVINCIAL: frozenset({UnionKind.PROVINCE}),
    Level.CITY: frozenset({UnionKind.PROVINCE, UnionKind.CITY, UnionKind.INDUSTRY}),
    Level.ENTERPRISE: frozenset({UnionKind.PROVINCE, UnionKind.CITY, UnionKind.INDUSTRY, UnionKind.COUNTY}),
}


def naming_union(scope: Scope, level: str, union_id: int) -> Union | None:
    """The union, of a kind allowed to name ``level``, from which the user's role reaches ``union_id``."""
    allowed = NAMING_UNIONS[level]
    for role in scope.roles:
        if (
            MANAGE_STUDIOS in CAPABILITIES.get(role.kind, ())
            and role.union.kind in allowed
            and UnionAncestor.objects.filter(ancestor_id=role.union_id, descendant_id=union_id).exists()
        ):
            return role.union
    return None


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
