"""Studio pages: the list, application, profile, naming, closing, lead, team, projects, results, reports."""

import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjiang.core.actions import act, submit
from gongjiang.core.audit import history
from gongjiang.core.cells import Links
from gongjiang.core.http import is_htmx
from gongjiang.core.pagination import CappedPaginator
from gongjiang.core.plugins import cached_contributions
from gongjiang.core.todolist import narrow as narrow_todo
from gongjiang.orgs.figures import narrow
from gongjiang.orgs.rules import APPLY_STUDIOS, MANAGE_STUDIOS
from gongjiang.people.enums import WorkerStatus
from gongjiang.people.models import Honour

from .. import services
from ..enums import Level, MemberState, StudioState
from ..exports import StudioExporter
from ..forms import (
    CloseForm,
    LeadForm,
    ProfileForm,
    ProjectForm,
    ReportForm,
    ResultForm,
    StudioForm,
    TeamMemberForm,
)
from ..models import Alliance, Project, Studio
from ..queries import (
    alliances_for_user,
    can_act_for,
    led_studios,
    needs_new_lead,
    studio_totals,
    studios_for_user,
)
from ..todos import TODOS
from .base import PAGE_SIZE, _alliance, _int, _may_use, _studio

# What the list reads of each studio, its employer and its lead: the cells of :func:`_studio_rows`
# (the lead's whole worker row, encrypted number and phone included, was read and built for a name).
STUDIO_LIST_COLUMNS = (
    "name",
    "level",
    "state",
    "field",
    "employer__name",
    "lead__name",
    "lead__status",
    "lead__employer_id",
)
_BADGES = {StudioState.NAMED: "success", StudioState.APPLIED: "warning"}


def _studio_rows(studios: list[Studio]) -> list[dict[str, object]]:
    """The list's cells as strings, made here rather than in the template (core.cells: 50 rows at
    province scale, 23 in the demo). A lead "gone" as :func:`needs_new_lead` reads it."""
    link = Links("studios:detail")
    return [
        {
            "pk": str(s.pk),
            "url": link(s.pk),
            "name": s.name,
            "level": s.get_level_display(),
            "employer": s.employer.name,
            "lead": s.lead.name,
            "lead_gone": (s.lead.status != WorkerStatus.EMPLOYED or s.lead.employer_id != s.employer_id)
            and s.state not in {StudioState.CLOSED, StudioState.REJECTED},
            "field": s.field,
            "applied": s.state == StudioState.APPLIED,
            "badge": _BADGES.get(s.state, "secondary"),
            "state": s.get_state_display(),
        }
        for s in studios
    ]


@login_required
def studio_list(request: HttpRequest) -> HttpResponse:
    _may_use(request)
    qs = studios_for_user(request.scope).select_related("employer", "lead").order_by("-id")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(field__contains=q) | Q(employer__name__contains=q))
    if level := request.GET.get("level"):
        qs = qs.filter(level=level)
    if state := request.GET.get("state"):
        qs = qs.filter(state=state)
    if request.GET.get("attention"):
        qs = needs_new_lead(qs)
    qs, figure = narrow(request, qs)  # the studios behind a statistical figure
    qs = narrow_todo(request, qs, TODOS)
    if fmt := request.GET.get("fmt"):
        return StudioExporter().response(qs.prefetch_related("occupations"), fmt)
    page = CappedPaginator(qs.only(*STUDIO_LIST_COLUMNS), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": _studio_rows(page.object_list),
        "q": q,
        "levels": Level.choices,
        "states": StudioState.choices,
        "figure": figure,
        "nav": "studios",
    }
    template = "studios/studio_list.html#table" if is_htmx(request) else "studios/studio_list.html"
    return render(request, template, context)


@login_required
def studio_create(request: HttpRequest) -> HttpResponse:
    if not request.scope.has(APPLY_STUDIOS):
        raise PermissionDenied
    find = request.GET.get("employer_q", "").strip()
    if is_htmx(request) and request.method == "GET" and "employer_q" in request.GET:
        # the find box above the form: the employer drop-down alone, keeping the employer chosen so far
        found = StudioForm(scope=request.scope, find=find, initial={"employer": request.GET.get("employer")})
        return HttpResponse(str(found["employer"]))
    form = StudioForm(request.POST or None, scope=request.scope, find=find)
    if done := submit(
        request,
        form,
        lambda: services.apply_studio(actor=request.user, scope=request.scope, data=form.to_data()),
        success=_("Application registered. The higher union names the studio."),
    ):
        return done
    context = {
        "form": form,
        "title": _("Apply for a studio"),
        "nav": "studios",
        "find": find,
        "find_param": "employer_q",
        "find_target": "id_employer",
        "find_placeholder": _("Find an employer by name"),
    }
    return render(request, "studios/form.html", context)


@login_required
def studio_detail(request: HttpRequest, pk: int) -> HttpResponse:
    studio = _studio(request, pk)
    scope = request.scope
    can_edit = can_act_for(scope, studio)
    can_manage = scope.covers(MANAGE_STUDIOS, studio.union_id)
    try:
        checks = services.six_checks(studio)
        requirement = services.requirement(studio.level)
    except services.StudiosError as exc:
        checks, requirement = [], None
        messages.error(request, str(exc))
    qualifying = {h.pk for h in services.qualifying_honours(studio.lead, requirement)} if requirement else set()
    projects = (
        Project.objects.filter(Q(studio=studio) | Q(participants=studio))
        .distinct()
        .select_related("alliance", "studio")
        .order_by("-started_on", "-pk")
    )
    memberships = studio.memberships.select_related("alliance").order_by("-joined_on", "-pk")
    joinable = (
        alliances_for_user(scope).exclude(
            pk__in=studio.memberships.exclude(state=MemberState.DELISTED).values("alliance_id")
        )
        if can_edit and studio.state == StudioState.NAMED
        else Alliance.objects.none()
    )
    context = {
        "studio": studio,
        "checks": checks,
        "requirement": requirement,
        "honours": [(h, h.pk in qualifying) for h in Honour.objects.filter(worker=studio.lead)],
        "members": studio.members.select_related("worker").order_by("joined_on", "pk"),
        "projects": projects,
        "results": studio.results.all(),
        "reports": studio.reports.all(),
        "memberships": memberships,
        "totals": studio_totals(studio),
        "panels": [
            p for panel in cached_contributions("panels", "STUDIO_PANELS") if (p := panel(request.scope, studio))
        ],
        "can_edit": can_edit and studio.state != StudioState.CLOSED,
        "can_manage": can_manage,
        "can_decide": can_manage and studio.state == StudioState.APPLIED,
        "lead_gone": studio.lead.status != "employed" or studio.lead.employer_id != studio.employer_id,
        "member_form": TeamMemberForm(studio=studio),
        "close_form": CloseForm(),
        "joinable": joinable,
        "history": history(studio)[:30] if can_manage else [],
        "nav": "studios",
    }
    return render(request, "studios/studio_detail.html", context)


def _studio_for_edit(request: HttpRequest, pk: int) -> Studio:
    """A studio the user may work on: its lead, or a union that manages it. A studio lead gets 403 on
    any other studio, seen or not; anyone else gets 404 on a studio they cannot see."""
    studio = studios_for_user(request.scope).select_related("employer", "lead", "union").filter(pk=pk).first()
    if studio is None:
        if led_studios(request.scope).exists():
            raise PermissionDenied
        raise Http404
    if not can_act_for(request.scope, studio):
        raise PermissionDenied
    return studio


@login_required
def studio_edit(request: HttpRequest, pk: int) -> HttpResponse:
    studio = _studio_for_edit(request, pk)
    initial = {
        "field": studio.field,
        "description": studio.description,
        "occupations": studio.occupations.all(),
        "has_place_and_funds": studio.has_place_and_funds,
        "has_rules": studio.has_rules,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if done := submit(
        request,
        form,
        lambda: services.update_profile(actor=request.user, scope=request.scope, studio=studio, **form.cleaned_data),
        success=_("Changes saved."),
        then=studio,
    ):
        return done
    context = {"form": form, "title": studio.name, "back": studio.get_absolute_url(), "nav": "studios"}
    return render(request, "studios/form.html", context)


@login_required
@require_POST
def studio_decide(request: HttpRequest, pk: int) -> HttpResponse:
    studio = _studio(request, pk)
    request.scope.require(MANAGE_STUDIOS, studio.union_id)
    approve = request.POST.get("decision") == "name"
    note = request.POST.get("note", "")[:300]
    act(
        request,
        lambda: services.decide_studio(
            actor=request.user, scope=request.scope, studio=studio, approve=approve, note=note
        ),
        _("The studio is named.") if approve else _("The application is rejected."),
    )
    return redirect(studio)


@login_required
@require_POST
def studio_close(request: HttpRequest, pk: int) -> HttpResponse:
    studio = _studio(request, pk)
    request.scope.require(MANAGE_STUDIOS, studio.union_id)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for closing."))
    else:
        act(
            request,
            lambda: services.close_studio(
                actor=request.user, scope=request.scope, studio=studio, reason=form.cleaned_data["reason"]
            ),
            _("The studio is closed."),
        )
    return redirect(studio)


@login_required
def studio_lead(request: HttpRequest, pk: int) -> HttpResponse:
    studio = _studio(request, pk)
    request.scope.require(MANAGE_STUDIOS, studio.union_id)
    form = LeadForm(request.POST or None, studio=studio)
    if done := submit(
        request,
        form,
        lambda: services.change_lead(
            actor=request.user,
            scope=request.scope,
            studio=studio,
            lead=form.cleaned_data["lead"],
            note=form.cleaned_data["note"],
        ),
        success=_("The studio has a new lead."),
        then=studio,
    ):
        return done
    context = {"form": form, "title": _("Change the lead"), "back": studio.get_absolute_url(), "nav": "studios"}
    return render(request, "studios/form.html", context)


@login_required
@require_POST
def studio_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    studio = _studio_for_edit(request, pk)
    form = TeamMemberForm(request.POST, studio=studio)
    if form.is_valid():
        act(
            request,
            lambda: services.add_team_member(
                actor=request.user,
                scope=request.scope,
                studio=studio,
                worker=form.cleaned_data["worker"],
                role=form.cleaned_data["role"],
            ),
            _("Added to the team."),
        )
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect(studio)


@login_required
def studio_project_create(request: HttpRequest, pk: int) -> HttpResponse:
    studio = _studio_for_edit(request, pk)
    form = ProjectForm(request.POST or None)
    if done := submit(
        request,
        form,
        lambda: services.add_project(actor=request.user, scope=request.scope, studio=studio, **form.cleaned_data),
        success=_("Project recorded."),
    ):
        return done
    context = {"form": form, "title": _("New project"), "back": studio.get_absolute_url(), "nav": "studios"}
    return render(request, "studios/form.html", context)


@login_required
def studio_result_create(request: HttpRequest, pk: int) -> HttpResponse:
    studio = _studio_for_edit(request, pk)
    form = ResultForm(request.POST or None, initial={"year": timezone.localdate().year})
    if done := submit(
        request,
        form,
        lambda: services.add_result(actor=request.user, scope=request.scope, studio=studio, **form.cleaned_data),
        success=_("Result recorded."),
        then=studio,
    ):
        return done
    context = {"form": form, "title": _("New result"), "back": studio.get_absolute_url(), "nav": "studios"}
    return render(request, "studios/form.html", context)


@login_required
def studio_report(request: HttpRequest, pk: int) -> HttpResponse:
    studio = _studio_for_edit(request, pk)
    year = timezone.localdate().year
    with contextlib.suppress(ValueError):
        year = int(request.GET.get("year", year))
    existing = studio.reports.filter(year=year).first()
    initial = {"year": year}
    if existing:
        initial |= {
            "summary": existing.summary,
            "people_trained": existing.people_trained,
            "self_score": existing.self_score,
        }
    form = ReportForm(request.POST or None, initial=initial)
    if done := submit(
        request,
        form,
        lambda: services.submit_report(actor=request.user, scope=request.scope, studio=studio, **form.cleaned_data),
        success=_("Self-report saved."),
        then=studio,
    ):
        return done
    context = {"form": form, "title": _("Yearly self-report"), "back": studio.get_absolute_url(), "nav": "studios"}
    return render(request, "studios/form.html", context)


@login_required
@require_POST
def studio_join(request: HttpRequest, pk: int) -> HttpResponse:
    studio = _studio_for_edit(request, pk)
    alliance = _alliance(request, _int(request.POST.get("alliance")))
    act(
        request,
        lambda: services.apply_to_join(actor=request.user, scope=request.scope, alliance=alliance, studio=studio),
        _("Application sent to the alliance's lead union."),
    )
    return redirect(studio)
