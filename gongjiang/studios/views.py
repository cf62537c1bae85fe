"""Pages for studios, alliances, the problem board, joint projects and targets; thin over the services."""

import contextlib
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjiang.awards.queries import programmes_for
from gongjiang.core.audit import history
from gongjiang.core.http import is_htmx
from gongjiang.core.pagination import CappedPaginator
from gongjiang.orgs.models import UnionAncestor
from gongjiang.orgs.rules import APPLY_STUDIOS, MANAGE_STUDIOS, VIEW_STUDIOS
from gongjiang.people.models import Honour
from gongjiang.policy.models import Programme

from . import services
from .enums import CURRENT_MEMBER_STATES, Level, MemberState, ProblemState, ProjectState, StudioState
from .exports import StudioExporter
from .forms import (
    ActivityForm,
    AllianceForm,
    AttachmentsForm,
    ClaimForm,
    CloseForm,
    CloseProjectForm,
    ExternalMemberForm,
    LeadForm,
    MilestoneForm,
    ProblemForm,
    ProfileForm,
    ProjectForm,
    ReportForm,
    ResultForm,
    StudioForm,
    TargetsForm,
    TeamMemberForm,
)
from .models import Alliance, Claim, Evaluation, Membership, Problem, ProblemAttachment, Project, Studio
from .queries import (
    acting_studios,
    activity_funds,
    alliance_subsidy,
    alliance_totals,
    alliances_for_user,
    can_act_for,
    claimable_studios,
    current_members,
    led_studios,
    manages_alliance,
    needs_new_lead,
    problems_for_user,
    projects_for_user,
    studio_totals,
    studios_for_user,
    suggest_studios,
    target_rows,
)

PAGE_SIZE = 50


def _may_use(request: HttpRequest) -> None:
    """Studio pages are for union officials who see studios, and for studio leads."""
    if not (request.scope.has(VIEW_STUDIOS) or led_studios(request.scope).exists()):
        raise PermissionDenied


def _studio(request: HttpRequest, pk: int) -> Studio:
    return get_object_or_404(studios_for_user(request.scope).select_related("employer", "lead", "union"), pk=pk)


def _alliance(request: HttpRequest, pk: int) -> Alliance:
    return get_object_or_404(alliances_for_user(request.scope).select_related("lead_union"), pk=pk)


def _problem(request: HttpRequest, pk: int) -> Problem:
    return get_object_or_404(problems_for_user(request.scope).select_related("alliance", "studio__employer"), pk=pk)


def _project(request: HttpRequest, pk: int) -> Project:
    return get_object_or_404(projects_for_user(request.scope).select_related("studio", "alliance", "problem"), pk=pk)


def _membership(request: HttpRequest, pk: int) -> Membership:
    return get_object_or_404(
        Membership.objects.filter(alliance__in=alliances_for_user(request.scope)).select_related("alliance", "studio"),
        pk=pk,
    )


def _do(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    """Run a service; a broken rule becomes an error message in the user's language."""
    try:
        action()
    except services.StudiosError as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, success)
    return True


# Studios ---------------------------------------------------------------------------------------


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
    if fmt := request.GET.get("fmt"):
        return StudioExporter().response(qs.prefetch_related("occupations"), fmt)
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": q,
        "levels": Level.choices,
        "states": StudioState.choices,
        "nav": "studios",
    }
    template = "studios/studio_list.html#table" if is_htmx(request) else "studios/studio_list.html"
    return render(request, template, context)


@login_required
def studio_create(request: HttpRequest) -> HttpResponse:
    if not request.scope.has(APPLY_STUDIOS):
        raise PermissionDenied
    form = StudioForm(request.POST or None, scope=request.scope)
    if request.method == "POST" and form.is_valid():
        try:
            studio = services.apply_studio(actor=request.user, scope=request.scope, data=form.to_data())
        except services.StudiosError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Application registered. The higher union names the studio."))
            return redirect(studio)
    return render(request, "studios/form.html", {"form": form, "title": _("Apply for a studio"), "nav": "studios"})


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
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(actor=request.user, scope=request.scope, studio=studio, **form.cleaned_data)
        except services.StudiosError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Changes saved."))
            return redirect(studio)
    context = {"form": form, "title": studio.name, "back": studio.get_absolute_url(), "nav": "studios"}
    return render(request, "studios/form.html", context)


@login_required
@require_POST
def studio_decide(request: HttpRequest, pk: int) -> HttpResponse:
    studio = _studio(request, pk)
    request.scope.require(MANAGE_STUDIOS, studio.union_id)
    approve = request.POST.get("decision") == "name"
    note = request.POST.get("note", "")[:300]
    _do(
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
        _do(
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
    if request.method == "POST" and form.is_valid():
        try:
            services.change_lead(
                actor=request.user,
                scope=request.scope,
                studio=studio,
                lead=form.cleaned_data["lead"],
                note=form.cleaned_data["note"],
            )
        except services.StudiosError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The studio has a new lead."))
            return redirect(studio)
    context = {"form": form, "title": _("Change the lead"), "back": studio.get_absolute_url(), "nav": "studios"}
    return render(request, "studios/form.html", context)


@login_required
@require_POST
def studio_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    studio = _studio_for_edit(request, pk)
    form = TeamMemberForm(request.POST, studio=studio)
    if form.is_valid():
        _do(
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
    if request.method == "POST" and form.is_valid():
        try:
            project = services.add_project(actor=request.user, scope=request.scope, studio=studio, **form.cleaned_data)
        except services.StudiosError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Project recorded."))
            return redirect(project)
    context = {"form": form, "title": _("New project"), "back": studio.get_absolute_url(), "nav": "studios"}
    return render(request, "studios/form.html", context)


@login_required
def studio_result_create(request: HttpRequest, pk: int) -> HttpResponse:
    studio = _studio_for_edit(request, pk)
    form = ResultForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            services.add_result(actor=request.user, scope=request.scope, studio=studio, **form.cleaned_data)
        except services.StudiosError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Result recorded."))
            return redirect(studio)
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
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_report(actor=request.user, scope=request.scope, studio=studio, **form.cleaned_data)
        except services.StudiosError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Self-report saved."))
            return redirect(studio)
    context = {"form": form, "title": _("Yearly self-report"), "back": studio.get_absolute_url(), "nav": "studios"}
    return render(request, "studios/form.html", context)


@login_required
@require_POST
def studio_join(request: HttpRequest, pk: int) -> HttpResponse:
    studio = _studio_for_edit(request, pk)
    alliance = _alliance(request, _int(request.POST.get("alliance")))
    _do(
        request,
        lambda: services.apply_to_join(actor=request.user, scope=request.scope, alliance=alliance, studio=studio),
        _("Application sent to the alliance's lead union."),
    )
    return redirect(studio)


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise Http404 from None


# Alliances -------------------------------------------------------------------------------------


@login_required
def alliance_list(request: HttpRequest) -> HttpResponse:
    _may_use(request)
    qs = (
        alliances_for_user(request.scope)
        .select_related("lead_union")
        .annotate(member_count=Count("memberships", filter=Q(memberships__state__in=CURRENT_MEMBER_STATES)))
        .order_by("-founded_on", "-id")
    )
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(lead_union__name__contains=q))
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "studios/alliance_list.html", {"page": page, "q": q, "nav": "alliances"})


@login_required
def alliance_create(request: HttpRequest) -> HttpResponse:
    if not request.scope.has(MANAGE_STUDIOS):
        raise PermissionDenied
    form = AllianceForm(request.POST or None, scope=request.scope)
    if request.method == "POST" and form.is_valid():
        try:
            alliance = services.create_alliance(
                actor=request.user, scope=request.scope, data=form.to_data(), studios=form.cleaned_data["studios"]
            )
        except services.StudiosError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Alliance formed."))
            return redirect(alliance)
    return render(request, "studios/form.html", {"form": form, "title": _("Form an alliance"), "nav": "alliances"})


@login_required
def alliance_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alliance = _alliance(request, pk)
    scope = request.scope
    manages = manages_alliance(scope, alliance)
    memberships = list(
        alliance.memberships.select_related("studio__employer", "studio__lead").order_by("joined_on", "pk")
    )
    current = [m for m in memberships if m.state in CURRENT_MEMBER_STATES]
    addable = (
        studios_for_user(scope)
        .filter(scope.union_filter(MANAGE_STUDIOS), state=StudioState.NAMED)
        .exclude(pk__in=[m.studio_id for m in memberships if m.state != MemberState.DELISTED and m.studio_id])
        .select_related("employer")
        .order_by("employer__name", "name")
        if manages
        else Studio.objects.none()
    )
    own_acting = acting_studios(scope).filter(pk__in=[m.studio_id for m in current if m.studio_id])
    context = {
        "alliance": alliance,
        "memberships": memberships,
        "current": current,
        "former": [m for m in memberships if m.state == MemberState.DELISTED],
        "applications": [m for m in memberships if m.state == MemberState.APPLIED],
        "activities": alliance.activities.prefetch_related("members__studio")[:20],
        "problems": alliance.problems.select_related("studio").order_by("-posted_at")[:20],
        "projects": alliance.projects.select_related("studio").prefetch_related("participants").order_by("-started_on"),
        "totals": alliance_totals(alliance),
        "subsidy": alliance_subsidy(alliance),
        "activity_funds": activity_funds(alliance),
        "fund_programmes": _fund_programmes(request, alliance) if manages else [],
        "this_year": timezone.localdate().year,
        "criteria": alliance.criteria.all(),
        "evaluations": (
            Evaluation.objects.filter(membership__alliance=alliance)
            .select_related("membership__studio")
            .order_by("-year", "membership__pk")
        ),
        "manages": manages,
        "addable": addable,
        "can_post": own_acting.exists(),
        "external_form": ExternalMemberForm(),
        "history": history(alliance)[:30] if manages else [],
        "nav": "alliances",
    }
    return render(request, "studios/alliance_detail.html", context)


def _managed_alliance(request: HttpRequest, pk: int) -> Alliance:
    alliance = _alliance(request, pk)
    request.scope.require(MANAGE_STUDIOS, alliance.lead_union_id)
    return alliance


@login_required
@require_POST
def alliance_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    alliance = _managed_alliance(request, pk)
    studio = get_object_or_404(studios_for_user(request.scope), pk=_int(request.POST.get("studio")))
    _do(
        request,
        lambda: services.add_member(actor=request.user, scope=request.scope, alliance=alliance, studio=studio),
        _("%(studio)s joined the alliance.") % {"studio": studio.name},
    )
    return redirect(alliance)


@login_required
@require_POST
def alliance_external_add(request: HttpRequest, pk: int) -> HttpResponse:
    alliance = _managed_alliance(request, pk)
    form = ExternalMemberForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        _do(
            request,
            lambda: services.add_external_member(
                actor=request.user,
                scope=request.scope,
                alliance=alliance,
                name=d["name"],
                employer=d["employer"],
                province=d["province"],
                field=d["field"],
            ),
            _("External member added."),
        )
    else:
        messages.error(request, _("Name the external studio, its employer and its province."))
    return redirect(alliance)


@login_required
@require_POST
def member_admit(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request, pk)
    request.scope.require(MANAGE_STUDIOS, membership.alliance.lead_union_id)
    _do(
        request,
        lambda: services.admit_member(actor=request.user, scope=request.scope, membership=membership),
        _("Admitted."),
    )
    return redirect(membership.alliance)


@login_required
@require_POST
def member_delist(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request, pk)
    request.scope.require(MANAGE_STUDIOS, membership.alliance.lead_union_id)
    reason = request.POST.get("reason", "")
    _do(
        request,
        lambda: services.delist_member(actor=request.user, scope=request.scope, membership=membership, reason=reason),
        _("Delisted."),
    )
    return redirect(membership.alliance)


@login_required
@require_POST
def alliance_chair(request: HttpRequest, pk: int) -> HttpResponse:
    alliance = _managed_alliance(request, pk)
    raw = request.POST.get("membership", "")
    membership = get_object_or_404(alliance.memberships, pk=_int(raw)) if raw else None
    _do(
        request,
        lambda: services.set_chair(actor=request.user, scope=request.scope, alliance=alliance, membership=membership),
        _("The chair is set."),
    )
    return redirect(alliance)


def _fund_programmes(request: HttpRequest, alliance: Alliance) -> list[Programme]:
    """Programmes of unions at or above the alliance's lead union whose money this user moves."""
    above = UnionAncestor.objects.filter(descendant_id=alliance.lead_union_id).values("ancestor_id")
    return list(programmes_for(request.scope).filter(owner_id__in=above))


@login_required
@require_POST
def alliance_funds(request: HttpRequest, pk: int) -> HttpResponse:
    alliance = _managed_alliance(request, pk)
    programme = next(
        (p for p in _fund_programmes(request, alliance) if str(p.pk) == request.POST.get("programme")), None
    )
    amount = _decimal(request.POST.get("amount", ""))
    year = _int(request.POST.get("year", ""))
    if programme is None or amount is None or year is None or not 2000 <= year <= 2100:
        messages.error(request, _("Choose a programme, and enter the year and the amount in yuan."))
        return redirect(alliance)
    _do(
        request,
        lambda: services.propose_activity_funds(
            actor=request.user,
            scope=request.scope,
            alliance=alliance,
            programme=programme,
            year=year,
            amount=amount,
            purpose=request.POST.get("purpose", ""),
        ),
        _("Activity funds proposed; they are approved and paid in the ledger."),
    )
    return redirect(alliance)


@login_required
def alliance_activity(request: HttpRequest, pk: int) -> HttpResponse:
    alliance = _managed_alliance(request, pk)
    form = ActivityForm(request.POST or None, members=current_members(alliance).select_related("studio"))
    if request.method == "POST" and form.is_valid():
        try:
            services.record_activity(actor=request.user, scope=request.scope, alliance=alliance, **form.cleaned_data)
        except services.StudiosError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Activity recorded."))
            return redirect(alliance)
    context = {"form": form, "title": _("Record an activity"), "back": alliance.get_absolute_url(), "nav": "alliances"}
    return render(request, "studios/form.html", context)


def _decimal(value: str) -> Decimal | None:
    try:
        return Decimal(value.strip())
    except (InvalidOperation, AttributeError):
        return None


@login_required
def alliance_criteria(request: HttpRequest, pk: int) -> HttpResponse:
    alliance = _managed_alliance(request, pk)
    if request.method == "POST":
        names = request.POST.getlist("name")
        weights = [_decimal(w) for w in request.POST.getlist("weight")]
        rows = [(n, w) for n, w in zip(names, weights, strict=False) if n.strip() or w is not None]
        if any(w is None for _n, w in rows):
            messages.error(request, _("Each weight must be a number."))
        elif _do(
            request,
            lambda: services.set_criteria(
                actor=request.user, scope=request.scope, alliance=alliance, weights=[(n, w) for n, w in rows if w]
            ),
            _("Criteria saved."),
        ):
            return redirect(alliance)
    context = {"alliance": alliance, "criteria": alliance.criteria.all(), "blank": range(3), "nav": "alliances"}
    return render(request, "studios/criteria.html", context)


@login_required
def alliance_evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    alliance = _managed_alliance(request, pk)
    year = _int(request.POST.get("year") or request.GET.get("year") or timezone.localdate().year - 1)
    criteria = list(alliance.criteria.all())
    members = list(current_members(alliance).select_related("studio").order_by("joined_on", "pk"))
    done = {e.membership_id for e in Evaluation.objects.filter(membership__alliance=alliance, year=year)}
    errors: dict[int, str] = {}
    if request.method == "POST":
        for m in members:
            if m.pk in done:
                continue
            raw = {c.pk: request.POST.get(f"s-{m.pk}-{c.pk}", "") for c in criteria}
            if not any(v.strip() for v in raw.values()):
                continue  # this member is left for later
            scores = {k: _decimal(v) for k, v in raw.items()}
            if any(v is None for v in scores.values()):
                errors[m.pk] = _("Score every criterion with a number from 0 to 100.")
                continue
            try:
                e = services.evaluate_member(
                    actor=request.user,
                    scope=request.scope,
                    membership=m,
                    year=year,
                    scores=scores,  # type: ignore[arg-type]
                )
            except services.StudiosError as exc:
                errors[m.pk] = str(exc)
            else:
                done.add(m.pk)
                messages.info(request, f"{m.display_name}：{e.total}（{e.get_outcome_display()}）")
        if not errors:
            return redirect(alliance)
    rows = [(m, m.pk in done, errors.get(m.pk, "")) for m in members]
    context = {
        "alliance": alliance,
        "criteria": criteria,
        "rows": rows,
        "year": year,
        "post": request.POST,
        "nav": "alliances",
    }
    return render(request, "studios/evaluate.html", context)


@login_required
@require_POST
def alliance_inactivity(request: HttpRequest, pk: int) -> HttpResponse:
    alliance = _managed_alliance(request, pk)
    try:
        done = services.check_inactivity(actor=request.user, scope=request.scope, alliance=alliance)
    except services.StudiosError as exc:
        messages.error(request, str(exc))
    else:
        if not done:
            messages.success(request, _("Every member has been active within the period."))
        for m, state in done:
            messages.warning(request, f"{m.display_name}：{MemberState(state).label}")
    return redirect(alliance)


# The problem board -----------------------------------------------------------------------------


@login_required
def problem_list(request: HttpRequest) -> HttpResponse:
    _may_use(request)
    qs = problems_for_user(request.scope).select_related("alliance", "studio__employer").order_by("-posted_at", "-pk")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(field__contains=q) | Q(description__contains=q))
    if state := request.GET.get("state"):
        qs = qs.filter(state=state)
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "q": q, "states": ProblemState.choices, "nav": "problems"}
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
    if request.method == "POST" and form.is_valid():
        try:
            problem = services.post_problem(
                actor=request.user,
                scope=request.scope,
                alliance=alliance,
                studio=form.cleaned_data["studio"],
                data=form.to_data(),
                attachments=form.cleaned_data["attachments"],
            )
        except services.StudiosError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Problem posted on the board."))
            return redirect(problem)
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
    context = {
        "problem": problem,
        "claims": problem.claims.select_related("studio__employer"),
        "project": Project.objects.filter(problem=problem).first(),
        "suggestions": suggest_studios(scope, problem) if problem.state == ProblemState.OPEN or is_poster else [],
        "is_poster": is_poster,
        "attachments": problem.attachments.all(),
        "claim_form": ClaimForm(studios=claim_studios)
        if claim_studios.exists() and problem.state in {ProblemState.OPEN, ProblemState.IN_PROGRESS}
        else None,
        "nav": "problems",
    }
    return render(request, "studios/problem_detail.html", context)


@login_required
@require_POST
def problem_claim(request: HttpRequest, pk: int) -> HttpResponse:
    problem = _problem(request, pk)
    form = ClaimForm(request.POST, studios=acting_studios(request.scope))
    if not form.is_valid():
        if not acting_studios(request.scope).exists():
            raise PermissionDenied
        messages.error(request, _("Choose the studio and describe how it would solve the problem."))
        return redirect(problem)
    _do(
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
    _do(request, lambda: services.decline_claim(actor=request.user, scope=request.scope, claim=claim), _("Declined."))
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
    _do(
        request,
        lambda: services.add_problem_attachments(
            actor=request.user, scope=request.scope, problem=problem, attachments=form.cleaned_data["attachments"]
        ),
        _("Attachments added."),
    )
    return redirect(problem)


# Projects --------------------------------------------------------------------------------------


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
        _do(
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
    _do(
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
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.close_project(
                actor=request.user,
                scope=request.scope,
                project=project,
                outcome=d["outcome"],
                economic_value=d["economic_value"],
                patents=d["patents"],
                on=d["closed_on"],
            )
        except services.StudiosError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The project is closed and accepted."))
            return redirect(project.alliance or project)
    context = {
        "form": form,
        "title": _("Close and accept the project"),
        "back": project.get_absolute_url(),
        "nav": "problems",
    }
    return render(request, "studios/form.html", context)


# Targets ---------------------------------------------------------------------------------------


@login_required
def targets(request: HttpRequest) -> HttpResponse:
    """Which unions are on track and which are behind; a POST sets every city and industrial union's
    yearly target in the user's reach."""
    scope = request.scope
    if not scope.has(VIEW_STUDIOS):
        raise PermissionDenied
    year = timezone.localdate().year
    with contextlib.suppress(ValueError):
        year = int(request.GET.get("year", year))
    form = None
    if scope.has(MANAGE_STUDIOS):
        form = TargetsForm(request.POST or None, initial={"year": year})
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                count = services.set_yearly_targets(actor=request.user, scope=scope, **d)
            except PermissionDenied:
                form.add_error(None, _("No city or industrial union is in your reach."))
            else:
                messages.success(request, _("Targets set for %(count)s unions.") % {"count": count})
                return redirect(reverse("studios:targets") + f"?year={d['year']}")
    elif request.method == "POST":
        raise PermissionDenied
    rows = target_rows(scope, year)
    context = {
        "rows": rows,
        "year": year,
        "years": range(timezone.localdate().year + 1, 2016, -1),
        "summary": {"met": sum(1 for r in rows if r.met), "behind": sum(1 for r in rows if not r.met)},
        "form": form,
        "nav": "targets",
    }
    return render(request, "studios/targets.html", context)
