"""What the studios pages share: who may use them, scoped look-ups, running a service from a button."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from gongjiang.orgs.rules import VIEW_STUDIOS

from ..models import Alliance, Membership, Problem, Project, Studio
from ..queries import (
    alliances_for_user,
    led_studios,
    problems_for_user,
    projects_for_user,
    studios_for_user,
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


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise Http404 from None
