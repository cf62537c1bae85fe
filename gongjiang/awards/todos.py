"""What waits for an official in the awards, on the home page: proposals to review, payments to
approve or to pay (never one's own), honour cycles to approve, nomination places still open (with the soonest closing date),
nominations to score. Each to-do's rows are what its list shows under ``?todo=<key>``."""

from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongjiang.core.todolist import Todo
from gongjiang.orgs.rules import APPROVE_PAYMENTS, REVIEW_AWARDS

from .enums import CycleState, DecisionState, LineState, NominationState
from .models import Allocation, Decision, HonourCycle, LedgerLine, Nomination
from .queries import cycles_for, lines_for, programmes_for


def _review(request: Any) -> QuerySet[Decision]:
    # An owner in the review's reach makes the decision visible (decisions_for), so that one filter
    # says it all: one read of the closure table, none for the province.
    scope = request.scope
    return Decision.objects.filter(scope.union_filter(REVIEW_AWARDS, "owner"), state=DecisionState.PROPOSED)


def _lines(request: Any) -> QuerySet[LedgerLine]:
    return lines_for(request.scope).filter(programme__in=programmes_for(request.scope))


def _approve(request: Any) -> QuerySet[LedgerLine]:
    return _lines(request).filter(state=LineState.PROPOSED).exclude(proposed_by=request.user)


def _pay(request: Any) -> QuerySet[LedgerLine]:
    return _lines(request).filter(state=LineState.APPROVED).exclude(approved_by=request.user)


def _score(request: Any) -> QuerySet[HonourCycle]:
    """Cycles in expert review where this reviewer has nominations still to score."""
    unscored = Nomination.objects.filter(cycle=OuterRef("pk"), state=NominationState.SUBMITTED).exclude(
        reviews__reviewer=request.user
    )
    return (
        cycles_for(request.scope, request.user.pk)
        .filter(reviewers=request.user, state=CycleState.REVIEWING)
        .filter(Exists(unscored))
    )


def _cycles_to_approve(request: Any) -> QuerySet[HonourCycle]:
    """Cycles in public notice: the province approves their nominees."""
    if not request.scope.has(APPROVE_PAYMENTS):
        return HonourCycle.objects.none()
    return cycles_for(request.scope, request.user.pk).filter(state=CycleState.NOTICE)


def _open_allocations(request: Any) -> QuerySet[Allocation]:
    """Allocations to the user's own unions (not the subtree's) in cycles still taking nominations, with
    places left: the city nominates, the province watches."""
    scope = request.scope
    if not scope.has(REVIEW_AWARDS):
        return Allocation.objects.none()
    open_until = Q(cycle__nominations_close_on__isnull=True) | Q(cycle__nominations_close_on__gte=timezone.localdate())
    return (
        Allocation.objects.filter(
            open_until, cycle__state=CycleState.NOMINATING, union_id__in=scope.roots(REVIEW_AWARDS)
        )
        .annotate(used=Count("nominations", filter=~Q(nominations__state=NominationState.WITHDRAWN)))
        .filter(used__lt=F("quota"))
    )


def _nominate(request: Any) -> QuerySet[HonourCycle]:
    return cycles_for(request.scope, request.user.pk).filter(pk__in=_open_allocations(request).values("cycle_id"))


def _places_note(request: Any) -> str:
    places = _open_allocations(request).aggregate(q=Sum("quota"), u=Sum("used"))
    n = (places["q"] or 0) - (places["u"] or 0)
    return _("%(n)s nomination places open") % {"n": n}


TODOS = [
    Todo(
        "review",
        gettext_lazy("Reward and promotion proposals to review"),
        "clipboard-check",
        "awards:decisions",
        "state=proposed&todo=review",
        rows=_review,
    ),
    Todo(
        "approve",
        gettext_lazy("Payments to approve"),
        "check2-square",
        "awards:ledger",
        "state=proposed&todo=approve",
        rows=_approve,
    ),
    Todo(
        "pay",
        gettext_lazy("Approved payments to pay"),
        "cash-coin",
        "awards:ledger",
        "state=approved&todo=pay",
        rows=_pay,
    ),
    Todo(
        "honours_approve",
        gettext_lazy("Honour cycles in public notice, to approve"),
        "award",
        "awards:cycles",
        "todo=honours_approve",
        rows=_cycles_to_approve,
    ),
    Todo(
        "nominate",
        gettext_lazy("Honour cycles with nomination places open"),
        "person-plus",
        "awards:cycles",
        "todo=nominate",
        rows=_nominate,
        soonest="nominations_close_on",
        note=_places_note,
    ),
    Todo(
        "score",
        gettext_lazy("Honour cycles with nominations to score"),
        "star",
        "awards:cycles",
        "todo=score",
        rows=_score,
    ),
]
