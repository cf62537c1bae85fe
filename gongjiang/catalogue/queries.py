"""Reads of the catalogue, each starting from what the user may see.

An application is seen by whoever covers its applying union (managing or reading competitions) and by
the unions it has been sent up to (where it waits, and every union on its trail)."""

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from gongjiang.orgs.models import Union, UnionAncestor
from gongjiang.orgs.rules import MANAGE_COMPETITIONS, VIEW_COMPETITIONS
from gongjiang.orgs.scope import Scope

from .enums import STAGE_DUE_SOON_DAYS, ApplicationState, CommendationState
from .models import Application, Commendation, Quota, StageReport, Step

CAPS = (MANAGE_COMPETITIONS, VIEW_COMPETITIONS)


def reach(scope: Scope) -> set[int]:
    """The roots of the user's competition scope (managing or reading)."""
    roots: set[int] = set()
    for cap in CAPS:
        roots |= scope.roots(cap)
    return roots


def union_ids(scope: Scope) -> QuerySet[UnionAncestor, int]:
    return scope.union_ids(CAPS)


def applications_for(scope: Scope) -> QuerySet[Application]:
    """Through ``scope.union_filter``: the reach's closure rows below the province, ``IS NOT NULL`` for
    the province, and per-row probes for a probing scope (the home page's to-dos, Scope.probing)."""
    if not scope.has(CAPS):
        return Application.objects.none()
    sent_up = Step.objects.filter(scope.union_filter(CAPS, "union")).values("application_id")
    return Application.objects.filter(
        scope.union_filter(CAPS, "applicant") | scope.union_filter(CAPS, "at") | Q(pk__in=sent_up)
    ).select_related("applicant", "at", "approver", "competition")


def waiting_for(scope: Scope) -> QuerySet[Application]:
    """Applications waiting at one of the user's own unions (a city's queue is not the province's)."""
    return applications_for(scope).filter(
        state__in=(ApplicationState.SUBMITTED, ApplicationState.RECOMMENDED),
        at_id__in=scope.roots(MANAGE_COMPETITIONS),
    )


def catalogue_of(scope: Scope, union: Union, year: int) -> QuerySet[Application]:
    """The 竞赛目录 of ``union``'s subtree for ``year``: its approved projects the user may see."""
    subtree = UnionAncestor.objects.filter(ancestor=union).values("descendant_id")
    return (
        applications_for(scope)
        .filter(state=ApplicationState.APPROVED, year=year, applicant_id__in=subtree)
        .order_by("tier", "applicant__name", "name")
    )


def catalogue_unions(scope: Scope) -> QuerySet[Union]:
    """Unions whose catalogue the user may open: those they cover, cities and above first."""
    return Union.objects.filter(pk__in=union_ids(scope)).exclude(kind="grassroots").order_by("kind", "region_id")


def stage_reports_for(scope: Scope) -> QuerySet[StageReport]:
    return StageReport.objects.filter(
        application__in=applications_for(scope).filter(state=ApplicationState.APPROVED).values("pk")
    ).select_related("application__applicant")


def missed(qs: QuerySet[StageReport], today: dt.date | None = None) -> QuerySet[StageReport]:
    return qs.filter(submitted_at__isnull=True, due_on__lt=today or timezone.localdate())


def due_soon(qs: QuerySet[StageReport], today: dt.date | None = None) -> QuerySet[StageReport]:
    today = today or timezone.localdate()
    return qs.filter(
        submitted_at__isnull=True, due_on__gte=today, due_on__lte=today + dt.timedelta(days=STAGE_DUE_SOON_DAYS)
    )


def commendations_for(scope: Scope) -> QuerySet[Commendation]:
    return Commendation.objects.filter(application__in=applications_for(scope).values("pk")).select_related(
        "application__applicant", "employer", "worker", "honour_cycle", "nomination"
    )


def commendations_to_review(scope: Scope, roots: set[int]) -> QuerySet[Commendation]:
    """Proposed commendations of organisers just below one of ``roots`` (the province reviews its own too)."""
    return (
        commendations_for(scope)
        .filter(state=CommendationState.PROPOSED)
        .filter(
            Q(application__applicant__parent_id__in=roots)
            | Q(application__applicant__parent__isnull=True, application__applicant_id__in=roots)
        )
    )


def quotas_for(scope: Scope) -> QuerySet[Quota]:
    return Quota.objects.filter(union_id__in=union_ids(scope)).select_related("union", "document")
