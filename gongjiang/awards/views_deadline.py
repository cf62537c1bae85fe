"""The last day of nominations of an honour cycle: read from a form, and set or moved on the cycle's page."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjiang.orgs.rules import MANAGE_POLICY

from . import services
from .queries import cycles_for


def closing_day(value: str | None) -> dt.date:
    """The nomination closing date a form sent, or ValueError with what to do in the user's language."""
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        raise ValueError(_("Enter the last day of nominations as a date (YYYY-MM-DD).")) from None


@login_required
@require_POST
def cycle_deadline(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = get_object_or_404(cycles_for(request.scope, request.user.pk), pk=pk)
    if not request.scope.has(MANAGE_POLICY):
        raise PermissionDenied
    try:
        services.set_nomination_deadline(
            actor=request.user, scope=request.scope, cycle=cycle, day=closing_day(request.POST.get("day"))
        )
    except (ValueError, services.AwardError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The nomination closing date is set."))
    return redirect(cycle)
