"""Pages of the marking stage and after: schemes, blind marking, results, notice, objections,
certificates and their public verification, a worker's own results, and participant-times."""

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjiang.core.pagination import CappedPaginator
from gongjiang.core.todolist import narrow
from gongjiang.orgs.rules import MANAGE_COMPETITIONS, VIEW_WORKERS

from . import certificates, marking, results, scoring, services
from .enums import EntryState, State
from .exports import ResultSheetExporter
from .forms import AspectForm, CriterionForm
from .models import Aspect, Certificate, Competition, Mark, Objection, Result
from .queries import (
    entries_for_user,
    events_for_user,
    manages,
    own_assignments,
)
from .todos import TODOS, my_entries
from .views import PAGE_SIZE, visible_competition, visible_event


def _scheme_forms(request: HttpRequest, event):  # type: ignore[no-untyped-def]
    which = request.POST.get("which")
    criterion_form = CriterionForm(request.POST if which == "criterion" else None)
    aspect_form = AspectForm(request.POST if which == "aspect" else None, event=event)
    return criterion_form, aspect_form


@login_required
def event_scheme(request: HttpRequest, pk: int) -> HttpResponse:
    """The marking scheme: criteria → aspects; the organiser builds it before marking starts."""
    event = visible_event(request, pk)
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
            after = _next_unmarked(entries, current, aspects, assignment)
            return redirect(f"{request.path}?entry={(after or current).pk}")
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
            "complete": bool(entries and aspects) and all(n == len(aspects) for n in done.values()),
            "marked_count": sum(1 for n in done.values() if aspects and n == len(aspects)),
            "nav": "judging",
        },
    )


def _next_unmarked(entries: list[Any], current: Any, aspects: list[Aspect], assignment: Any) -> Any:
    """The next competitor (by number, after the current one, then from the start) that this judge
    has not marked on every aspect; None when every competitor is marked."""
    own = set(Mark.objects.filter(judge=assignment.judge, aspect__in=aspects).values_list("entry_id", "aspect_id"))
    i = entries.index(current)
    for entry in entries[i + 1 :] + entries[:i]:
        if any((entry.pk, a.pk) not in own for a in aspects):
            return entry
    return None


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
    page = CappedPaginator(marking.results(event) if aspects else [], 100).get_page(request.GET.get("page"))
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
    event = visible_event(request, pk)
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
    # the field of each event, for the 优胜奖 rule stated beside the results
    fields = (
        Result.objects.filter(event__competition=competition)
        .order_by("event__name")
        .values_list("event__name")
        .annotate(n=Count("id"))
    )
    return render(
        request, "competitions/public_notice.html", {"competition": competition, "awarded": awarded, "fields": fields}
    )


@login_required
def competition_certificates(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser's certificates of a final competition: issue in bulk, download, revoke, reissue."""
    competition = visible_competition(request, pk)
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
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
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


@login_required
def my_results(request: HttpRequest) -> HttpResponse:
    """A worker's competitions, on a phone: registrations with their dates and what to bring, then
    results under public notice and final results with certificates. ``?todo=`` shows one part only."""
    show = request.GET.get("todo", "")
    entries = (
        narrow(request, my_entries(request), TODOS)
        .select_related("event__competition", "event__occupation")
        .order_by("event__competition__starts_on", "event__name")
    )
    published = (
        Result.objects.filter(entry__worker__user=request.user)
        .filter(event__competition__state__in=[State.NOTICE, State.FINAL, State.ARCHIVED])
        .select_related("event__competition")
        .prefetch_related("certificates")
        .order_by("-event__competition__starts_on", "event__name")
    )
    page = None
    if show == "my_entries":
        page = CappedPaginator(entries, 50).get_page(request.GET.get("page"))
    elif show == "my_notice":
        page = CappedPaginator(narrow(request, published, TODOS), 50).get_page(request.GET.get("page"))
    context = {
        "show": show if page is not None else "",
        "page": page,
        "entries": page.object_list if show == "my_entries" and page else ([] if page else entries),
        "results": page.object_list if show == "my_notice" and page else ([] if page else published),
        "nav": "mine",
    }
    return render(request, "competitions/my_results.html", context)


@login_required
def figures_view(request: HttpRequest) -> HttpResponse:
    """The participant-times figures moved to the statistics app, which reads them from its rollups."""
    if not request.scope.has(VIEW_WORKERS):
        raise PermissionDenied
    query = request.META.get("QUERY_STRING", "")
    return redirect(reverse("stats:figures") + (f"?{query}" if query else ""))
