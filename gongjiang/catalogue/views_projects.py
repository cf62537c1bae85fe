"""Pages of catalogued projects: stage reports (阶段总结) with their due dates and attachments, and
year-end commendations (年终表彰) with their review by the union above the organiser."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjiang.competitions.enums import Kind
from gongjiang.core.batch import outcome_page, selection
from gongjiang.core.pagination import CappedPaginator
from gongjiang.core.todolist import narrow as narrow_todo
from gongjiang.labour.models import Team
from gongjiang.orgs.models import Employer, UnionAncestor
from gongjiang.orgs.rules import MANAGE_COMPETITIONS, REVIEW_AWARDS
from gongjiang.people.models import Worker

from . import services
from .enums import ApplicationState, CommendationState
from .forms import CommendationForm, StageDueForm, StageReportForm
from .models import Application, StageAttachment
from .queries import applications_for, commendations_for, commendations_to_review, reach, stage_reports_for
from .todos import TODOS

PAGE_SIZE = 50


@login_required
def stage_reports(request: HttpRequest) -> HttpResponse:
    if not reach(request.scope):
        raise PermissionDenied
    qs = narrow_todo(request, stage_reports_for(request.scope).order_by("due_on", "pk"), TODOS)
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "catalogue/stage_reports.html", {"page": page, "today": timezone.localdate(), "nav": "catalogue"}
    )


@login_required
@require_POST
def stage_due_add(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(applications_for(request.scope), pk=pk)
    if not request.scope.covers(MANAGE_COMPETITIONS, application.applicant_id):
        raise PermissionDenied
    form = StageDueForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Name the stage report and give its due date."))
        return redirect(application)
    try:
        services.set_stage_due(
            actor=request.user,
            scope=request.scope,
            application=application,
            title=form.cleaned_data["title"],
            due_on=form.cleaned_data["due_on"],
        )
    except services.CatalogueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The stage report has been scheduled."))
    return redirect(application)


@login_required
def stage_report(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(stage_reports_for(request.scope), pk=pk)
    organiser = request.scope.covers(MANAGE_COMPETITIONS, report.application.applicant_id)
    form = None
    if organiser and report.submitted_at is None:
        files = request.FILES.getlist("attachments") if request.method == "POST" else []
        form = StageReportForm(request.POST or None, request.FILES or None, files_list=files)
        if request.method == "POST" and form.is_valid():
            try:
                services.submit_stage_report(
                    actor=request.user,
                    scope=request.scope,
                    report=report,
                    summary=form.cleaned_data["summary"],
                    attachments=form.cleaned_data["attachments"],
                )
            except services.CatalogueError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The stage report has been submitted."))
                return redirect(report)
    elif request.method == "POST":
        raise PermissionDenied
    context = {
        "report": report,
        "a": report.application,
        "attachments": [f for f in report.attachments.all() if f.file.storage.exists(f.file.name)],
        "form": form,
        "today": timezone.localdate(),
        "nav": "catalogue",
    }
    return render(request, "catalogue/stage_report.html", context)


@login_required
def stage_attachment(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(StageAttachment.objects.filter(report__in=stage_reports_for(request.scope)), pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=attachment.name)


@login_required
def commendations(request: HttpRequest) -> HttpResponse:
    if not reach(request.scope):
        raise PermissionDenied
    qs = commendations_for(request.scope).order_by("-application__year", "application_id", "pk")
    state = request.GET.get("state", "")
    if state in CommendationState.values:
        qs = qs.filter(state=state)
    qs = narrow_todo(request, qs, TODOS)
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    reviewable = set(
        commendations_to_review(request.scope, request.scope.roots(REVIEW_AWARDS))
        .filter(pk__in=[c.pk for c in page.object_list])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "catalogue/commendations.html",
        {
            "page": page,
            "reviewable": reviewable,
            "states": CommendationState.choices,
            "state": state,
            "nav": "catalogue",
        },
    )


@login_required
@require_POST
def commendations_bulk(request: HttpRequest) -> HttpResponse:
    if not request.scope.has(REVIEW_AWARDS):
        raise PermissionDenied
    back = reverse("catalogue:commendations") + "?state=proposed"
    picked = selection(request)
    if picked is None:
        return redirect(back)
    ids, verdict, note = picked
    outcomes = services.review_commendations(
        actor=request.user,
        scope=request.scope,
        visible=commendations_for(request.scope),
        ids=ids,
        verdict=verdict,
        note=note,
    )
    title = _("Commendations approved") if verdict.startswith("accept") else _("Commendations not approved")
    return outcome_page(request, outcomes, title=title, back=back, nav="catalogue")


def _lookup(form: CommendationForm, application_union: int) -> tuple[Employer | None, Worker | None]:
    """The employer and the worker the form names, found inside the organiser's unions by name."""
    subtree = UnionAncestor.objects.filter(ancestor_id=application_union).values("descendant_id")
    employer = worker = None
    if name := form.cleaned_data["employer"].strip():
        found = list(Employer.objects.filter(name=name, union_id__in=subtree)[:2])
        if len(found) != 1:
            form.add_error("employer", _("No employer of this name in the organiser's unions."))
        else:
            employer = found[0]
    if name := form.cleaned_data["worker"].strip():
        found_w = list(Worker.objects.filter(name=name, union_id__in=subtree)[:2])
        if not found_w:
            form.add_error("worker", _("No worker of this name in the organiser's unions."))
        elif len(found_w) > 1:
            form.add_error("worker", _("Several workers have this name; ask the enterprise union which one."))
        else:
            worker = found_w[0]
    return employer, worker


def _competition_teams(application: Application) -> "QuerySet[Team] | None":
    """The teams of a labour competition's units, to commend one of them; None for other projects and for
    a labour competition without teams on the platform (a team is then named by hand)."""
    competition = application.competition
    if competition is None or competition.kind != Kind.LABOUR:
        return None
    teams = Team.objects.filter(unit__competition=competition).select_related("unit__employer")
    return teams.order_by("unit__employer__name", "unit__section", "name") if teams.exists() else None


@login_required
def commendation_add(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(applications_for(request.scope), pk=pk)
    if not request.scope.covers(MANAGE_COMPETITIONS, application.applicant_id):
        raise PermissionDenied
    if application.state != ApplicationState.APPROVED:
        raise Http404
    form = CommendationForm(request.POST or None, teams=_competition_teams(application))
    if request.method == "POST" and form.is_valid():
        employer, worker = _lookup(form, application.applicant_id)
        if not form.errors:
            d = form.cleaned_data
            try:
                services.propose_commendation(
                    actor=request.user,
                    scope=request.scope,
                    application=application,
                    subject=d["subject"],
                    citation=d["citation"],
                    employer=employer,
                    team_name=d.get("team_name", ""),
                    team=d.get("team"),
                    worker=worker,
                    honour_cycle=d["honour_cycle"],
                )
            except services.CatalogueError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The commendation has been proposed."))
                return redirect(application)
    return render(request, "catalogue/commend.html", {"form": form, "a": application, "nav": "catalogue"})


@login_required
@require_POST
def commendation_review(request: HttpRequest, pk: int) -> HttpResponse:
    commendation = get_object_or_404(commendations_for(request.scope), pk=pk)
    try:
        services.review_commendation(
            actor=request.user,
            scope=request.scope,
            commendation=commendation,
            verdict=request.POST.get("verdict", ""),
            note=request.POST.get("note", "")[:300],
        )
    except services.CatalogueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The commendation has been reviewed."))
    return redirect(commendation.application)
