"""What the college pages share: who may use them, scoped look-ups, the safe ``next`` redirect."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme

from gongjiang.orgs.rules import ENROL_COLLEGES, MANAGE_COLLEGES, STAFF_COLLEGES, VIEW_COLLEGES

from ..queries import (
    cohorts_for_user,
    colleges_for_user,
    courses_for_user,
    managed_cohorts,
    managed_colleges,
    own_worker,
)

PAGE_SIZE = 50
NAV = "colleges"


def _may_use(request: HttpRequest) -> None:
    scope = request.scope
    if (
        not any(scope.has(c) for c in (MANAGE_COLLEGES, STAFF_COLLEGES, ENROL_COLLEGES, VIEW_COLLEGES))
        and own_worker(scope) is None
    ):
        raise PermissionDenied


def _college(request: HttpRequest, pk: int, *, manage: bool = False):  # type: ignore[no-untyped-def]
    qs = managed_colleges(request.scope) if manage else colleges_for_user(request.scope)
    return get_object_or_404(qs.select_related("union"), pk=pk)


def _cohort(request: HttpRequest, pk: int, *, manage: bool = False):  # type: ignore[no-untyped-def]
    qs = managed_cohorts(request.scope) if manage else cohorts_for_user(request.scope)
    return get_object_or_404(qs.select_related("college__union", "course"), pk=pk)


def _course(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    return get_object_or_404(courses_for_user(request.scope).select_related("college", "event__competition"), pk=pk)


def _next_or(request: HttpRequest, fallback):  # type: ignore[no-untyped-def]
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)
