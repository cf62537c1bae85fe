"""Entering workers on an event's page: the user's own workers, a page at a time, each with whether
they may enter and every reason if not; tick several and enter them at once."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjiang.core.batch import summary
from gongjiang.core.pagination import CappedPaginator
from gongjiang.orgs.rules import ENTER_COMPETITIONS
from gongjiang.people.queries import search_workers

from . import registration
from .enums import EntryState, State
from .views import visible_event

CANDIDATES_PAGE = 25
MAX_BATCH = 200  # workers entered in one request


@login_required
def event_candidates(request: HttpRequest, pk: int) -> HttpResponse:
    """A page of the user's own workers not yet entered (without a search, those of the event's occupation),
    eligible ones to tick, the others with every reason; an htmx partial of the event's page."""
    event = visible_event(request, pk)
    scope = request.scope
    if not scope.has(ENTER_COMPETITIONS):
        raise PermissionDenied
    q = request.GET.get("q", "").strip()
    every_trade = request.GET.get("all") == "1"
    qs = registration.own_workers(scope).exclude(
        pk__in=event.entries.filter(state=EntryState.REGISTERED).values("worker_id")
    )
    if not (every_trade or q):  # a search looks for a person, whatever their trade
        qs = qs.filter(occupations=event.occupation_id)
    qs = search_workers(qs, q) if q else qs.order_by("-id")
    columns = ("name", "id_number_masked", "birth_date", "status", "union_id", "employer__name")
    page = CappedPaginator(qs.select_related("employer").only(*columns), CANDIDATES_PAGE).get_page(
        request.GET.get("page")
    )
    found = registration.candidates(event, list(page.object_list))
    context = {
        "event": event,
        "page": page,
        "q": q,
        "every_trade": every_trade,
        "eligible": [c for c in found if c.eligible],
        "refused": [c for c in found if not c.eligible],
        "workers": [c.worker for c in found if c.eligible],
        "open": event.competition.state == State.REGISTRATION,
    }
    return render(request, "competitions/candidates.html", context)


@login_required
@require_POST
def entry_register(request: HttpRequest, pk: int) -> HttpResponse:
    """Enter one worker (the row's button) or every ticked worker, each on its own, and say what
    happened to each."""
    event = visible_event(request, pk)
    single = request.POST.get("worker", "")
    raw = [single] if single else request.POST.getlist("workers")
    ids = [int(value) for value in raw if value.isdigit()][:MAX_BATCH]
    if not ids:
        messages.error(request, _("Choose a worker."))
        return redirect(event)
    outcomes = registration.register_many(
        actor=request.user, scope=request.scope, event=event, worker_ids=ids, team=request.POST.get("team", "").strip()
    )
    if len(outcomes) > 1:
        counts = summary(outcomes)
        messages.info(request, _("%(done)s entered, %(refused)s refused.") % counts)
    for outcome in outcomes:
        if outcome.done:
            messages.success(request, _("%(name)s is entered.") % {"name": outcome.label})
        else:
            messages.error(
                request,
                _("%(name)s cannot be entered: %(reasons)s") % {"name": outcome.label, "reasons": outcome.reason},
            )
    return redirect(event)
