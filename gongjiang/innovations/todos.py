"""What waits in the innovations' review, on the home page: to check (the enterprise union), to appraise
(the union that holds the expert appraisal), to calculate (the enterprise union) and to confirm (the
enterprise's finance). Each to-do's rows are what the list shows under ``?todo=<key>``."""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy

from gongjiang.core.todolist import Todo, once
from gongjiang.orgs.rules import APPRAISE_INNOVATIONS, CONFIRM_BENEFITS, REVIEW_INNOVATIONS

from .enums import State
from .models import Innovation
from .queries import innovations_for_user


def _waiting(request: Any, cap: str, state: str, *, exact: bool = False) -> QuerySet[Innovation]:
    # Innovations in one state are few beside a city's reach (26,573 closure rows at province scale):
    # each is probed in the closure (Scope.probing), the reach is not hashed, twice, per to-do.
    scope = request.scope.probing()
    if not scope.has(cap):
        return Innovation.objects.none()
    reach = Q(union_id__in=scope.roots(cap)) if exact else scope.union_filter(cap)
    return once(request, "innovations.visible", lambda: innovations_for_user(scope)).filter(reach, state=state)


TODOS = [
    Todo(
        "innovations_check",
        gettext_lazy("Innovations to check"),
        "clipboard-check",
        "innovations:list",
        "state=submitted&todo=innovations_check",
        rows=lambda r: _waiting(r, REVIEW_INNOVATIONS, State.SUBMITTED),
    ),
    Todo(
        "innovations_appraise",
        gettext_lazy("Innovations to appraise"),
        "award",
        "innovations:list",
        "state=checked&todo=innovations_appraise",
        rows=lambda r: _waiting(r, APPRAISE_INNOVATIONS, State.CHECKED),
    ),
    Todo(
        "innovations_calculate",
        gettext_lazy("Innovation benefits to calculate"),
        "calculator",
        "innovations:list",
        "state=appraised&todo=innovations_calculate",
        rows=lambda r: _waiting(r, REVIEW_INNOVATIONS, State.APPRAISED),
    ),
    Todo(
        "innovations_confirm",
        gettext_lazy("Innovation benefits to confirm"),
        "cash-stack",
        "innovations:list",
        "state=calculated&todo=innovations_confirm",
        rows=lambda r: _waiting(r, CONFIRM_BENEFITS, State.CALCULATED, exact=True),
    ),
]
