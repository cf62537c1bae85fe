"""Alliance pages: members, chair, funds, activities, criteria, evaluation, inactivity; and the targets."""

import contextlib
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjiang.awards.queries import lines_for, programmes_for
from gongjiang.core.actions import act, submit
from gongjiang.core.audit import history
from gongjiang.core.cells import Links, day, number
from gongjiang.core.counts import children_counted
from gongjiang.core.http import is_htmx
from gongjiang.core.pagination import CappedPaginator
from gongjiang.core.plugins import cached_contributions
from gongjiang.core.todolist import narrow as narrow_todo
from gongjiang.orgs.figures import narrow
from gongjiang.orgs.models import UnionAncestor
from gongjiang.orgs.rules import MANAGE_STUDIOS, VIEW_STUDIOS
from gongjiang.policy.models import Programme

from .. import services
from ..enums import CURRENT_MEMBER_STATES, AllianceState, MemberState
from ..forms import (
    ActivityForm,
    AddMemberForm,
    AllianceForm,
    ExternalMemberForm,
    TargetsForm,
)
from ..models import Alliance, Evaluation, Membership
from ..queries import (
    acting_studios,
    activity_funds,
    alliance_subsidy,
    alliance_totals,
    alliances_for_user,
    current_members,
    manages_alliance,
    target_rows,
    target_summary,
    targets_for_user,
)
from ..todos import TODOS
from .base import PAGE_SIZE, _alliance, _int, _may_use, _membership


def _current_members() -> Coalesce:
    """An alliance's current members, as a correlated subquery: run for the page's rows only and
    left out of the pager's count, where a join to every membership and a GROUP BY were not."""
    return children_counted(Membership.objects.filter(state__in=CURRENT_MEMBER_STATES), "alliance", "pk")


# What the list reads of each alliance and its lead union: the cells of :func:`_alliance_rows`.
ALLIANCE_LIST_COLUMNS = ("name", "level", "founded_on", "state", "lead_union__name")
_BADGES = {AllianceState.NAMED: "success", AllianceState.PROPOSED: "warning"}


def _alliance_rows(alliances: list[Alliance]) -> list[dict[str, object]]:
    """The list's cells as strings, made here rather than in the template (core.cells: 50 rows at
    province scale, 15 in the demo)."""
    link = Links("studios:alliance_detail")
    return [
        {
            "pk": str(a.pk),
            "url": link(a.pk),
            "name": a.name,
            "level": a.get_level_display(),
            "lead_union": a.lead_union.name,
            "founded_on": day(a.founded_on),
            "members": number(a.member_count),
            "proposed": a.state == AllianceState.PROPOSED,
            "badge": _BADGES.get(a.state, "secondary"),
            "state": a.get_state_display(),
        }
        for a in alliances
    ]


@login_required
def alliance_list(request: HttpRequest) -> HttpResponse:
    _may_use(request)
    qs = (
        alliances_for_user(request.scope)
        .select_related("lead_union")
        .only(*ALLIANCE_LIST_COLUMNS)
        .annotate(member_count=_current_members())
        .order_by("-founded_on", "-id")
    )
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(lead_union__name__contains=q))
    state = request.GET.get("state", "")
    if state in AllianceState.values:
        qs = qs.filter(state=state)
    qs, figure = narrow(request, qs)  # the alliances behind a statistical figure
    qs = narrow_todo(request, qs, TODOS)
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": _alliance_rows(page.object_list),
        "q": q,
        "state": state,
        "states": AllianceState.choices,
        "figure": figure,
        "nav": "alliances",
    }
    return render(request, "studios/alliance_list.html", context)


@login_required
def alliance_create(request: HttpRequest) -> HttpResponse:
    if not request.scope.has(MANAGE_STUDIOS):
        raise PermissionDenied
    find, studio_find = request.GET.get("union_q", "").strip(), request.GET.get("studio_q", "").strip()
    if is_htmx(request) and request.method == "GET" and ("union_q" in request.GET or "studio_q" in request.GET):
        # a find box above the form: its drop-down alone, keeping what was chosen so far
        name = "lead_union" if "union_q" in request.GET else "studios"
        kept = request.GET.get(name) if name == "lead_union" else request.GET.getlist(name)
        found = AllianceForm(scope=request.scope, find=find, studio_find=studio_find, initial={name: kept})
        return HttpResponse(str(found[name]))
    form = AllianceForm(request.POST or None, scope=request.scope, find=find, studio_find=studio_find)
    if done := submit(
        request,
        form,
        lambda: services.create_alliance(
            actor=request.user, scope=request.scope, data=form.to_data(), studios=form.cleaned_data["studios"]
        ),
        success=_("Alliance formed."),
    ):
        return done
    boxes = [
        {"param": "union_q", "target": "id_lead_union", "find": find, "placeholder": _("Find a union by name")},
        {
            "param": "studio_q",
            "target": "id_studios",
            "find": studio_find,
            "placeholder": _("Find first member studios by their or their employer's name"),
        },
    ]
    context = {"form": form, "title": _("Form an alliance"), "nav": "alliances", "find_boxes": boxes}
    return render(request, "studios/form.html", context)


@login_required
def alliance_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alliance = _alliance(request, pk)
    scope = request.scope
    manages = manages_alliance(scope, alliance)
    memberships = list(
        alliance.memberships.select_related("studio__employer", "studio__lead").order_by("joined_on", "pk")
    )
    current = [m for m in memberships if m.state in CURRENT_MEMBER_STATES]
    # the named studios in reach not yet members: a short list found by name (4,000 for a province official)
    studio_find = request.GET.get("studio_q", "").strip()
    member_ids = [m.studio_id for m in memberships if m.state != MemberState.DELISTED and m.studio_id]
    add_form = AddMemberForm(scope=scope, exclude=member_ids, find=studio_find) if manages else None
    if add_form is not None and is_htmx(request) and "studio_q" in request.GET:
        return HttpResponse(str(add_form["studio"]))
    subsidy, funds = alliance_subsidy(alliance), list(activity_funds(alliance))
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
        "panels": [
            p for panel in cached_contributions("panels", "ALLIANCE_PANELS") if (p := panel(request.scope, alliance))
        ],
        "subsidy": subsidy,
        "activity_funds": funds,
        # link a ledger line only for those who may open it (one query for all of them)
        "openable_lines": set(
            lines_for(scope).filter(pk__in=[line.pk for line in [subsidy, *funds] if line]).values_list("pk", flat=True)
        ),
        "fund_programmes": _fund_programmes(request, alliance) if manages else [],
        "this_year": timezone.localdate().year,
        "criteria": alliance.criteria.all(),
        "evaluations": (
            Evaluation.objects.filter(membership__alliance=alliance)
            .select_related("membership__studio")
            .order_by("-year", "membership__pk")
        ),
        "manages": manages,
        "may_name": alliance.state == AllianceState.PROPOSED
        and services.naming_union(scope, alliance.level, alliance.lead_union_id) is not None,
        "add_form": add_form,
        "studio_find": studio_find,
        "can_post": own_acting.exists(),
        "external_form": ExternalMemberForm(),
        "history": history(alliance)[:30] if manages else [],
        "nav": "alliances",
    }
    return render(request, "studios/alliance_detail.html", context)


@login_required
@require_POST
def alliance_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Name (命名) a proposed alliance, or decline with a reason; the service checks the naming union."""
    alliance = _alliance(request, pk)
    approve = request.POST.get("decision") == "name"
    act(
        request,
        lambda: services.decide_alliance(
            actor=request.user,
            scope=request.scope,
            alliance=alliance,
            approve=approve,
            note=request.POST.get("note", "")[:300],
        ),
        _("The alliance is named.") if approve else _("The alliance is not named."),
    )
    return redirect(alliance)


def _managed_alliance(request: HttpRequest, pk: int) -> Alliance:
    alliance = _alliance(request, pk)
    request.scope.require(MANAGE_STUDIOS, alliance.lead_union_id)
    return alliance


@login_required
@require_POST
def alliance_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    alliance = _managed_alliance(request, pk)
    # any named studio in reach (refused, saying so, outside it); the service checks the rest
    form = AddMemberForm(request.POST, scope=request.scope, exclude=[])
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["studio"]))
        return redirect(alliance)
    studio = form.cleaned_data["studio"]
    act(
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
        act(
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
    act(
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
    act(
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
    act(
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
    act(
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
    if done := submit(
        request,
        form,
        lambda: services.record_activity(
            actor=request.user, scope=request.scope, alliance=alliance, **form.cleaned_data
        ),
        success=_("Activity recorded."),
        then=alliance,
    ):
        return done
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
        elif act(
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
    rows = target_rows(scope, year, today=timezone.localdate())
    if request.GET.get("todo"):  # the targets a to-do on the home page counts, and only those
        keep = set(narrow_todo(request, targets_for_user(scope), TODOS).values_list("pk", flat=True))
        rows = [r for r in rows if r.target.pk in keep]
    context = {
        "rows": rows,
        "year": year,
        "years": range(timezone.localdate().year + 1, 2016, -1),
        "summary": target_summary(rows),
        "form": form,
        "nav": "targets",
    }
    return render(request, "studios/targets.html", context)
