"""The yearly evaluation of alliance members on weighted criteria, and the inactivity check."""

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from gongjiang.core import audit
from gongjiang.core.models import AuditAction, User
from gongjiang.orgs.rules import MANAGE_STUDIOS
from gongjiang.orgs.scope import Scope

from ..enums import (
    CURRENT_MEMBER_STATES,
    EvaluationOutcome,
    MemberState,
)
from ..models import (
    Alliance,
    Claim,
    Criterion,
    Evaluation,
    Membership,
    Problem,
    Project,
)
from .alliance import _move_member
from .base import StudiosError, _add_months, _today


@transaction.atomic
def set_criteria(*, actor: User, scope: Scope, alliance: Alliance, weights: Sequence[tuple[str, Decimal]]) -> None:
    """Replace the alliance's criteria; the weights must add up to 100. Past evaluations keep their scores."""
    scope.require(MANAGE_STUDIOS, alliance.lead_union_id)
    names = [n.strip() for n, _w in weights]
    if not weights or any(not n for n in names) or len(set(names)) != len(names):
        raise StudiosError(_("Each criterion needs a distinct name."))
    if any(w <= 0 for _n, w in weights) or sum(w for _n, w in weights) != 100:
        raise StudiosError(_("The weights must be positive and add up to 100."))
    before = {c.name: str(c.weight) for c in alliance.criteria.all()}
    alliance.criteria.all().delete()
    Criterion.objects.bulk_create(
        Criterion(alliance=alliance, name=n, weight=w, position=i)
        for i, (n, w) in enumerate(zip(names, (w for _n, w in weights), strict=True))
    )
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=alliance,
        before={"criteria": before},
        after={"criteria": {n: str(w) for n, (_x, w) in zip(names, weights, strict=True)}},
        union_id=alliance.lead_union_id,
    )


def weighted_total(criteria: Sequence[Criterion], scores: dict[int, Decimal]) -> Decimal:
    """Σ score × weight ÷ 100, each score 0–100, rounded half up to two places."""
    total = sum((Decimal(scores[c.pk]) * c.weight / 100 for c in criteria), Decimal(0))
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@transaction.atomic
def evaluate_member(
    *,
    actor: User,
    scope: Scope,
    membership: Membership,
    year: int,
    scores: dict[int, Decimal],
    on: dt.date | None = None,
) -> Evaluation:
    """Score one member for a year on the alliance's criteria. At or above the bar: passed (a warning
    is lifted). Below it: a member in good standing is warned; one already warned is delisted."""
    alliance = membership.alliance
    scope.require(MANAGE_STUDIOS, alliance.lead_union_id)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    on = on or _today()
    if membership.state not in CURRENT_MEMBER_STATES:
        raise StudiosError(_("Only a current member is evaluated."))
    if membership.evaluations.filter(year=year).exists():
        raise StudiosError(_("This member has already been evaluated for %(year)s.") % {"year": year})
    criteria = list(alliance.criteria.all())
    if not criteria:
        raise StudiosError(_("The alliance has no evaluation criteria."))
    missing = [c.name for c in criteria if c.pk not in scores]
    if missing:
        raise StudiosError(_("Score every criterion: %(names)s.") % {"names": "、".join(missing)})
    if any(not 0 <= Decimal(scores[c.pk]) <= 100 for c in criteria):
        raise StudiosError(_("Scores run from 0 to 100."))
    total = weighted_total(criteria, scores)
    if total >= alliance.bar:
        outcome, reason = EvaluationOutcome.PASSED, ""
        if membership.state == MemberState.WARNED:
            _move_member(
                actor=actor, membership=membership, to=MemberState.ACTIVE, reason=_("Passed the evaluation"), on=on
            )
    else:
        reason = _("%(year)s evaluation: %(total)s, below the bar of %(bar)s.") % {
            "year": year,
            "total": total,
            "bar": alliance.bar,
        }
        if membership.state == MemberState.WARNED:
            outcome = EvaluationOutcome.DELISTED
            _move_member(actor=actor, membership=membership, to=MemberState.DELISTED, reason=reason, on=on)
        else:
            outcome = EvaluationOutcome.WARNED
            _move_member(actor=actor, membership=membership, to=MemberState.WARNED, reason=reason, on=on)
    evaluation = Evaluation.objects.create(
        membership=membership,
        year=year,
        scores={c.name: str(Decimal(scores[c.pk])) for c in criteria},
        total=total,
        outcome=outcome,
        reason=reason,
        scored_by=actor,
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=evaluation,
        after={"year": year, "total": str(total), "outcome": outcome},
        union_id=alliance.lead_union_id,
    )
    return evaluation


def last_active(membership: Membership) -> dt.date:
    """The last day the member did something in the alliance: joined, took part in an activity, posted
    or claimed a problem, or worked on a joint project."""
    days = [membership.joined_on]
    days.append(membership.activities.aggregate(d=Max("held_on"))["d"])
    if membership.studio_id:
        alliance = membership.alliance_id
        days.append(
            Problem.objects.filter(alliance_id=alliance, studio_id=membership.studio_id).aggregate(
                d=Max("posted_at__date")
            )["d"]
        )
        days.append(
            Claim.objects.filter(problem__alliance_id=alliance, studio_id=membership.studio_id).aggregate(
                d=Max("claimed_at__date")
            )["d"]
        )
        projects = Project.objects.filter(alliance_id=alliance, participants=membership.studio_id)
        days.append(projects.aggregate(d=Max("started_on"))["d"])
        days.append(projects.aggregate(d=Max("closed_on"))["d"])
    return max(d for d in days if d is not None)


@transaction.atomic
def check_inactivity(
    *, actor: User, scope: Scope, alliance: Alliance, on: dt.date | None = None
) -> list[tuple[Membership, str]]:
    """Warn every current member inactive for the alliance's period; delist one already warned for
    inactivity and still inactive a full period after the warning. Returns what was done."""
    scope.require(MANAGE_STUDIOS, alliance.lead_union_id)
    on = on or _today()
    done = []
    for membership in alliance.memberships.filter(state__in=CURRENT_MEMBER_STATES).select_related("alliance"):
        last = last_active(membership)
        if _add_months(last, alliance.inactive_months) > on:
            continue
        reason = _("Inactive since %(date)s (more than %(months)s months).") % {
            "date": last.isoformat(),
            "months": alliance.inactive_months,
        }
        if membership.state == MemberState.ACTIVE:
            _move_member(actor=actor, membership=membership, to=MemberState.WARNED, reason=reason, on=on)
            done.append((membership, MemberState.WARNED.value))
        elif membership.warned_on and _add_months(membership.warned_on, alliance.inactive_months) <= on:
            _move_member(actor=actor, membership=membership, to=MemberState.DELISTED, reason=reason, on=on)
            done.append((membership, MemberState.DELISTED.value))
    return done
