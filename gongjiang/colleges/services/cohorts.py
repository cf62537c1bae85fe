"""Training classes (cohorts): their dates, sessions and state."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from gongjiang.core import audit
from gongjiang.core.models import AuditAction, User
from gongjiang.orgs.scope import Scope

from ..enums import COHORT_TRANSITIONS, CohortState, EnrolmentStatus
from ..models import (
    Cohort,
    College,
    Course,
    Session,
    Teacher,
    Unit,
)
from .assessment import _record_completions
from .base import CollegeError, _record, require_manager
from .enrolment import _fill_from_waiting_list

COHORT_FIELDS = ("name", "starts_on", "ends_on", "place", "capacity", "required_hours", "pass_mark", "teachers")


@dataclass(frozen=True)
class CohortData:
    name: str
    starts_on: dt.date
    ends_on: dt.date
    place: str
    capacity: int
    required_hours: Decimal
    pass_mark: Decimal = Decimal(60)
    teachers: tuple[Teacher, ...] = ()


def _check_cohort(college: College, data: CohortData) -> None:
    if data.starts_on > data.ends_on:
        raise CollegeError(_("A class cannot end before it starts."))
    if data.capacity < 1:
        raise CollegeError(_("A class needs at least one place."))
    if not Decimal(0) <= data.pass_mark <= Decimal(100):
        raise CollegeError(_("The pass mark lies between 0 and 100."))
    if any(t.college_id != college.pk for t in data.teachers):
        raise CollegeError(_("Every teacher of a class must teach at its college."))


@transaction.atomic
def create_cohort(*, actor: User, scope: Scope, course: Course, data: CohortData) -> Cohort:
    college = course.college
    require_manager(scope, college)
    _check_cohort(college, data)
    fields = {k: v for k, v in data.__dict__.items() if k != "teachers"}
    cohort = Cohort.objects.create(course=course, college=college, **fields)
    cohort.teachers.set(data.teachers)
    _record(actor, AuditAction.CREATE, cohort, college, after=audit.snapshot(cohort, COHORT_FIELDS))
    return cohort


@transaction.atomic
def update_cohort(*, actor: User, scope: Scope, cohort: Cohort, data: CohortData) -> Cohort:
    """Change a class; more places go to the waiting list in order, fewer than the enrolled are refused."""
    college = cohort.college
    require_manager(scope, college)
    _check_cohort(college, data)
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if cohort.state == CohortState.FINISHED:
        raise CollegeError(_("A finished class cannot change."))
    enrolled = cohort.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
    if data.capacity < enrolled:
        raise CollegeError(_("%(count)s workers are enrolled; the capacity cannot be lower.") % {"count": enrolled})
    before = audit.snapshot(cohort, COHORT_FIELDS)
    for name, value in data.__dict__.items():
        if name != "teachers":
            setattr(cohort, name, value)
    cohort.save()
    cohort.teachers.set(data.teachers)
    _record(actor, AuditAction.UPDATE, cohort, college, before=before, after=audit.snapshot(cohort, COHORT_FIELDS))
    _fill_from_waiting_list(actor, cohort)
    return cohort


@transaction.atomic
def add_session(
    *,
    actor: User,
    scope: Scope,
    cohort: Cohort,
    day: dt.date,
    starts_at: dt.time,
    hours: Decimal,
    topic: str,
    unit: Unit | None = None,
    teacher: Teacher | None = None,
) -> Session:
    college = cohort.college
    require_manager(scope, college)
    if cohort.state == CohortState.FINISHED:
        raise CollegeError(_("A finished class cannot change."))
    if not cohort.starts_on <= day <= cohort.ends_on:
        raise CollegeError(_("A session must fall within the dates of its class."))
    if hours <= 0:
        raise CollegeError(_("A session needs a positive number of training hours."))
    if unit is not None and unit.course_id != cohort.course_id:
        raise CollegeError(_("The unit belongs to another course."))
    if teacher is not None and teacher.college_id != college.pk:
        raise CollegeError(_("Every teacher of a class must teach at its college."))
    if cohort.sessions.filter(day=day, starts_at=starts_at).exists():
        raise CollegeError(_("The class already has a session at that time."))
    session = Session.objects.create(
        cohort=cohort, day=day, starts_at=starts_at, hours=hours, topic=topic, unit=unit, teacher=teacher
    )
    _record(
        actor,
        AuditAction.CREATE,
        session,
        college,
        after=audit.snapshot(session, ("day", "starts_at", "hours", "topic", "unit", "teacher")),
        note=str(cohort),
    )
    return session


@transaction.atomic
def transition(*, actor: User, scope: Scope, cohort: Cohort, to: str) -> Cohort:
    """Open → in progress (enrolment closes) → finished (completions are recorded)."""
    college = cohort.college
    require_manager(scope, college)
    cohort = Cohort.objects.select_for_update().select_related("college", "course").get(pk=cohort.pk)
    if to not in COHORT_TRANSITIONS[cohort.state]:
        raise CollegeError(
            _("A class in state “%(state)s” cannot move to “%(to)s”.")
            % {"state": cohort.get_state_display(), "to": CohortState(to).label}
        )
    if to == CohortState.FINISHED:
        untaken = cohort.sessions.filter(taken_at__isnull=True).count()
        if not cohort.sessions.exists() or untaken:
            raise CollegeError(_("Take the attendance of every session before the class finishes."))
    before = audit.snapshot(cohort, ("state",))
    cohort.state = to
    cohort.save(update_fields=["state"])
    _record(actor, AuditAction.UPDATE, cohort, college, before=before, after=audit.snapshot(cohort, ("state",)))
    if to == CohortState.FINISHED:
        _record_completions(actor, cohort)
    return cohort
