"""Nominating a worker, a unit or a team for an honour cycle, as the cycle's rule says; and the cycle's
nominees as a spreadsheet."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from gongjiang.orgs.models import Employer, UnionAncestor
from gongjiang.orgs.rules import REVIEW_AWARDS
from gongjiang.people.queries import workers_for_user
from gongjiang.policy.enums import Nominee

from . import services
from .exports import NominationExporter
from .models import Allocation, HonourCycle
from .queries import cycles_for, nominations_for

CANDIDATES = 20


def _to_int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


def _employers(mine: list[Allocation]) -> QuerySet[Employer]:
    """Employers in the subtrees of the user's allocated unions: the units and teams they may nominate."""
    below = UnionAncestor.objects.filter(ancestor_id__in=[a.union_id for a in mine]).values("descendant_id")
    return Employer.objects.filter(union_id__in=below)


@login_required
def nominate(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = get_object_or_404(cycles_for(request.scope, request.user.pk).select_related("rule"), pk=pk)
    mine = [a for a in cycle.allocations.select_related("union") if request.scope.covers(REVIEW_AWARDS, a.union_id)]
    if not mine:
        raise PermissionDenied
    kind = services.nominee_kind(cycle)
    error = ""
    if request.method == "POST":
        allocation = next((a for a in mine if str(a.pk) == request.POST.get("allocation")), None)
        chosen: dict[str, Any] = {}
        if kind == Nominee.PERSON:
            worker = workers_for_user(request.scope).filter(pk=_to_int(request.POST.get("worker"))).first()
            chosen = {"worker": worker} if worker else {}
        else:
            employer = _employers(mine).filter(pk=_to_int(request.POST.get("employer"))).first()
            chosen = {"employer": employer} if employer else {}
            if kind == Nominee.TEAM:
                chosen["team_name"] = request.POST.get("team_name", "")
        if allocation is None or not (chosen.get("worker") or chosen.get("employer")):
            error = _cannot_choose(kind)
        else:
            try:
                nomination = services.nominate(
                    actor=request.user,
                    scope=request.scope,
                    allocation=allocation,
                    statement=request.POST.get("statement", ""),
                    materials=request.FILES.get("materials"),
                    **chosen,
                )
            except services.AwardError as exc:
                error = str(exc)
            else:
                messages.success(request, _("Nomination submitted."))
                return redirect(nomination)
    q = request.GET.get("q", "").strip()
    if kind == Nominee.PERSON:
        candidates = workers_for_user(request.scope).select_related("employer")
    else:
        candidates = _employers(mine).order_by("name")
    candidates = candidates.filter(name__contains=q)[:CANDIDATES] if q else candidates.none()
    return render(
        request,
        "awards/nominate.html",
        {
            "cycle": cycle,
            "kind": kind,
            "mine": mine,
            "candidates": candidates,
            "q": q,
            "error": error,
            "closed": services.nominations_closed(cycle),
            "nav": "honours",
        },
    )


def _cannot_choose(kind: str) -> str:
    if kind == Nominee.UNIT:
        return _("Choose the nominating union and a unit of yours.")
    if kind == Nominee.TEAM:
        return _("Choose the nominating union and the team's unit, and give the team's name.")
    return _("Choose the nominating union and a worker of yours.")


@login_required
def cycle_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The cycle's nominees the user may see (their subtree's; all for the province), as xlsx or CSV."""
    cycle: HonourCycle = get_object_or_404(cycles_for(request.scope, request.user.pk), pk=pk)
    fmt = request.GET.get("fmt", "xlsx")
    if fmt not in {"xlsx", "csv"}:
        fmt = "xlsx"
    qs = nominations_for(request.scope, request.user.pk).filter(cycle=cycle).order_by("-score", "id")
    return NominationExporter().response(qs, fmt)
