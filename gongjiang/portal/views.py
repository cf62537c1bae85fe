"""The home page (every app's to-dos, the counts of the user's scope) and the public certificate check."""

from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gongjiang.colleges.models import CompletionCertificate
from gongjiang.competitions.models import Certificate
from gongjiang.core.plugins import cached_contributions
from gongjiang.core.todolist import first_things_first, waiting_for
from gongjiang.orgs.models import UnionAncestor
from gongjiang.orgs.rules import VIEW_EMPLOYERS, VIEW_UNIONS, VIEW_WORKERS
from gongjiang.orgs.scope import Scope
from gongjiang.stats.models import Count, FillState, Grain

# The home page's counts: (key, the stock indicator in the rollups, the capability whose reach it counts).
HOME_COUNTS = (
    ("unions", "unions", VIEW_UNIONS),
    ("employers", "employers", VIEW_EMPLOYERS),
    ("workers", "workers", VIEW_WORKERS),
)


def scope_counts(scope: Scope) -> tuple[dict[str, int | None], datetime | None]:
    """The home page's counts, read from the statistics rollups (a union's row counts its whole
    subtree), never from the raw tables; and when the stalest of them was filled (``None``: not yet).

    A user holding a capability at several unions gets the sum over the topmost of them (a union
    below another of their unions is already counted there). A count not filled yet is ``None``.
    """
    roots = {key: scope.roots(cap) for key, _code, cap in HOME_COUNTS}
    every = set().union(*roots.values())
    if len(every) > 1:  # drop the unions that lie below another of the user's unions
        below = set(
            UnionAncestor.objects.filter(descendant_id__in=every, ancestor_id__in=every)
            .exclude(descendant_id=F("ancestor_id"))
            .values_list("descendant_id", flat=True)
        )
        roots = {key: ids - below for key, ids in roots.items()}
    codes = [code for _key, code, _cap in HOME_COUNTS]
    states = {s.indicator: s.done_at for s in FillState.objects.filter(indicator__in=codes, state=FillState.DONE)}
    latest: dict[tuple[str, int], tuple] = {}
    rows = Count.objects.filter(indicator__in=codes, union_id__in=every, grain=Grain.YEAR, dimension="")
    for code, union_id, period, value in rows.values_list("indicator", "union_id", "period", "value"):
        if (code, union_id) not in latest or latest[code, union_id][0] < period:
            latest[code, union_id] = (period, value)
    counts: dict[str, int | None] = {}
    for key, code, _cap in HOME_COUNTS:
        filled = code in states and states[code] is not None
        counts[key] = sum(latest.get((code, u), (None, 0))[1] for u in roots[key]) if filled else None
    done = [states.get(code) for code in codes]
    fresh = None if None in done else min(d for d in done if d is not None)
    return counts, fresh


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    counts: dict[str, int | None] = {}
    fresh = None
    if scope.has(VIEW_WORKERS):
        counts, fresh = scope_counts(scope)
    # the user's own record (any user sees their own), read with the user by portal.auth.Backend
    own_worker = getattr(request.user, "worker", None)
    # each app's todos.py: what waits for this user, counted within their scope, shown only when some does;
    # what is due soonest comes first
    todos = first_things_first(waiting_for(request, cached_contributions("todos", "TODOS")))
    return render(
        request,
        "portal/home.html",
        {
            "counts": counts,
            "counts_fresh": fresh,
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
