"""Targets for forming alliances, and the funds an alliance receives through the ledger."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from gongjiang.awards import services as awards
from gongjiang.awards.models import LedgerLine
from gongjiang.core import audit
from gongjiang.core.models import AuditAction, User
from gongjiang.orgs.models import Union
from gongjiang.orgs.rules import MANAGE_STUDIOS
from gongjiang.orgs.scope import Scope
from gongjiang.policy.models import Programme

from ..models import (
    Alliance,
    Target,
)
from ..queries import activity_funds_source, subsidy_source
from .base import StudiosError


def propose_subsidy(*, actor: User, scope: Scope, alliance: Alliance) -> LedgerLine | None:
    """Propose the alliance's one-time subsidy through the ledger, if a subsidy rule in force covers its
    level (5万 for a provincial alliance); the rule decides the amount and cites its document. A second
    call returns the first line. The line then goes through the ledger's approval and payment."""
    return awards.propose_subsidy(
        actor=actor,
        scope=scope,
        subject="alliance",
        level=alliance.level,
        union=alliance.lead_union,
        payee=alliance.lead_union.name,
        source=subsidy_source(alliance),
        subject_name=alliance.name,
    )


@transaction.atomic
def propose_activity_funds(
    *, actor: User, scope: Scope, alliance: Alliance, programme: Programme, year: int, amount: Decimal, purpose: str
) -> LedgerLine:
    """Propose the alliance's activity funds for a year from a union's own programme (e.g. a city's
    yearly alliance budget). The lead union's officials propose; the line is approved and paid in the
    ledger by two other hands. One line per alliance and year."""
    scope.require(MANAGE_STUDIOS, alliance.lead_union_id)
    with translation.override("zh-hans"):  # the ledger's reasons are kept in Chinese, like its other lines
        reason = _("%(alliance)s: activity funds for %(year)s. %(purpose)s") % {
            "alliance": alliance.name,
            "year": year,
            "purpose": purpose.strip(),
        }
    try:
        return awards.propose_payment(
            actor=actor,
            scope=scope,
            programme=programme,
            year=year,
            union=alliance.lead_union,
            payee=alliance.lead_union.name,
            amount=amount,
            reason=reason,
            source=activity_funds_source(alliance, year),
        )
    except awards.AwardError as exc:
        raise StudiosError(str(exc)) from exc


@transaction.atomic
def set_target(
    *, actor: User, scope: Scope, union: Union, year: int, alliances: int, cumulative: bool = False, document: str = ""
) -> Target:
    scope.require(MANAGE_STUDIOS, union.pk)
    if alliances < 1:
        raise StudiosError(_("A target is at least one alliance."))
    target, created = Target.objects.update_or_create(
        union=union, year=year, cumulative=cumulative, defaults={"alliances": alliances, "document": document}
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=target,
        before=None if created else {},
        after={"year": year, "alliances": alliances, "cumulative": cumulative},
        union_id=union.pk,
    )
    return target


@transaction.atomic
def set_yearly_targets(*, actor: User, scope: Scope, year: int, alliances: int = 1, document: str = "") -> int:
    """Every city and industrial union in the user's reach is to form ``alliances`` in ``year``."""
    from ..queries import target_unions

    unions = list(target_unions(scope))
    if not unions:
        raise PermissionDenied
    for union in unions:
        set_target(actor=actor, scope=scope, union=union, year=year, alliances=alliances, document=document)
    return len(unions)
