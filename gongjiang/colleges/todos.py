"""What waits in the colleges, on the home page. A college admin: classes starting within 14 days,
classes with a past session whose attendance was not taken, classes with completions to certify. An
enrolling union: open classes with places left. A worker: the classes they are enrolled in. Each
to-do's rows are what its list shows under ``?todo=<key>``."""

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongjiang.core.todolist import Todo
from gongjiang.orgs.rules import ENROL_COLLEGES, MANAGE_COLLEGES, STAFF_COLLEGES

from .enums import CohortState, EnrolmentStatus
from .models import Cohort, CompletionCertificate, Enrolment, Session
from .queries import cohorts_for_user, managed_cohorts

STARTING_DAYS = 14


def _run(request: Any) -> QuerySet[Cohort]:
    """The classes of the colleges a college admin is linked to (union admins see theirs on the lists)."""
    if not request.scope.has(STAFF_COLLEGES):
        return Cohort.objects.none()
    return managed_cohorts(request.scope)


def _starting(request: Any) -> QuerySet[Cohort]:
    today = timezone.localdate()
    return _run(request).filter(
        state=CohortState.OPEN, starts_on__gte=today, starts_on__lte=today + dt.timedelta(days=STARTING_DAYS)
    )


def _no_attendance(request: Any) -> QuerySet[Cohort]:
    past = Session.objects.filter(cohort=OuterRef("pk"), day__lt=timezone.localdate(), taken_at__isnull=True)
    return _run(request).exclude(state=CohortState.OPEN).filter(Exists(past))


def _to_certify(request: Any) -> QuerySet[Cohort]:
    valid = CompletionCertificate.objects.filter(completion=OuterRef("completion"), revoked_at__isnull=True)
    uncertified = Enrolment.objects.filter(cohort=OuterRef("pk"), completion__isnull=False).exclude(Exists(valid))
    return _run(request).filter(Exists(uncertified))


def _with_places(request: Any) -> QuerySet[Cohort]:
    scope = request.scope
    if not scope.has(ENROL_COLLEGES) or scope.has(MANAGE_COLLEGES):
        return Cohort.objects.none()
    return (
        cohorts_for_user(scope)
        .filter(state=CohortState.OPEN, starts_on__gte=timezone.localdate())
        .annotate(taken=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)))
        .filter(taken__lt=F("capacity"))
    )


def _places_note(request: Any) -> str:
    # summed here: an aggregate over the per-class count is refused by PostgreSQL; open classes are few
    left = sum(capacity - taken for capacity, taken in _with_places(request).values_list("capacity", "taken"))
    return _("%(n)s places left") % {"n": left}


def my_classes(request: Any) -> QuerySet[Enrolment]:
    # a user without a worker record (read with the user by portal.auth: no query) is enrolled in nothing
    if not request.user.is_authenticated or not hasattr(request.user, "worker"):
        return Enrolment.objects.none()
    return Enrolment.objects.filter(
        worker__user=request.user,
        status__in=[EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITING],
        cohort__state__in=[CohortState.OPEN, CohortState.RUNNING],
    )


TODOS = [
    Todo(
        "classes_starting",
        gettext_lazy("Classes starting within 14 days"),
        "calendar-event",
        "colleges:cohort_list",
        "todo=classes_starting",
        rows=_starting,
        soonest="starts_on",
        deadline_label=gettext_lazy("starts %(day)s"),
    ),
    Todo(
        "attendance",
        gettext_lazy("Classes with sessions whose attendance was not taken"),
        "person-check",
        "colleges:cohort_list",
        "todo=attendance",
        rows=_no_attendance,
    ),
    Todo(
        "certify",
        gettext_lazy("Classes with completions to certify"),
        "patch-check",
        "colleges:cohort_list",
        "todo=certify",
        rows=_to_certify,
    ),
    Todo(
        "class_places",
        gettext_lazy("Open classes with places for your workers"),
        "mortarboard",
        "colleges:cohort_list",
        "state=open&todo=class_places",
        rows=_with_places,
        note=_places_note,
        deadline=lambda request: _with_places(request).aggregate(day=Min("starts_on"))["day"],
        deadline_label=gettext_lazy("first starts %(day)s"),
    ),
    Todo(
        "my_classes",
        gettext_lazy("Classes you are enrolled in"),
        "journal-bookmark",
        "colleges:mine",
        "todo=my_classes",
        rows=my_classes,
    ),
]
