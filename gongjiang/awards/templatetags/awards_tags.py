"""``{% awards_todo %}``: what waits for this official in the awards, on the home page."""

from typing import Any

from django import template

from gongjiang.orgs.rules import REVIEW_AWARDS

from ..enums import CycleState, DecisionState, LineState, NominationState
from ..models import Decision, LedgerLine, Nomination
from ..queries import programmes_for

register = template.Library()


@register.inclusion_tag("awards/todo.html", takes_context=True)
def awards_todo(context: dict[str, Any]) -> dict[str, Any]:
    request = context["request"]
    scope, user = request.scope, request.user
    if not user.is_authenticated:
        return {"items": []}
    lines = LedgerLine.objects.filter(programme__in=programmes_for(scope))
    items = [
        (
            "review",
            Decision.objects.filter(state=DecisionState.PROPOSED, owner_id__in=scope.union_ids(REVIEW_AWARDS)).count()
            if scope.has(REVIEW_AWARDS)
            else 0,
        ),
        ("approve", lines.filter(state=LineState.PROPOSED).exclude(proposed_by=user).count()),
        ("pay", lines.filter(state=LineState.APPROVED).exclude(approved_by=user).count()),
        (
            "score",
            Nomination.objects.filter(
                cycle__reviewers=user, cycle__state=CycleState.REVIEWING, state=NominationState.SUBMITTED
            )
            .exclude(reviews__reviewer=user)
            .count(),
        ),
    ]
    return {"items": [(kind, n) for kind, n in items if n]}
