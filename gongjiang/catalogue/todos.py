"""What waits in the catalogue, on the home page: applications waiting at the user's own unions,
stage reports due soon or missed (the organiser's, and those of the unions just below), and
commendations to review. Each to-do's rows are what its list shows under ``?todo=<key>``."""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy

from gongjiang.core.todolist import Todo
from gongjiang.orgs.rules import MANAGE_COMPETITIONS, REVIEW_AWARDS

from .models import Application, Commendation, StageReport
from .queries import commendations_to_review, due_soon, missed, stage_reports_for, waiting_for

# Applications, stage reports and commendations are few beside a city's reach (26,573 closure rows at
# province scale), and each to-do reads the reach three times (applicant, where it waits, its trail):
# they are read through a probing scope (Scope.probing), each row probed in the closure.


def _review(request: Any) -> QuerySet[Application]:
    return waiting_for(request.scope.probing())


def _own_or_below(request: Any) -> QuerySet[StageReport]:
    roots = request.scope.roots(MANAGE_COMPETITIONS)
    return stage_reports_for(request.scope.probing()).filter(
        Q(application__applicant_id__in=roots) | Q(application__applicant__parent_id__in=roots)
    )


def _missed(request: Any) -> QuerySet[StageReport]:
    return missed(_own_or_below(request))


def _due(request: Any) -> QuerySet[StageReport]:
    roots = request.scope.roots(MANAGE_COMPETITIONS)
    return due_soon(stage_reports_for(request.scope.probing()).filter(application__applicant_id__in=roots))


def _commendations(request: Any) -> QuerySet[Commendation]:
    return commendations_to_review(request.scope.probing(), request.scope.roots(REVIEW_AWARDS))


TODOS = [
    Todo(
        "catalogue_review",
        gettext_lazy("Project applications to review"),
        "journal-check",
        "catalogue:review",
        "todo=catalogue_review",
        rows=_review,
    ),
    Todo(
        "stage_missed",
        gettext_lazy("Stage reports missed"),
        "exclamation-triangle",
        "catalogue:stage_reports",
        "todo=stage_missed",
        rows=_missed,
    ),
    Todo(
        "stage_due",
        gettext_lazy("Stage reports due soon"),
        "calendar-event",
        "catalogue:stage_reports",
        "todo=stage_due",
        rows=_due,
    ),
    Todo(
        "commendations_review",
        gettext_lazy("Year-end commendations to review"),
        "award",
        "catalogue:commendations",
        "todo=commendations_review",
        rows=_commendations,
    ),
]
