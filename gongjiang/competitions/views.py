from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjiang.core.actions import submit
from gongjiang.core.audit import history
from gongjiang.core.cells import Links, day, number
from gongjiang.core.http import is_htmx
from gongjiang.core.pagination import CappedPaginator, CountedApart
from gongjiang.core.plugins import cached_contributions
from gongjiang.core.todolist import narrow as narrow_todo
from gongjiang.orgs.figures import narrow
from gongjiang.orgs.rules import ENTER_COMPETITIONS, MANAGE_COMPETITIONS, MANAGE_POLICY, VIEW_COMPETITIONS, VIEW_WORKERS

from . import judging as judging_module
from . import medals, readiness, services
from .enums import EntryState, Kind, State, Tier, next_states
from .exports import EntryExporter
from .forms import AssignJudgeForm, CompetitionForm, EventForm, JudgeForm, OrganisingRightForm
from .models import Competition, Entry, OrganisingRight
from .queries import (
    assignments_for_user,
    competitions_for_user,
    entries_for_user,
    events_for_user,
    judges_for_user,
    manages,
)
from .todos import TODOS

PAGE_SIZE = 50
LIST_COUNT_CAP = 1_000  # "more than 1,000 results": the competition list counts no further


def visible_competition(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    return get_object_or_404(competitions_for_user(request.scope).select_related("organiser"), pk=pk)


def visible_event(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    return get_object_or_404(
        events_for_user(request.scope).select_related("competition__organiser", "occupation"), pk=pk
    )


@login_required
def competition_list(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    if not any(scope.has(c) for c in (MANAGE_COMPETITIONS, ENTER_COMPETITIONS, VIEW_COMPETITIONS)):
        raise PermissionDenied
    qs = _filtered(request, competitions_for_user(scope)).select_related("organiser").order_by("-starts_on", "-id")
    qs, figure = narrow(request, qs)  # the rows behind a statistical figure
    # a figure asked for (one out of reach or of another app's rows selects nothing) or a to-do
    narrowed = bool(request.GET.get("figure")) or request.GET.get("todo") in {todo.key for todo in TODOS}
    qs = narrow_todo(request, qs, TODOS)
    if narrowed:  # a figure's or a to-do's rows: counted in full, whose total their link shows
        rows: Any = qs
    else:
        # The list as such: the page walked down ``competition_newest`` with each row probed for the
        # scope (``Scope.walking``), at most LIST_COUNT_CAP rows counted, probed the same way for a
        # city's officials and through the reach's hash for others (issue 17: a city admin's page
        # hashed the city's 26,573 closure rows twice, and its count read 23,000 competitions to
        # count 10,001; 20-50 ms each at province scale).
        walked = _filtered(request, competitions_for_user(scope.walking()))
        walked = walked.select_related("organiser").order_by("-starts_on", "-id")
        rows = CountedApart(walked, walked if scope.city_wide((MANAGE_COMPETITIONS, VIEW_COMPETITIONS)) else qs)
    page = CappedPaginator(rows, PAGE_SIZE, cap=None if narrowed else LIST_COUNT_CAP).get_page(request.GET.get("page"))
    # Events are counted for the competitions on this page only, not grouped over every event.
    shown = {competition.pk: competition for competition in page.object_list}
    counts = dict(Competition.objects.filter(pk__in=shown).annotate(n=Count("events")).values_list("pk", "n"))
    for pk, competition in shown.items():
        competition.event_count = counts.get(pk, 0)
    q = request.GET.get("q", "").strip()
    context = {"page": page, "q": q, "tiers": Tier.choices, "states": State.choices, "nav": "competitions"}
    context["rows"] = _competition_rows(page.object_list)
    context["figure"] = figure
    template = "competitions/competition_list.html#table" if is_htmx(request) else "competitions/competition_list.html"
    return render(request, template, context)


def _competition_rows(competitions: list[Competition]) -> list[dict[str, str]]:
    """The list's cells as strings, made here rather than in the template (``core.cells``: 50 rows a
    page at province scale; each row's ``reverse``, two date filters and two choice labels were most of
    the page's rendering)."""
    link = Links("competitions:detail")
    return [
        {
            "url": link(c.pk),
            "name": c.name,
            "series": c.series,
            "tier": str(c.get_tier_display()),
            "organiser": c.organiser.name,
            "dates": f"{day(c.starts_on)} – {day(c.ends_on)}",
            "events": number(c.event_count),  # type: ignore[attr-defined]
            "state": str(c.get_state_display()),
        }
        for c in competitions
    ]


def _filtered(request: HttpRequest, qs: QuerySet[Competition]) -> QuerySet[Competition]:
    """The list's own filters: the words searched, the tier, the state."""
    if q := request.GET.get("q", "").strip():
        qs = qs.filter(Q(name__contains=q) | Q(series__contains=q))
    if tier := request.GET.get("tier"):
        qs = qs.filter(tier=tier)
    if state := request.GET.get("state"):
        qs = qs.filter(state=state)
    return qs


@login_required
def competition_create(request: HttpRequest) -> HttpResponse:
    if not request.scope.has(MANAGE_COMPETITIONS):
        raise PermissionDenied
    if found := _found_organisers(request):
        return found
    form = CompetitionForm(request.POST or None, scope=request.scope, find=_find(request))
    if done := submit(
        request,
        form,
        lambda: services.create_competition(actor=request.user, scope=request.scope, data=form.to_data()),
        success=_("Competition created. Add its events, then open registration."),
    ):
        return done
    context = {"form": form, "find": _find(request), "nav": "competitions"}
    return render(request, "competitions/competition_form.html", context)


@login_required
def competition_edit(request: HttpRequest, pk: int) -> HttpResponse:
    competition = visible_competition(request, pk)
    request.scope.require(MANAGE_COMPETITIONS, competition.organiser_id)
    if found := _found_organisers(request, competition.organiser_id):
        return found
    initial = {name: getattr(competition, name) for name in CompetitionForm.base_fields}
    form = CompetitionForm(request.POST or None, scope=request.scope, initial=initial, find=_find(request))
    if done := submit(
        request,
        form,
        lambda: services.update_competition(
            actor=request.user, scope=request.scope, competition=competition, data=form.to_data()
        ),
        success=_("Changes saved."),
        then=competition,
    ):
        return done
    context = {"form": form, "competition": competition, "find": _find(request), "nav": "competitions"}
    return render(request, "competitions/competition_form.html", context)


def _find(request: HttpRequest) -> str:
    """The union name typed in the find box above the competition form."""
    return request.GET.get("union_q", "").strip()


def _found_organisers(request: HttpRequest, chosen: int | None = None) -> HttpResponse | None:
    """The find box's htmx request: the organiser drop-down alone, listing the unions in reach whose
    name holds the term, and the one chosen so far (the form's, else ``chosen``)."""
    if not (is_htmx(request) and request.method == "GET" and "union_q" in request.GET):
        return None
    kept = request.GET.get("organiser") or chosen
    form = CompetitionForm(initial={"organiser": kept}, scope=request.scope, find=_find(request))
    return HttpResponse(str(form["organiser"]))


def move_label(kind: str, state: str) -> str:
    """A state as its button names it: a labour competition's move to final is publishing its final standing."""
    if kind == Kind.LABOUR and state == State.FINAL:
        return _("Publish the final standing")
    return str(State(state).label)


@login_required
def competition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    competition = visible_competition(request, pk)
    scope = request.scope
    is_manager = manages(scope, competition)
    # The entries the user sees (queries.entries_for_user), said of this competition's own entries:
    # all of them for its organisers, else those of the user's workers. Not "entry IN (every entry
    # the user sees)", which made PostgreSQL read every entry in reach (19 million for the province).
    seen = Q(entries__state=EntryState.REGISTERED)
    if not is_manager:
        seen &= Q(entries__union__in=scope.union_ids(VIEW_WORKERS)) | Q(
            entries__union__in=scope.union_ids(ENTER_COMPETITIONS)
        )
    events = competition.events.select_related("occupation").annotate(entry_count=Count("entries", filter=seen))
    moves = next_states(competition.kind, competition.state) if is_manager else ()
    guarded = [s for s in moves if s in readiness.GUARDED]
    facts = services.readiness_facts(competition) if guarded else []
    # what a move would be refused for, named before the official presses the button
    not_ready = [
        (State(s).label, reasons) for s in guarded if (reasons := readiness.refusals(s, facts, competition.kind))
    ]
    return render(
        request,
        "competitions/competition_detail.html",
        {
            "competition": competition,
            "events": events,
            "manages": is_manager,
            "next_states": [(s, move_label(competition.kind, s)) for s in moves],
            "is_labour": competition.kind == Kind.LABOUR,
            "not_ready": not_ready,
            # a labour competition awards no medals: its units are placed in its final standing (its panel)
            "medals": None if competition.kind == Kind.LABOUR else medals.medal_table(competition),
            "panels": [
                p for panel in cached_contributions("panels", "COMPETITION_PANELS") if (p := panel(scope, competition))
            ],
            "history": history(competition)[:50] if is_manager else [],
            "nav": "competitions",
        },
    )


@login_required
@require_POST
def competition_transition(request: HttpRequest, pk: int) -> HttpResponse:
    competition = visible_competition(request, pk)
    try:
        services.transition(
            actor=request.user, scope=request.scope, competition=competition, to=request.POST.get("to", "")
        )
    except (services.CompetitionError, KeyError, ValueError) as exc:
        messages.error(request, str(exc) if isinstance(exc, services.CompetitionError) else _("Unknown state."))
    else:
        if competition.kind == Kind.LABOUR and request.POST["to"] == State.FINAL:
            messages.success(request, _("The final standing is published; the competition is finished."))
        else:
            messages.success(
                request, _("The competition is now “%(state)s”.") % {"state": State(request.POST["to"]).label}
            )
    return redirect(competition)


def _event_form_view(request: HttpRequest, competition, event=None) -> HttpResponse:  # type: ignore[no-untyped-def]
    request.scope.require(MANAGE_COMPETITIONS, competition.organiser_id)
    initial = {name: getattr(event, name) for name in EventForm.base_fields} if event else None
    form = EventForm(request.POST or None, initial=initial)
    if done := submit(
        request,
        form,
        lambda: services.save_event(
            actor=request.user, scope=request.scope, competition=competition, event=event, fields=form.cleaned_data
        ),
        success=_("Event saved."),
    ):
        return done
    context = {"form": form, "competition": competition, "event": event, "nav": "competitions"}
    return render(request, "competitions/event_form.html", context)


@login_required
def event_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _event_form_view(request, visible_competition(request, pk))


@login_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = visible_event(request, pk)
    return _event_form_view(request, event.competition, event)


def _event_entries(request: HttpRequest, event):  # type: ignore[no-untyped-def]
    # The competition's organisers see every entry of its events (queries.entries_for_user), so
    # for them the scope's three "union in reach" tests, each hashing every union below a
    # province admin (50,000), are left out.
    seen = Entry.objects.all() if manages(request.scope, event.competition) else entries_for_user(request.scope)
    return (
        seen.filter(event=event).select_related("worker", "employer", "result").order_by("state", "competitor_no", "id")
    )


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = visible_event(request, pk)
    scope = request.scope
    competition = event.competition
    can_enter = scope.has(ENTER_COMPETITIONS) and competition.state == State.REGISTRATION
    page = CappedPaginator(_event_entries(request, event), PAGE_SIZE).get_page(request.GET.get("page"))
    is_manager = manages(scope, competition)
    assignments = event.assignments.select_related("judge__employer") if is_manager else []
    # the judges to assign by hand: a short list found by name (a province's pools may hold thousands)
    judge_find = request.GET.get("judge_q", "").strip()
    judging_open = competition.state in services.JUDGING_STATES
    assign_form = (
        AssignJudgeForm(scope=scope, event=event, find=judge_find, initial={"judge": request.GET.get("judge")})
        if is_manager and judging_open
        else None
    )
    if assign_form is not None and is_htmx(request) and "judge_q" in request.GET:
        return HttpResponse(str(assign_form["judge"]))
    return render(
        request,
        "competitions/event_detail.html",
        {
            "assignments": assignments,
            "assign_form": assign_form,
            "judge_find": judge_find,
            "judging_open": judging_open,
            "event": event,
            "competition": competition,
            "page": page,
            "manages": manages(scope, competition),
            "can_enter": can_enter,
            "can_withdraw": competition.state in {State.REGISTRATION, State.IN_PROGRESS},
            "published": competition.state in {State.NOTICE, State.FINAL, State.ARCHIVED},
            "can_object": competition.state == State.NOTICE,
            # what other apps show on an event's page (the colleges: courses derived from it)
            "panels": [p for panel in cached_contributions("panels", "EVENT_PANELS") if (p := panel(scope, event))],
            "nav": "competitions",
        },
    )


@login_required
def event_entries_export(request: HttpRequest, pk: int) -> HttpResponse:
    event = visible_event(request, pk)
    return EntryExporter().response(
        _event_entries(request, event).iterator(chunk_size=2000), request.GET.get("fmt", "csv")
    )


@login_required
@require_POST
def entry_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(entries_for_user(request.scope).select_related("event__competition", "worker"), pk=pk)
    try:
        services.withdraw_entry(
            actor=request.user, scope=request.scope, entry=entry, reason=request.POST.get("reason", "")
        )
    except services.CompetitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The entry of %(name)s is withdrawn.") % {"name": entry.worker.name})
    return redirect(entry.event)


@login_required
def judge_list(request: HttpRequest) -> HttpResponse:
    """The judge pools the user manages or may draw from, and a form to add a judge."""
    scope = request.scope
    if not scope.has(MANAGE_COMPETITIONS):
        raise PermissionDenied
    find = request.GET.get("employer_q", "").strip()
    form = JudgeForm(request.POST or None, scope=scope, find=find)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        services.add_judge(
            actor=request.user,
            scope=scope,
            pool=d["pool"],
            name=d["name"],
            region_code=d["region"].code,
            occupations=list(d["occupations"]),
            employer=d["employer"],
            affiliation=d["affiliation"],
            user=d["username"],
        )
        messages.success(request, _("Judge added to the pool."))
        return redirect("competitions:judges")
    qs = judges_for_user(scope).select_related("pool", "employer").prefetch_related("occupations").order_by("name")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(affiliation__contains=q) | Q(occupations__name=q)).distinct()
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "form": form, "q": q, "find": find, "nav": "judges"}
    return render(request, "competitions/judge_list.html", context)


@login_required
@require_POST
def event_assign(request: HttpRequest, pk: int) -> HttpResponse:
    event = visible_event(request, pk)
    scope = request.scope
    if not manages(scope, event.competition):
        raise PermissionDenied
    # any judge the user may assign (refused, saying so, outside them); the service checks the rest
    form = AssignJudgeForm(request.POST, scope=scope, event=event)
    try:
        if "draw" in request.POST:
            count = int(request.POST.get("count", "0") or 0)
            drawn = services.draw_judges(actor=request.user, scope=scope, event=event, count=max(0, min(count, 20)))
            messages.success(request, _("%(n)s judges drawn at random.") % {"n": len(drawn)})
        elif not request.POST.get("judge"):
            messages.error(request, _("Choose a judge."))
        elif not form.is_valid():
            messages.error(request, " ".join(form.errors["judge"]))
        else:
            judge = form.cleaned_data["judge"]
            services.assign_judge(actor=request.user, scope=scope, event=event, judge=judge)
            messages.success(request, _("%(name)s is assigned.") % {"name": judge.name})
    except services.CompetitionError as exc:
        messages.error(request, str(exc))
    return redirect(event)


@login_required
@require_POST
def assignment_change(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(
        assignments_for_user(request.scope).select_related("event__competition", "judge"), pk=pk
    )
    try:
        if request.POST.get("action") == "chief":
            services.set_chief(actor=request.user, scope=request.scope, assignment=assignment)
        else:
            services.unassign_judge(actor=request.user, scope=request.scope, assignment=assignment)
    except services.CompetitionError as exc:
        messages.error(request, str(exc))
    return redirect(assignment.event)


@login_required
def judging(request: HttpRequest) -> HttpResponse:
    """A judge's own events: those to mark first, with progress (marked / total), then those whose
    sign-off waits for the chief judge, then those not yet in marking, then the history. A to-do
    (``?todo=``) narrows them to the events it counts."""
    rows = narrow_todo(request, judging_module.ordered_assignments(request.user), TODOS)
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    progress = judging_module.judge_progress(request.user, page.object_list)
    groups = {stage: [p for p in progress if p.stage == stage] for stage in ("to_mark", "sign_off", "upcoming", "done")}
    context = {"assignments": [p.assignment for p in progress], "groups": groups, "page": page, "nav": "judging"}
    return render(request, "competitions/judging.html", context)


@login_required
def organising_rights(request: HttpRequest) -> HttpResponse:
    """The province's organising rights: which tiers each kind of union, or one authorised union,
    may organise (policy data, not code)."""
    if not request.scope.has(MANAGE_POLICY):
        raise PermissionDenied
    form = OrganisingRightForm(request.POST or None)
    if request.method == "POST" and request.POST.get("remove"):
        right = get_object_or_404(OrganisingRight.objects.filter(union__isnull=False), pk=request.POST["remove"])
        services.remove_organising_right(actor=request.user, scope=request.scope, right=right)
        messages.success(request, _("Authorisation withdrawn: the default of its kind applies."))
        return redirect("competitions:tiers")
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        services.set_organising_right(
            actor=request.user,
            scope=request.scope,
            union_kind=d["union_kind"],
            union=d["union"],
            highest_tier=d["highest_tier"],
            basis=d["basis"],
        )
        messages.success(request, _("Organising rights saved."))
        return redirect("competitions:tiers")
    rights = OrganisingRight.objects.select_related("union")
    context = {
        "defaults": [r for r in rights if r.union_id is None],
        "authorised": [r for r in rights if r.union_id is not None],
        "form": form,
        "nav": "competitions",
    }
    return render(request, "competitions/organising_rights.html", context)
