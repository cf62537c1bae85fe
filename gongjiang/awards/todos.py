"""What waits for this official in the awards, on the home page: proposals to review, payments to
approve or to pay (never one's own), nominations to score."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from gongjiang.core.todolist import Todo
from gongjiang.orgs.rules import REVIEW_AWARDS

from .enums import CycleState, DecisionState, LineState, NominationState
from .models import Decision, LedgerLine, Nomination
from .queries import programmes_for


def _review(request: Any) -> int:
    scope = request.scope
    if not scope.has(REVIEW_AWARDS):
        return 0
    return Decision.objects.filter(state=DecisionState.PROPOSED, owner_id__in=scope.union_ids(REVIEW_AWARDS)).count()


def _lines(request: Any) -> Any:
    return LedgerLine.objects.filter(programme__in=programmes_for(request.scope))


def _approve(request: Any) -> int:
    return _lines(request).filter(state=LineState.PROPOSED).exclude(proposed_by=request.user).count()


def _pay(request: Any) -> int:
    return _lines(request).filter(state=LineState.APPROVED).exclude(approved_by=request.user).count()


def _score(request: Any) -> int:
    return (
        Nomination.objects.filter(
            cycle__reviewers=request.user, cycle__state=CycleState.REVIEWING, state=NominationState.SUBMITTED
        )
        .exclude(reviews__reviewer=request.user)
        .count()
    )


TODOS = [
    Todo(
        "review",
        _("Reward and promotion proposals to review"),
        "clipboard-check",
        "awards:decisions",
        "state=proposed",
        _review,
    ),
    Todo("approve", _("Payments to approve"), "check2-square", "awards:ledger", "state=proposed", _approve),
    Todo("pay", _("Approved payments to pay"), "cash-coin", "awards:ledger", "state=approved", _pay),
    Todo("score", _("Nominations to score"), "star", "awards:cycles", "", _score),
]
