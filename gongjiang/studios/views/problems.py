"""The problem board and the joint projects it starts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjiang.core.actions import act, submit
from gongjiang.core.cells import Links, day
from gongjiang.core.http import is_htmx
from gongjiang.core.pagination import CappedPaginator
from gongjiang.core.plugins import cached_contributions
from gongjiang.core.templatetags.gongjiang import money
from gongjiang.core.todolist import narrow

from .. import services
from ..enums import ProblemState, ProjectState, StudioState
from ..forms import (
    AttachmentsForm,
    ClaimForm,
    CloseProjectForm,
    MilestoneForm,
    ProblemForm,
)
from ..models import Claim, Problem, ProblemAttachment, Project
from ..queries import (
    acting_studios,
    can_act_for,
    claimable_studios,
    current_members,
    problems_for_user,
    suggest_studios,
)
from ..todos import TODOS
from .base import PAGE_SIZE, _alliance, _int, _may_use, _problem, _project

# What the board reads of each problem, its alliance and its poster: the cells of :func:`_problem_rows`.
PROBLEM_LIST_COLUMNS = (
    "title",
    "field",
    "deadline",
    "reward",
    "open_to_all",
    "state",
    "studio__name",
    "alliance__name",
)


def _problem_rows(problems: list[Problem]) -> list[dict[str, object]]:
    """The board's cells as strings, made here rather than in the template (core.cells)."""
    link = Links("studios:problem_detail")
    return [
        {
            "url": link(p.pk),
            "title": p.title,
            "open_to_all": p.open_to_all,
            "field": p.field,
            "studio": p.studio.name,
            "alliance": p.alliance.name,
            "deadline": day(p.deadline),
            "reward": money(p.reward),
            "state": p.get_state_display(),
        }
        for p in problems
    ]


@login_required
def problem_list(request: HttpRequest) -> HttpResponse:
    _may_use(request)
    # the poster's employer is not shown: joining it built an Employer per row for nothing
    qs = (
        problems_for_user(request.scope)
        .select_related("alliance", "studio")
        .only(*PROBLEM_LIST_COLUMNS)
        .order_by("-posted_at", "-pk")
    )
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(field__contains=q) | Q(description__contains=q))
    if state := request.GET.get("state"):
        qs = qs.filter(state=state)
    qs = narrow(request, qs, TODOS)
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": _problem_rows(page.object_list),
        "q": q,
        "states": ProblemState.choices,
        "nav": "problems",
    }
    template = "studios/problem_list.html#table" if is_htmx(request) else "studios/problem_list.html"
    return render(request, template, context)


@login_required
def problem_create(request: HttpRequest, pk: int) -> HttpResponse:
    alliance = _alliance(request, pk)
    studios = acting_studios(request.scope).filter(
        pk__in=current_members(alliance).values("studio_id"), state=StudioState.NAMED
    )
    if not studios.exists():
        raise PermissionDenied
    form = ProblemForm(request.POST or None, request.FILES or None, studios=studios)
    if done := submit(
        request,
        form,
        lambda: services.post_problem(
            actor=request.user,
            scope=request.scope,
            alliance=alliance,
            studio=form.cleaned_data["studio"],
            data=form.to_data(),
            attachments=form.cleaned_data["attachments"],
        ),
        success=_("Problem posted on the board."),
    ):
        return done
    context = {
        "form": form,
        "title": _("Post a problem"),
        "back": alliance.get_absolute_url(),
        "multipart": True,
        "nav": "problems",
    }
    return render(request, "studios/form.html", context)


@login_required
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    problem = _problem(request, pk)
    scope = request.scope
    is_poster = can_act_for(scope, problem.studio)
    claim_studios = claimable_studios(scope, problem)
    # the studios that may claim it: a short list found by name (every member studio of every alliance
    # for a province official when the problem is open to all)
    studio_find = request.GET.get("studio_q", "").strip()
    claim_form = (
        ClaimForm(
            studios=claim_studios,
            alliance_id=problem.alliance_id,
            find=studio_find,
            initial={"studio": request.GET.get("studio")},  # the one chosen so far stays listed
        )
        if problem.state in {ProblemState.OPEN, ProblemState.IN_PROGRESS} and claim_studios.exists()
        else None
    )
    if claim_form is not None and is_htmx(request) and "studio_q" in request.GET:
        return HttpResponse(str(claim_form["studio"]))
    context = {
        "problem": problem,
        "claims": problem.claims.select_related("studio__employer"),
        "project": Project.objects.filter(problem=problem).first(),
        "suggestions": suggest_studios(scope, problem) if problem.state == ProblemState.OPEN or is_poster else [],
        "is_poster": is_poster,
        "attachments": problem.attachments.all(),
        "claim_form": claim_form,
        "studio_find": studio_find,
        "nav": "problems",
    }
    return render(request, "studios/problem_detail.html", context)


@login_required
@require_POST
def problem_claim(request: HttpRequest, pk: int) -> HttpResponse:
    problem = _problem(request, pk)
    # any studio that may claim it (refused, saying so, otherwise); the service checks the rest
    form = ClaimForm(request.POST, studios=claimable_studios(request.scope, problem), alliance_id=problem.alliance_id)
    if not form.is_valid():
        if not acting_studios(request.scope).exists():
            raise PermissionDenied
        if request.POST.get("studio") and "studio" in form.errors:
            messages.error(request, " ".join(form.errors["studio"]))
        else:
            messages.error(request, _("Choose the studio and describe how it would solve the problem."))
        return redirect(problem)
    act(
        request,
        lambda: services.claim_problem(
            actor=request.user,
            scope=request.scope,
            problem=problem,
            studio=form.cleaned_data["studio"],
            plan=form.cleaned_data["plan"],
        ),
        _("Claim sent to the poster."),
    )
    return redirect(problem)


def _claim(request: HttpRequest, pk: int) -> Claim:
    claim = get_object_or_404(
        Claim.objects.filter(problem__in=problems_for_user(request.scope)).select_related("problem__studio"), pk=pk
    )
    if not can_act_for(request.scope, claim.problem.studio):
        raise PermissionDenied
    return claim


@login_required
@require_POST
def claim_accept(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(request, pk)
    try:
        project = services.accept_claim(actor=request.user, scope=request.scope, claim=claim)
    except services.StudiosError as exc:
        messages.error(request, str(exc))
        return redirect(claim.problem)
    messages.success(request, _("Claim accepted: the joint project has started."))
    return redirect(project)


@login_required
@require_POST
def claim_decline(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(request, pk)
    act(request, lambda: services.decline_claim(actor=request.user, scope=request.scope, claim=claim), _("Declined."))
    return redirect(claim.problem)


@login_required
def problem_attachment(request: HttpRequest, pk: int) -> FileResponse:
    """One attachment of a problem, for those who see the problem."""
    attachment = get_object_or_404(
        ProblemAttachment.objects.filter(problem__in=problems_for_user(request.scope)), pk=pk
    )
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=attachment.name)


@login_required
@require_POST
def problem_attachments_add(request: HttpRequest, pk: int) -> HttpResponse:
    problem = _problem(request, pk)
    if not can_act_for(request.scope, problem.studio):
        raise PermissionDenied
    form = AttachmentsForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("attachments", [])))
        return redirect(problem)
    act(
        request,
        lambda: services.add_problem_attachments(
            actor=request.user, scope=request.scope, problem=problem, attachments=form.cleaned_data["attachments"]
        ),
        _("Attachments added."),
    )
    return redirect(problem)


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    scope = request.scope
    under_way = project.state == ProjectState.UNDER_WAY
    context = {
        "project": project,
        "participants": project.participants.select_related("employer"),
        "milestones": project.milestones.all(),
        "may_work": under_way and services.may_work_on(scope, project),
        "may_close": under_way and can_act_for(scope, project.studio),
        "milestone_form": MilestoneForm(),
        "panels": [p for panel in cached_contributions("panels", "PROJECT_PANELS") if (p := panel(scope, project))],
        "nav": "problems" if project.problem_id else "studios",
    }
    return render(request, "studios/project_detail.html", context)


def _workable_project(request: HttpRequest, pk: int) -> Project:
    project = _project(request, pk)
    if not services.may_work_on(request.scope, project):
        raise PermissionDenied
    return project


@login_required
@require_POST
def project_milestone(request: HttpRequest, pk: int) -> HttpResponse:
    project = _workable_project(request, pk)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        act(
            request,
            lambda: services.add_milestone(
                actor=request.user, scope=request.scope, project=project, **form.cleaned_data
            ),
            _("Milestone added."),
        )
    else:
        messages.error(request, _("Give the milestone a title and a due date."))
    return redirect(project)


@login_required
@require_POST
def project_progress(request: HttpRequest, pk: int) -> HttpResponse:
    project = _workable_project(request, pk)
    try:
        progress = int(request.POST.get("progress", ""))
    except ValueError:
        messages.error(request, _("Progress runs from 0 to 100."))
        return redirect(project)
    done = project.milestones.filter(pk__in=[_int(v) for v in request.POST.getlist("done")])
    act(
        request,
        lambda: services.record_progress(
            actor=request.user, scope=request.scope, project=project, progress=progress, done=done
        ),
        _("Progress recorded."),
    )
    return redirect(project)


@login_required
def project_close(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    if not can_act_for(request.scope, project.studio):
        raise PermissionDenied
    form = CloseProjectForm(request.POST or None, initial={"closed_on": timezone.localdate()})
    if done := submit(
        request,
        form,
        lambda: services.close_project(
            actor=request.user,
            scope=request.scope,
            project=project,
            outcome=form.cleaned_data["outcome"],
            patents=form.cleaned_data["patents"],
            on=form.cleaned_data["closed_on"],
        ),
        success=_("The project is closed and accepted."),
        then=lambda _closed: project.alliance or project,
    ):
        return done
    context = {
        "form": form,
        "title": _("Close and accept the project"),
        "back": project.get_absolute_url(),
        "nav": "problems",
    }
    return render(request, "studios/form.html", context)
