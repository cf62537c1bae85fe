"""The home page (every app's to-dos, the counts of the user's scope) and the public certificate check."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gongjiang.colleges.models import CompletionCertificate
from gongjiang.competitions.models import Certificate
from gongjiang.core.plugins import cached_contributions
from gongjiang.core.todolist import first_things_first
from gongjiang.orgs.queries import employers_for_user, unions_for_user
from gongjiang.orgs.rules import VIEW_WORKERS
from gongjiang.people.queries import workers_for_user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    counts = {}
    if scope.has(VIEW_WORKERS):
        counts = {
            "unions": unions_for_user(scope).count(),
            "employers": employers_for_user(scope).count(),
            "workers": workers_for_user(scope, own=False).count(),
        }
    own_worker = workers_for_user(scope).filter(user=request.user).first()
    # each app's todos.py: what waits for this user, counted within their scope, shown only when some does;
    # what is due soonest comes first
    todos = first_things_first(
        [waiting for todo in cached_contributions("todos", "TODOS") if (waiting := todo.for_request(request))]
    )
    return render(
        request,
        "portal/home.html",
        {
            "counts": counts,
            "own_worker": own_worker,
            "roles": scope.roles,
            "todos": todos,
            "items": [(waiting.key, waiting.count) for waiting in todos],
        },
    )


def verify(request: HttpRequest, code: str = "") -> HttpResponse:
    """Anyone, without logging in, checks a certificate by its code and sees masked data only.

    Each app that issues certificates offers ``VERIFIERS`` in its ``certificates.py``: functions
    from a code to the card that shows it (a template and its context), or None. Codes are unique
    across apps; the first that knows the code answers.
    """
    code = (code or request.GET.get("code", "")).strip().upper()
    context: dict[str, object] = {"code": code, "card": None}
    if code:
        for find in cached_contributions("certificates", "VERIFIERS"):
            if found := find(code):
                template, card_context = found
                context |= {"card": template, **card_context}
                break
    return render(request, "portal/verify.html", context)


@login_required
def my_certificates(request: HttpRequest) -> HttpResponse:
    """A worker's own valid certificates, competition and college alike, on a phone."""
    competition = (
        Certificate.objects.filter(result__entry__worker__user=request.user, revoked_at__isnull=True)
        .select_related("result__event__competition")
        .order_by("-issued_at")
    )
    college = (
        CompletionCertificate.objects.filter(completion__worker__user=request.user, revoked_at__isnull=True)
        .select_related("completion__enrolment__cohort__college")
        .order_by("-issued_at")
    )
    return render(
        request,
        "portal/my_certificates.html",
        {"competition": competition, "college": college, "nav": "my_certificates"},
    )
