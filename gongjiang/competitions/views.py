from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjiang.core.audit import history
from gongjiang.core.http import is_htmx
from gongjiang.orgs.rules import ENTER_COMPETITIONS, MANAGE_COMPETITIONS, VIEW_WORKERS
from gongjiang.people.queries import search_workers, workers_for_user

from . import certificates, marking, results, scoring, services
from .enums import TRANSITIONS, EntryState, State, Tier
from .exports import DIMENSION_LABELS, EntryExporter, FiguresExporter, ResultSheetExporter
from .figures import DIMENSIONS, participant_times
from .forms import AspectForm, CompetitionForm, CriterionForm, EventForm, JudgeForm
from .models import Aspect, Certificate, Competition, Mark, Objection, Result
from .queries import (
    assignments_for_user,
    competitions_for_user,
    entries_for_user,
    events_for_user,
    judges_for_user,
    manages,
    own_assignments,
)

PAGE_SIZE = 50


def _visible_competition(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    return get_object_or_404(competitions_for_user(request.scope).select_related("organiser"), pk=pk)


def _visible_event(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    return get_object_or_404(
        events_for_user(request.scope).select_related("competition__organiser", "occupation"), pk=pk
    )


@login_required
def competition_list(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    if not (scope.has(MANAGE_COMPETITIONS) or scope.has(ENTER_COMPETITIONS)):
        raise PermissionDenied
    qs = (
        competitions_for_user(scope)
        .select_related("organiser")
        .annotate(event_count=Count("events"))
        .order_by("-starts_on", "-id")
    )
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(series__contains=q))
    if tier := request.GET.get("tier"):
        qs = qs.filter(tier=tier)
    if state := request.GET.get("state"):
        qs = qs.filter(state=state)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "q": q, "tiers": Tier.choices, "states": State.choices, "nav": "competitions"}
    template = "competitions/competition_list.html#table" if is_htmx(request) else "competitions/competition_list.html"
    return render(request, template, context)


@login_required
def competition_create(request: HttpRequest) -> HttpResponse:
    if not request.scope.has(MANAGE_COMPETITIONS):
        raise PermissionDenied
    form = CompetitionForm(request.POST or None, scope=request.scope)
    if request.method == "POST" and form.is_valid():
        try:
            competition = services.create_competition(actor=request.user, scope=request.scope, data=form.to_data())
        except services.CompetitionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Competition created. Add its events, then open registration."))
            return redirect(competition)
    return render(request, "competitions/competition_form.html", {"form": form, "nav": "competitions"})


@login_required
def competition_edit(request: HttpRequest, pk: int) -> HttpResponse:
    competition = _visible_competition(request, pk)
    request.scope.require(MANAGE_COMPETITIONS, competition.organiser_id)
    initial = {name: getattr(competition, name) for name in CompetitionForm.base_fields}
    form = CompetitionForm(request.POST or None, scope=request.scope, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_competition(
                actor=request.user, scope=request.scope, competition=competition, data=form.to_data()
            )
        except services.CompetitionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Changes saved."))
            return redirect(competition)
    context = {"form": form, "competition": competition, "nav": "competitions"}
    return render(request, "competitions/competition_form.html", context)


@login_required
def competition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    competition = _visible_competition(request, pk)
    scope = request.scope
    is_manager = manages(scope, competition)
    visible_entries = entries_for_user(scope).filter(state=EntryState.REGISTERED)
    events = competition.events.select_related("occupation").annotate(
        entry_count=Count("entries", filter=Q(entries__in=visible_entries))
    )
    return render(
        request,
        "competitions/competition_detail.html",
        {
            "competition": competition,
            "events": events,
            "manages": is_manager,
            "next_states": [(s, State(s).label) for s in TRANSITIONS[competition.state]] if is_manager else [],
            "history": history(competition)[:50] if is_manager else [],
            "nav": "competitions",
        },
    )


@login_required
@require_POST
def competition_transition(request: HttpRequest, pk: int) -> HttpResponse:
    competition = _visible_competition(request, pk)
    try:
        services.transition(
            actor=request.user, scope=request.scope, competition=competition, to=request.POST.get("to", "")
        )
    except (services.CompetitionError, KeyError, ValueError) as exc:
        messages.error(request, str(exc) if isinstance(exc, services.CompetitionError) else _("Unknown state."))
    else:
        messages.success(request, _("The competition is now “%(state)s”.") % {"state": State(request.POST["to"]).label})
    return redirect(competition)


def _event_form_view(request: HttpRequest, competition, event=None) -> HttpResponse:  # type: ignore[no-untyped-def]
    request.scope.require(MANAGE_COMPETITIONS, competition.organiser_id)
    initial = {name: getattr(event, name) for name in EventForm.base_fields} if event else None
    form = EventForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.save_event(
                actor=request.user, scope=request.scope, competition=competition, event=event, fields=form.cleaned_data
            )
        except services.CompetitionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Event saved."))
            return redirect(event)
    context = {"form": form, "competition": competition, "event": event, "nav": "competitions"}
    return render(request, "competitions/event_form.html", context)


@login_required
def event_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _event_form_view(request, _visible_competition(request, pk))


@login_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = _visible_event(request, pk)
    return _event_form_view(request, event.competition, event)


def _event_entries(request: HttpRequest, event):  # type: ignore[no-untyped-def]
    return (
        entries_for_user(request.scope)
        .filter(event=event)
        .select_related("worker", "employer", "result")
        .order_by("state", "competitor_no", "id")
    )


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _visible_event(request, pk)
    scope = request.scope
    competition = event.competition
    can_enter = scope.has(ENTER_COMPETITIONS) and competition.state == State.REGISTRATION
    page = Paginator(_event_entries(request, event), PAGE_SIZE).get_page(request.GET.get("page"))
    is_manager = manages(scope, competition)
    assignments = event.assignments.select_related("judge__employer") if is_manager else []
    judges = (
        judges_for_user(scope).filter(active=True).exclude(assignments__event=event).order_by("name")[:300]
        if is_manager
        else []
    )
    return render(
        request,
        "competitions/event_detail.html",
        {
            "assignments": assignments,
            "judges": judges,
            "judging_open": competition.state in services.JUDGING_STATES,
            "event": event,
            "competition": competition,
            "page": page,
            "manages": manages(scope, competition),
            "can_enter": can_enter,
            "can_withdraw": competition.state in {State.REGISTRATION, State.IN_PROGRESS},
            "published": competition.state in {State.NOTICE, State.FINAL, State.ARCHIVED},
            "can_object": competition.state == State.NOTICE,
            "nav": "competitions",
        },
    )


@login_required
def event_entries_export(request: HttpRequest, pk: int) -> HttpResponse:
    event = _visible_event(request, pk)
    return EntryExporter().response(
        _event_entries(request, event).iterator(chunk_size=2000), request.GET.get("fmt", "csv")
    )


@login_required
def event_candidates(request: HttpRequest, pk: int) -> HttpResponse:
    """Workers of the user's own unions matching a search, to enter with one click (an htmx partial)."""
    event = _visible_event(request, pk)
    scope = request.scope
    if not scope.has(ENTER_COMPETITIONS):
        raise PermissionDenied
    q = request.GET.get("q", "").strip()
    workers = []
    if q:
        own = workers_for_user(scope).filter(scope.union_filter(ENTER_COMPETITIONS))
        entered = event.entries.filter(state=EntryState.REGISTERED).values("worker_id")
        workers = list(search_workers(own, q).exclude(pk__in=entered).select_related("employer").order_by("name")[:20])
    return render(request, "competitions/candidates.html", {"event": event, "workers": workers, "q": q})


@login_required
@require_POST
def entry_register(request: HttpRequest, pk: int) -> HttpResponse:
    event = _visible_event(request, pk)
    worker_id = request.POST.get("worker", "")
    worker = get_object_or_404(workers_for_user(request.scope), pk=worker_id) if worker_id.isdigit() else None
    if worker is None:
        messages.error(request, _("Choose a worker."))
        return redirect(event)
    try:
        services.register_entry(
            actor=request.user,
            scope=request.scope,
            event=event,
            worker=worker,
            team=request.POST.get("team", "").strip(),
        )
    except services.CompetitionError as exc:
        messages.error(request, _("%(name)s cannot be entered: %(reasons)s") % {"name": worker.name, "reasons": exc})
    else:
        messages.success(request, _("%(name)s is entered.") % {"name": worker.name})
    return redirect(event)


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
    form = JudgeForm(request.POST or None, scope=scope)
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
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "competitions/judge_list.html", {"page": page, "form": form, "q": q, "nav": "judges"})


@login_required
@require_POST
def event_assign(request: HttpRequest, pk: int) -> HttpResponse:
    event = _visible_event(request, pk)
    scope = request.scope
    judge_id = request.POST.get("judge", "")
    judge = get_object_or_404(judges_for_user(scope), pk=judge_id) if judge_id.isdigit() else None
    try:
        if "draw" in request.POST:
            count = int(request.POST.get("count", "0") or 0)
            drawn = services.draw_judges(actor=request.user, scope=scope, event=event, count=max(0, min(count, 20)))
            messages.success(request, _("%(n)s judges drawn at random.") % {"n": len(drawn)})
        elif judge is not None:
            services.assign_judge(actor=request.user, scope=scope, event=event, judge=judge)
            messages.success(request, _("%(name)s is assigned.") % {"name": judge.name})
        else:
            messages.error(request, _("Choose a judge."))
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
    """A judge's own assignments (marking arrives with the marking part)."""
    assignments = own_assignments(request.user).select_related("event__competition", "event__occupation")
    return render(request, "competitions/judging.html", {"assignments": assignments, "nav": "judging"})


def _scheme_forms(request: HttpRequest, event):  # type: ignore[no-untyped-def]
    which = request.POST.get("which")
    criterion_form = CriterionForm(request.POST if which == "criterion" else None)
    aspect_form = AspectForm(request.POST if which == "aspect" else None, event=event)
    return criterion_form, aspect_form


@login_required
def event_scheme(request: HttpRequest, pk: int) -> HttpResponse:
    """The marking scheme: criteria → aspects; the organiser builds it before marking starts."""
    event = _visible_event(request, pk)
    scope = request.scope
    scope.require(MANAGE_COMPETITIONS, event.competition.organiser_id)
    criterion_form, aspect_form = _scheme_forms(request, event)
    if request.method == "POST":
        try:
            if criterion_form.is_bound and criterion_form.is_valid():
                d = criterion_form.cleaned_data
                marking.add_criterion(actor=request.user, scope=scope, event=event, code=d["code"], name=d["name"])
                return redirect("competitions:event_scheme", pk=event.pk)
            if aspect_form.is_bound and aspect_form.is_valid():
                marking.add_aspect(actor=request.user, scope=scope, **aspect_form.to_kwargs())
                return redirect("competitions:event_scheme", pk=event.pk)
        except services.CompetitionError as exc:
            messages.error(request, str(exc))
    criteria = event.criteria.prefetch_related("aspects")
    return render(
        request,
        "competitions/event_scheme.html",
        {
            "event": event,
            "competition": event.competition,
            "criteria": criteria,
            "criterion_form": criterion_form,
            "aspect_form": aspect_form,
            "editable": event.competition.state in marking.SCHEME_STATES,
            "nav": "competitions",
        },
    )


def _as_number(raw: str) -> Any:
    try:
        return Decimal(raw)
    except ArithmeticError:
        return raw


def _judged_event(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    """An event the user judges: found through their own assignment, nothing else."""
    assignment = get_object_or_404(
        own_assignments(request.user).select_related("event__competition", "judge"), event_id=pk
    )
    return assignment.event, assignment


@login_required
def event_mark(request: HttpRequest, pk: int) -> HttpResponse:
    """The judge's marking page: competitor numbers only, the judge's own marks only; built for a tablet."""
    event, assignment = _judged_event(request, pk)
    entries = [
        e
        for e in event.entries.filter(state=EntryState.REGISTERED)
        .select_related("worker", "employer")
        .order_by("competitor_no")
        if marking.may_mark(assignment, e)
    ]
    entry_id = request.GET.get("entry") or request.POST.get("entry", "")
    current = next((e for e in entries if str(e.pk) == entry_id), None)
    aspects = list(Aspect.objects.filter(criterion__event=event).select_related("criterion"))
    own = {
        (m.entry_id, m.aspect_id): m.value
        for m in Mark.objects.filter(judge=assignment.judge, aspect__criterion__event=event)
    }
    typed: dict[int, Any] = {}
    if request.method == "POST" and current is not None:
        values = {a.pk: request.POST.get(f"aspect-{a.pk}", "") for a in aspects}
        try:
            marking.record_marks(
                actor=request.user, event=event, entry=current, values=values, reason=request.POST.get("reason", "")
            )
        except services.CompetitionError as exc:
            messages.error(request, str(exc))
            typed = {k: _as_number(v) for k, v in values.items() if v != ""}  # show what was typed, not lose it
        else:
            messages.success(request, _("Marks saved for competitor %(no)s.") % {"no": current.competitor_no})
            return redirect(f"{request.path}?entry={current.pk}")
    done = {e.pk: sum((e.pk, a.pk) in own for a in aspects) for e in entries}
    rows = [(a, typed.get(a.pk, own.get((current.pk, a.pk)))) if current else (a, None) for a in aspects]
    return render(
        request,
        "competitions/event_mark.html",
        {
            "event": event,
            "assignment": assignment,
            "entries": [(e, done[e.pk]) for e in entries],
            "aspect_count": len(aspects),
            "current": current,
            "rows": rows,
            "locked": event.signed_off_at is not None or event.competition.state != State.MARKING,
            "reason": request.POST.get("reason", "") if typed else "",
            "nav": "judging",
        },
    )


def _results_event(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    """Managers of the competition, or the event's chief judge."""
    event = events_for_user(request.scope).select_related("competition").filter(pk=pk).first()
    if event is not None and manages(request.scope, event.competition):
        return event, None
    event, assignment = _judged_event(request, pk)
    if not assignment.is_chief:
        raise PermissionDenied
    return event, assignment


@login_required
def event_results(request: HttpRequest, pk: int) -> HttpResponse:
    """Marking progress, flagged scores, and the ranking the marks add up to."""
    event, chief = _results_event(request, pk)
    aspects, statuses = marking.marking_status(event)
    page = Paginator(marking.results(event) if aspects else [], 100).get_page(request.GET.get("page"))
    entries = event.entries.select_related("worker", "employer").in_bulk([r.ranked.entry_id for r in page])
    ranked = [(r, entries[r.ranked.entry_id]) for r in page]
    return render(
        request,
        "competitions/event_results.html",
        {
            "event": event,
            "competition": event.competition,
            "aspects": aspects,
            "statuses": statuses,
            "ranked": ranked,
            "page": page,
            "is_chief": chief is not None,
            "open_count": sum(1 for s in statuses if s.missing or s.flagged),
            "objections": Objection.objects.filter(result__event=event).select_related("result__entry", "raised_by")
            if chief is None
            else [],
            "tie_break": scoring.TIE_BREAK,
            "nav": "competitions" if chief is None else "judging",
        },
    )


@login_required
def event_results_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The result sheet as xlsx, CSV or PDF, for the organiser (names included)."""
    event = _visible_event(request, pk)
    request.scope.require(MANAGE_COMPETITIONS, event.competition.organiser_id)
    ranked = marking.results(event)
    entries = event.entries.select_related("worker", "employer").in_bulk([r.ranked.entry_id for r in ranked])
    rows = [(r, entries[r.ranked.entry_id]) for r in ranked]
    exporter = ResultSheetExporter()
    if request.GET.get("fmt") != "pdf":
        return exporter.response(rows, request.GET.get("fmt", "xlsx"))
    from weasyprint import HTML  # imported here: slow, and only needed for a PDF

    html = render(
        request,
        "competitions/result_sheet.html",
        {"event": event, "competition": event.competition, "rows": rows, "headers": exporter.headers},
    ).content.decode()
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{exporter.filename("pdf")}"'
    return response


@login_required
@require_POST
def event_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    event, _assignment = _judged_event(request, pk)
    try:
        marking.sign_off(actor=request.user, event=event)
    except services.CompetitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Marks signed off and locked."))
    return redirect("competitions:event_results", pk=event.pk)


@login_required
@require_POST
def objection_raise(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(entries_for_user(request.scope).select_related("result__event__competition"), pk=pk)
    result = getattr(entry, "result", None)
    if result is None:
        messages.error(request, _("This entry has no published result."))
        return redirect(entry.event)
    try:
        results.raise_objection(
            actor=request.user, scope=request.scope, result=result, text=request.POST.get("text", "")
        )
    except services.CompetitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The objection is recorded."))
    return redirect(entry.event)


@login_required
@require_POST
def objection_decide(request: HttpRequest, pk: int) -> HttpResponse:
    objection = get_object_or_404(
        Objection.objects.filter(
            request.scope.union_filter(MANAGE_COMPETITIONS, "result__event__competition__organiser")
        ).select_related("result__event__competition"),
        pk=pk,
    )
    try:
        results.decide_objection(
            actor=request.user,
            scope=request.scope,
            objection=objection,
            uphold=request.POST.get("uphold") == "1",
            decision=request.POST.get("decision", ""),
        )
    except services.CompetitionError as exc:
        messages.error(request, str(exc))
    return redirect("competitions:event_results", pk=objection.result.event_id)


def public_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The public notice (公示) of a competition's awards: open to anyone, names masked."""
    competition = get_object_or_404(
        Competition.objects.filter(state__in=[State.NOTICE, State.FINAL, State.ARCHIVED]), pk=pk
    )
    awarded = (
        Result.objects.filter(event__competition=competition)
        .exclude(award="")
        .select_related("event", "entry__worker", "entry__employer")
        .order_by("event__name", "rank")
    )
    return render(request, "competitions/public_notice.html", {"competition": competition, "awarded": awarded})


@login_required
def competition_certificates(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser's certificates of a final competition: issue in bulk, download, revoke, reissue."""
    competition = _visible_competition(request, pk)
    request.scope.require(MANAGE_COMPETITIONS, competition.organiser_id)
    if request.method == "POST":
        try:
            count = certificates.issue_all(actor=request.user, scope=request.scope, competition=competition)
        except services.CompetitionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("%(n)s certificates issued.") % {"n": count})
        return redirect("competitions:certificates", pk=competition.pk)
    qs = (
        Certificate.objects.filter(result__event__competition=competition)
        .select_related("result__event", "result__entry__worker", "result__entry__employer")
        .order_by("result__event__name", "result__rank", "-issued_at")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "competition": competition,
        "page": page,
        "can_issue": competition.state in certificates.FINAL_STATES,
        "nav": "competitions",
    }
    return render(request, "competitions/certificates.html", context)


@login_required
@require_POST
def certificate_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = get_object_or_404(
        Certificate.objects.filter(
            request.scope.union_filter(MANAGE_COMPETITIONS, "result__event__competition__organiser")
        ).select_related("result__event__competition", "result__entry__worker"),
        pk=pk,
    )
    action = certificates.reissue if request.POST.get("reissue") == "1" else certificates.revoke
    try:
        action(actor=request.user, scope=request.scope, certificate=certificate, reason=request.POST.get("reason", ""))
    except services.CompetitionError as exc:
        messages.error(request, str(exc))
    return redirect("competitions:certificates", pk=certificate.result.event.competition_id)


@login_required
def certificate_pdf(request: HttpRequest, code: str) -> HttpResponse:
    certificate = get_object_or_404(
        Certificate.objects.select_related(
            "result__event__competition__organiser", "result__entry__worker", "result__entry__employer"
        ),
        code=code,
    )
    if not certificates.can_download(request.scope, request.user, certificate):
        raise Http404
    response = HttpResponse(certificates.render_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    return response


def verify(request: HttpRequest, code: str = "") -> HttpResponse:
    """Anyone, without logging in, checks a certificate by its code and sees masked data only."""
    code = (code or request.GET.get("code", "")).strip().upper()
    certificate = None
    if code:
        certificate = (
            Certificate.objects.filter(code=code)
            .select_related("result__event__competition__organiser", "result__entry__worker", "replaced_by")
            .first()
        )
    return render(request, "competitions/verify.html", {"code": code, "certificate": certificate})


@login_required
def my_results(request: HttpRequest) -> HttpResponse:
    """A worker's own final results and certificates."""
    own = (
        results.final_results()
        .filter(entry__worker__user=request.user)
        .select_related("event__competition")
        .prefetch_related("certificates")
        .order_by("-event__competition__starts_on")
    )
    return render(request, "competitions/my_results.html", {"results": own})


@login_required
def figures_view(request: HttpRequest) -> HttpResponse:
    """Participant-times in final competitions, for the user's own workers, by each dimension."""
    if not request.scope.has(VIEW_WORKERS):
        raise PermissionDenied
    tables = [(dimension, participant_times(request.scope, dimension)) for dimension in DIMENSIONS]
    if fmt := request.GET.get("fmt"):
        rows = [(str(DIMENSION_LABELS[d]), label, n) for d, table in tables for label, n in table]
        return FiguresExporter().response(rows, fmt)
    labelled = [(DIMENSION_LABELS[d], table, sum(n for _label, n in table)) for d, table in tables]
    return render(request, "competitions/figures.html", {"tables": labelled, "nav": "figures"})
