"""Naming in bulk: the studio applications ticked on the studio list, named or rejected with one note,
each through :func:`services.decide_studio` on its own (its "六有" checks, its audit entry); the same for
proposed alliances on the alliance list."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjiang.core.batch import outcome_page, run_each, selection
from gongjiang.orgs.rules import MANAGE_STUDIOS

from .. import services
from ..models import Alliance, Studio
from ..queries import alliances_for_user, studios_for_user

MAX_ITEMS = 200


@login_required
@require_POST
def studios_bulk(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    if not scope.has(MANAGE_STUDIOS):
        raise PermissionDenied
    back = reverse("studios:list") + "?state=applied"
    picked = selection(request)
    if picked is None:
        return redirect(back)
    ids, verdict, note = picked
    ids = list(dict.fromkeys(ids))[:MAX_ITEMS]
    found = studios_for_user(scope).select_related("employer", "lead", "union").in_bulk(ids)

    def decide(pk: int) -> Studio:
        studio = found.get(pk)
        if studio is None:
            raise services.StudiosError(_("Not found, or not yours to decide."))
        return services.decide_studio(
            actor=request.user, scope=scope, studio=studio, approve=verdict == "accept", note=note
        )

    outcomes = run_each(
        ids,
        decide,
        label=lambda pk: found[pk].name if pk in found else _("Studio %(id)s") % {"id": pk},
        link=lambda pk: found[pk].get_absolute_url() if pk in found else "",
    )
    title = _("Studios named") if verdict == "accept" else _("Studio applications rejected")
    return outcome_page(request, outcomes, title=title, back=back, nav="studios")


@login_required
@require_POST
def alliances_bulk(request: HttpRequest) -> HttpResponse:
    """Proposed alliances ticked on the alliance list, named or declined with one reason, each through
    :func:`services.decide_alliance` on its own (its naming-union check, its audit entry, its subsidy)."""
    scope = request.scope
    if not scope.has(MANAGE_STUDIOS):
        raise PermissionDenied
    back = reverse("studios:alliance_list") + "?state=proposed"
    picked = selection(request)
    if picked is None:
        return redirect(back)
    ids, verdict, note = picked
    ids = list(dict.fromkeys(ids))[:MAX_ITEMS]
    found = alliances_for_user(scope).select_related("lead_union").in_bulk(ids)

    def decide(pk: int) -> Alliance:
        alliance = found.get(pk)
        if alliance is None:
            raise services.StudiosError(_("Not found, or not yours to decide."))
        try:
            return services.decide_alliance(
                actor=request.user, scope=scope, alliance=alliance, approve=verdict == "accept", note=note
            )
        except PermissionDenied:
            raise services.StudiosError(_("Not found, or not yours to decide.")) from None

    outcomes = run_each(
        ids,
        decide,
        label=lambda pk: found[pk].name if pk in found else _("Alliance %(id)s") % {"id": pk},
        link=lambda pk: found[pk].get_absolute_url() if pk in found else "",
    )
    title = _("Alliances named") if verdict == "accept" else _("Alliances not named")
    return outcome_page(request, outcomes, title=title, back=back, nav="alliances")
