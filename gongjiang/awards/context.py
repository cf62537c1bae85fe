from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .enums import CycleState
from .models import HonourCycle


def expert_reviews(request: HttpRequest) -> dict[str, object]:
    """``is_expert_reviewer``: the user scores nominations in an open cycle (asked only when a page needs it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_expert_reviewer": False}
    return {
        "is_expert_reviewer": SimpleLazyObject(
            lambda: HonourCycle.objects.filter(reviewers=user, state=CycleState.REVIEWING).exists()
        )
    }
