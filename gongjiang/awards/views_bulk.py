"""Bulk review pages: select proposals or nominees, decide them with one verdict and one reason, and
see what happened to each."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjiang.core.batch import outcome_page, selection
from gongjiang.orgs.rules import APPROVE_PAYMENTS, REVIEW_AWARDS

from . import services
from .queries import cycles_for, decisions_for, nominations_for


@login_required
@require_POST
def decisions_bulk(request: HttpRequest) -> HttpResponse:
    if not request.scope.has(REVIEW_AWARDS):
        raise PermissionDenied
    back = reverse("awards:decisions") + "?state=proposed"
    picked = selection(request)
    if picked is None:
        return redirect(back)
    ids, verdict, note = picked
    outcomes = services.review_decisions(
        actor=request.user,
        scope=request.scope,
        visible=decisions_for(request.scope),
        ids=ids,
        verdict=verdict,
        note=note,
    )
    title = _("Proposals accepted") if verdict == "accept" else _("Proposals rejected")
    return outcome_page(request, outcomes, title=title, back=back, nav="awards")


@login_required
@require_POST
def nominations_bulk(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = get_object_or_404(cycles_for(request.scope, request.user.pk), pk=pk)
    if not request.scope.has(APPROVE_PAYMENTS):
        raise PermissionDenied
    picked = selection(request)
    if picked is None:
        return redirect(cycle)
    ids, verdict, note = picked
    visible = nominations_for(request.scope, request.user.pk).filter(cycle=cycle)
    outcomes = services.decide_nominations(
        actor=request.user, scope=request.scope, visible=visible, ids=ids, verdict=verdict, note=note
    )
    title = _("Nominees approved") if verdict == "accept" else _("Nominees not approved")
    return outcome_page(request, outcomes, title=title, back=cycle.get_absolute_url(), nav="honours")
