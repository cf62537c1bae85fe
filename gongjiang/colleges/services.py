"""Writes for colleges: one function per business action, scope-checked and audited in its transaction."""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.competitions.models import Criterion, Event
from gongjiang.core import audit, crypto
from gongjiang.core.models import AuditAction, User
from gongjiang.orgs.enums import RoleKind
from gongjiang.orgs.models import Role
from gongjiang.orgs.rules import CHANGE_WORKERS, ENROL_COLLEGES, MANAGE_COLLEGES
from gongjiang.orgs.scope import Scope
from gongjiang.people import services as people_services
from gongjiang.people.enums import GradeSource
from gongjiang.people.models import Occupation, SkillGrade, Worker

from .enums import COHORT_TRANSITIONS, CohortState, EnrolmentStatus
from .models import (
    Attendance,
    Cohort,
    College,
    CollegeStaff,
    Completion,
    Course,
    Enrolment,
    Session,
    Teacher,
    Unit,
)
from .queries import citable_events, manages, open_to_worker

COLLEGE_FIELDS = (
    "name",
    "industry",
    "union",
    "universities",
    "employers",
    "plan_year",
    "plan_classes",
    "plan_days",
    "plan_places",
)
TEACHER_FIELDS = ("name", "kind", "affiliation", "worker", "subjects", "availability", "active")
COHORT_FIELDS = ("name", "starts_on", "ends_on", "place", "capacity", "required_hours", "pass_mark", "teachers")
ENROLMENT_FIELDS = ("worker", "status", "withdrawn_reason")


class CollegeError(Exception):
    """A broken business rule, with a message for the user."""


def require_manager(scope: Scope, college: College) -> None:
    if not manages(scope, college):
        raise PermissionDenied


def _record(actor: User, action: str, obj: Any, college: College, **kwargs: Any) -> None:
    audit.record(actor=actor, action=action, obj=obj, union_id=college.union_id, **kwargs)


# colleges and their staff -------------------------------------------------------------------


@transaction.atomic
def save_college(*, actor: User, scope: Scope, college: College | None = None, fields: dict[str, Any]) -> College:
    """Create a college run by a union of the user's subtree, or change one (it stays with its union)."""
    fields = dict(fields)
    employers = fields.pop("employers", [])
    scope.require(MANAGE_COLLEGES, fields["union"].pk)
    if college is None:
        if College.objects.filter(name=fields["name"]).exists():
            raise CollegeError(_("A college with this name already exists."))
        college = College.objects.create(**fields)
        before: dict[str, Any] = {}
        action = AuditAction.CREATE
    else:
        scope.require(MANAGE_COLLEGES, college.union_id)
        if College.objects.filter(name=fields["name"]).exclude(pk=college.pk).exists():
            raise CollegeError(_("A college with this name already exists."))
        before = audit.snapshot(college, COLLEGE_FIELDS)
        for name, value in fields.items():
            setattr(college, name, value)
        college.save()
        action = AuditAction.UPDATE
    college.employers.set(employers)
    _record(actor, action, college, college, before=before, after=audit.snapshot(college, COLLEGE_FIELDS))
    return college


@transaction.atomic
def add_staff(*, actor: User, scope: Scope, college: College, user: User) -> CollegeStaff:
    """Link a college admin to the college they run (union admins of the college's union do this)."""
    scope.require(MANAGE_COLLEGES, college.union_id)
    if not Role.objects.filter(user=user, kind=RoleKind.COLLEGE_ADMIN).exists():
        raise CollegeError(_("This account does not hold the college admin role."))
    link, created = CollegeStaff.objects.get_or_create(college=college, user=user)
    if not created:
        raise CollegeError(_("This account already runs this college."))
    _record(actor, AuditAction.CREATE, link, college, after={"user": user.username, "college": college.name})
    return link


@transaction.atomic
def remove_staff(*, actor: User, scope: Scope, link: CollegeStaff) -> None:
    college = link.college
    scope.require(MANAGE_COLLEGES, college.union_id)
    _record(actor, AuditAction.DELETE, link, college, before={"user": link.user.username, "college": college.name})
    link.delete()


# teachers -----------------------------------------------------------------------------------


def worker_for_teacher(name: str, id_number: str) -> Worker:
    """The worker record whose name and ID number both match (an exact look-up, never a search)."""
    worker = Worker.objects.filter(id_number_hash=crypto.keyed_hash(id_number)).first()
    if worker is None or worker.name != name:
        raise CollegeError(_("No worker record has this name and ID number."))
    return worker


@transaction.atomic
def save_teacher(
    *,
    actor: User,
    scope: Scope,
    college: College,
    teacher: Teacher | None = None,
    fields: dict[str, Any],
    worker: Worker | None = None,
    unlink: bool = False,
) -> Teacher:
    """Add or change a teacher; ``worker`` links their worker record, ``unlink`` drops the link."""
    require_manager(scope, college)
    if teacher is not None and teacher.college_id != college.pk:
        raise PermissionDenied
    clash = Teacher.objects.filter(college=college, name=fields["name"])
    if teacher is not None:
        clash = clash.exclude(pk=teacher.pk)
    if clash.exists():
        raise CollegeError(_("This college already has a teacher of this name."))
    if teacher is None:
        teacher = Teacher(college=college)
        before: dict[str, Any] = {}
        action = AuditAction.CREATE
    else:
        before = audit.snapshot(teacher, TEACHER_FIELDS)
        action = AuditAction.UPDATE
    for name, value in fields.items():
        setattr(teacher, name, value)
    if worker is not None:
        teacher.worker = worker
    elif unlink:
        teacher.worker = None
    teacher.save()
    _record(actor, action, teacher, college, before=before, after=audit.snapshot(teacher, TEACHER_FIELDS))
    return teacher


# courses ------------------------------------------------------------------------------------


@transaction.atomic
def create_course(
    *,
    actor: User,
    scope: Scope,
    college: College,
    title: str,
    occupation: Occupation | None = None,
    description: str = "",
    event: Event | None = None,
) -> Course:
    require_manager(scope, college)
    if Course.objects.filter(college=college, title=title).exists():
        raise CollegeError(_("This college already has a course of this title."))
    if event is not None and not citable_events(college).filter(pk=event.pk).exists():
        raise CollegeError(_("This college may not cite that event."))
    course = Course.objects.create(
        college=college, title=title, occupation=occupation, description=description, event=event
    )
    _record(
        actor,
        AuditAction.CREATE,
        course,
        college,
        after=audit.snapshot(course, ("title", "occupation", "description", "event")),
    )
    return course


@transaction.atomic
def update_course(
    *, actor: User, scope: Scope, course: Course, title: str, occupation: Occupation | None, description: str
) -> Course:
    """Correct a course's title, occupation or description; its units and lineage stay."""
    course = Course.objects.select_for_update().get(pk=course.pk)
    require_manager(scope, course.college)
    if Course.objects.filter(college_id=course.college_id, title=title).exclude(pk=course.pk).exists():
        raise CollegeError(_("This college already has a course of this title."))
    before = audit.snapshot(course, ("title", "occupation", "description"))
    course.title, course.occupation, course.description = title, occupation, description
    course.save(update_fields=["title", "occupation", "description"])
    _record(
        actor,
        AuditAction.UPDATE,
        course,
        course.college,
        before=before,
        after=audit.snapshot(course, ("title", "occupation", "description")),
    )
    return course


@transaction.atomic
def update_unit(*, actor: User, scope: Scope, unit: Unit, title: str, hours: Decimal) -> Unit:
    """Correct a unit's title or training hours (the classes that follow the course count the new hours)."""
    unit = Unit.objects.select_for_update().select_related("course__college").get(pk=unit.pk)
    require_manager(scope, unit.course.college)
    if hours <= 0:
        raise CollegeError(_("A unit needs a positive number of training hours."))
    before = audit.snapshot(unit, ("title", "hours"))
    unit.title, unit.hours = title, hours
    unit.save(update_fields=["title", "hours"])
    _record(
        actor,
        AuditAction.UPDATE,
        unit,
        unit.course.college,
        before=before,
        after=audit.snapshot(unit, ("title", "hours")),
    )
    return unit


@transaction.atomic
def remove_unit(*, actor: User, scope: Scope, unit: Unit) -> None:
    """Remove a unit; the later ones move up, so the syllabus stays numbered 1, 2, 3 …"""
    unit = Unit.objects.select_for_update().select_related("course__college").get(pk=unit.pk)
    course = unit.course
    require_manager(scope, course.college)
    before = audit.snapshot(unit, ("position", "title", "hours", "event", "criteria"))
    position = unit.position
    _record(actor, AuditAction.DELETE, unit, course.college, before=before, note=str(course))
    unit.delete()
    for later in course.units.filter(position__gt=position).order_by("position"):
        later.position -= 1
        later.save(update_fields=["position"])


@transaction.atomic
def add_unit(
    *,
    actor: User,
    scope: Scope,
    course: Course,
    title: str,
    hours: Decimal,
    event: Event | None = None,
    criteria: Iterable[Criterion] = (),
) -> Unit:
    """Append a syllabus unit; it may cite an event the college may cite, and criteria of that event."""
    college = course.college
    require_manager(scope, college)
    criteria = list(criteria)
    if hours <= 0:
        raise CollegeError(_("A unit needs a positive number of training hours."))
    if criteria and event is None:
        raise CollegeError(_("Name the event whose criteria the unit cites."))
    if event is not None and not citable_events(college).filter(pk=event.pk).exists():
        raise CollegeError(_("This college may not cite that event."))
    if any(c.event_id != getattr(event, "pk", None) for c in criteria):
        raise CollegeError(_("Every cited criterion must belong to the cited event."))
    position = (course.units.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    unit = Unit.objects.create(course=course, position=position, title=title, hours=hours, event=event)
    unit.criteria.set(criteria)
    _record(
        actor,
        AuditAction.CREATE,
        unit,
        college,
        after=audit.snapshot(unit, ("title", "hours", "event", "criteria")),
        note=str(course),
    )
    return unit


@transaction.atomic
def derive_course(
    *, actor: User, scope: Scope, college: College, event: Event, title: str, hours_per_unit: Decimal
) -> Course:
    """Competition standards become training standards: a course with one unit per criterion of the
    event's marking scheme, each unit citing its criterion."""
    require_manager(scope, college)
    criteria = list(Criterion.objects.filter(event=event).order_by("code"))
    if not criteria:
        raise CollegeError(_("This event has no marking scheme to derive a course from."))
    course = create_course(
        actor=actor,
        scope=scope,
        college=college,
        title=title,
        occupation=event.occupation,
        description=_("Derived from the marking scheme of %(event)s.") % {"event": event},
        event=event,
    )
    for criterion in criteria:
        add_unit(
            actor=actor,
            scope=scope,
            course=course,
            title=f"{criterion.code} {criterion.name}",
            hours=hours_per_unit,
            event=event,
            criteria=[criterion],
        )
    return course


# classes ------------------------------------------------------------------------------------


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


# enrolment and the waiting list --------------------------------------------------------------


def may_enrol(scope: Scope, actor: User, worker: Worker) -> bool:
    """A worker enrols themselves; an enterprise union (or a union above it) enrols its workers."""
    return worker.user_id == actor.pk or scope.covers(ENROL_COLLEGES, worker.union_id)


def _enrol_locked(actor: User, cohort: Cohort, worker: Worker) -> Enrolment:
    """Enrol one worker in a class whose row the caller holds locked."""
    if cohort.state != CohortState.OPEN:
        raise CollegeError(_("This class is not open for enrolment."))
    if not open_to_worker(cohort, worker):
        raise CollegeError(_("%(name)s: this class is not open to workers of that union.") % {"name": worker.name})
    active = cohort.enrolments.exclude(status=EnrolmentStatus.WITHDRAWN)
    if active.filter(worker=worker).exists():
        raise CollegeError(_("%(name)s is already enrolled or waiting.") % {"name": worker.name})
    taken = active.filter(status=EnrolmentStatus.ENROLLED).count()
    status = EnrolmentStatus.ENROLLED if taken < cohort.capacity else EnrolmentStatus.WAITING
    enrolment = Enrolment.objects.create(
        cohort=cohort, worker=worker, union_id=worker.union_id, status=status, enrolled_by=actor
    )
    _record(
        actor,
        AuditAction.CREATE,
        enrolment,
        cohort.college,
        after=audit.snapshot(enrolment, ENROLMENT_FIELDS),
    )
    return enrolment


def _lock(cohort: Cohort) -> Cohort:
    return Cohort.objects.select_for_update().select_related("college").get(pk=cohort.pk)


@transaction.atomic
def enrol(*, actor: User, scope: Scope, cohort: Cohort, worker: Worker) -> Enrolment:
    """Enrol a worker: a place while there is one, else the end of the waiting list."""
    if not may_enrol(scope, actor, worker):
        raise PermissionDenied
    return _enrol_locked(actor, _lock(cohort), worker)


@transaction.atomic
def enrol_many(*, actor: User, scope: Scope, cohort: Cohort, workers: Iterable[Worker]) -> list[Enrolment]:
    """Enrol workers in the order given, all or none; every refusal is reported at once."""
    workers = list(workers)
    if not all(may_enrol(scope, actor, w) for w in workers):
        raise PermissionDenied
    if not workers:
        raise CollegeError(_("Choose at least one worker."))
    cohort = _lock(cohort)
    enrolments, problems = [], []
    for worker in workers:
        try:
            with transaction.atomic():
                enrolments.append(_enrol_locked(actor, cohort, worker))
        except CollegeError as exc:
            problems.append(str(exc))
    if problems:
        transaction.set_rollback(True)
        raise CollegeError(" ".join(problems))
    return enrolments


def may_withdraw(scope: Scope, actor: User, enrolment: Enrolment) -> bool:
    return (
        enrolment.worker.user_id == actor.pk
        or scope.covers(ENROL_COLLEGES, enrolment.union_id)
        or manages(scope, enrolment.cohort.college)
    )


def _fill_from_waiting_list(actor: User, cohort: Cohort) -> list[Enrolment]:
    """Give free places to the waiting list, first come first served (the cohort row is locked)."""
    if cohort.state == CohortState.FINISHED:
        return []
    free = cohort.capacity - cohort.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
    promoted: list[Enrolment] = []
    if free <= 0:
        return promoted
    waiting = cohort.enrolments.filter(status=EnrolmentStatus.WAITING).order_by("queued_at", "id")[:free]
    for enrolment in waiting.select_related("worker"):
        before = audit.snapshot(enrolment, ENROLMENT_FIELDS)
        enrolment.status = EnrolmentStatus.ENROLLED
        enrolment.promoted_at = timezone.now()
        enrolment.save(update_fields=["status", "promoted_at"])
        _record(
            actor,
            AuditAction.UPDATE,
            enrolment,
            cohort.college,
            before=before,
            after=audit.snapshot(enrolment, ENROLMENT_FIELDS),
            note=_("moved up from the waiting list"),
        )
        promoted.append(enrolment)
    return promoted


@transaction.atomic
def withdraw(*, actor: User, scope: Scope, enrolment: Enrolment, reason: str) -> Enrolment | None:
    """Withdraw a worker; a freed place goes to the first on the waiting list, who is returned."""
    if not may_withdraw(scope, actor, enrolment):
        raise PermissionDenied
    if not reason.strip():
        raise CollegeError(_("Give a reason for the withdrawal."))
    cohort = _lock(enrolment.cohort)
    enrolment = Enrolment.objects.select_related("worker").get(pk=enrolment.pk)
    if cohort.state == CohortState.FINISHED:
        raise CollegeError(_("A finished class cannot change."))
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        raise CollegeError(_("This worker has already withdrawn."))
    before = audit.snapshot(enrolment, ENROLMENT_FIELDS)
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.withdrawn_at = timezone.now()
    enrolment.withdrawn_reason = reason.strip()[:200]
    enrolment.save(update_fields=["status", "withdrawn_at", "withdrawn_reason"])
    _record(
        actor,
        AuditAction.UPDATE,
        enrolment,
        cohort.college,
        before=before,
        after=audit.snapshot(enrolment, ENROLMENT_FIELDS),
    )
    promoted = _fill_from_waiting_list(actor, cohort)
    return promoted[0] if promoted else None


def waiting_list(cohort: Cohort) -> QuerySet[Enrolment]:
    return cohort.enrolments.filter(status=EnrolmentStatus.WAITING).order_by("queued_at", "id")


# attendance and assessment -------------------------------------------------------------------


@transaction.atomic
def record_attendance(*, actor: User, scope: Scope, session: Session, present: Iterable[int]) -> int:
    """Mark who of the enrolled trainees was present (the ids in ``present``); the rest were absent.
    Returns how many were present."""
    cohort = session.cohort
    require_manager(scope, cohort.college)
    if cohort.state == CohortState.FINISHED:
        raise CollegeError(_("A finished class cannot change."))
    present_ids = set(present)
    enrolled = list(cohort.enrolments.filter(status=EnrolmentStatus.ENROLLED).values_list("pk", flat=True))
    stray = present_ids - set(enrolled)
    if stray:
        raise CollegeError(_("Only enrolled trainees of this class can be marked present."))
    existing = {a.enrolment_id: a for a in session.attendance.all()}
    changed = 0
    for enrolment_id in enrolled:
        value = enrolment_id in present_ids
        row = existing.get(enrolment_id)
        if row is None:
            Attendance.objects.create(session=session, enrolment_id=enrolment_id, present=value)
            changed += 1
        elif row.present != value:
            row.present = value
            row.save(update_fields=["present"])
            changed += 1
    first_time = session.taken_at is None
    session.taken_at = timezone.now()
    session.save(update_fields=["taken_at"])
    if changed or first_time:
        _record(
            actor,
            AuditAction.UPDATE,
            session,
            cohort.college,
            after={"present": len(present_ids), "absent": len(enrolled) - len(present_ids)},
            note=str(cohort),
        )
    return len(present_ids)


@transaction.atomic
def record_scores(*, actor: User, scope: Scope, cohort: Cohort, scores: Mapping[int, Decimal | None]) -> int:
    """Enter assessment scores (0–100) by enrolment id; ``None`` clears one. Returns how many changed."""
    require_manager(scope, cohort.college)
    if cohort.state == CohortState.FINISHED:
        raise CollegeError(_("A finished class cannot change."))
    enrolments = {e.pk: e for e in cohort.enrolments.filter(status=EnrolmentStatus.ENROLLED, pk__in=scores)}
    if set(scores) - set(enrolments):
        raise CollegeError(_("Only enrolled trainees of this class can be assessed."))
    changed = 0
    for pk, score in scores.items():
        if score is not None and not Decimal(0) <= score <= Decimal(100):
            raise CollegeError(_("%(name)s: a score lies between 0 and 100.") % {"name": enrolments[pk].worker.name})
        enrolment = enrolments[pk]
        if enrolment.score != score:
            before = audit.snapshot(enrolment, ("score",))
            enrolment.score = score
            enrolment.save(update_fields=["score"])
            _record(
                actor,
                AuditAction.UPDATE,
                enrolment,
                cohort.college,
                before=before,
                after=audit.snapshot(enrolment, ("score",)),
            )
            changed += 1
    return changed


def with_hours(qs: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """Annotate ``hours_attended``: the hours of the sessions the trainee was present at."""
    return qs.annotate(
        hours_attended=Coalesce(Sum("attendance__session__hours", filter=Q(attendance__present=True)), Decimal(0))
    )


def plain_number(value: Decimal) -> str:
    """16.0 → 16, 59.50 → 59.5: numbers in messages as a person writes them."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def outcome(cohort: Cohort, hours: Decimal, score: Decimal | None) -> tuple[bool, str]:
    """Whether a trainee completes: the required hours and the pass mark, both; and why not."""
    if hours < cohort.required_hours:
        return False, _("Too few hours: %(hours)s of %(required)s.") % {
            "hours": plain_number(hours),
            "required": plain_number(cohort.required_hours),
        }
    if score is None:
        return False, _("Not assessed.")
    if score < cohort.pass_mark:
        return False, _("Below the pass mark: %(score)s of %(mark)s.") % {
            "score": plain_number(score),
            "mark": plain_number(cohort.pass_mark),
        }
    return True, ""


def _record_completions(actor: User, cohort: Cohort) -> int:
    count = 0
    enrolled = with_hours(cohort.enrolments.filter(status=EnrolmentStatus.ENROLLED, completion__isnull=True))
    for enrolment in enrolled.select_related("worker"):
        hours: Decimal = enrolment.hours_attended  # type: ignore[attr-defined]
        completed, _why = outcome(cohort, hours, enrolment.score)
        if not completed or enrolment.score is None:
            continue
        completion = Completion.objects.create(
            enrolment=enrolment,
            worker=enrolment.worker,
            hours=hours,
            score=enrolment.score,
            completed_on=cohort.ends_on,
        )
        _record(
            actor,
            AuditAction.CREATE,
            completion,
            cohort.college,
            after=audit.snapshot(completion, ("hours", "score", "completed_on")),
        )
        count += 1
    return count


# what follows: a skill grade may cite a completion -----------------------------------------------


@transaction.atomic
def record_grade(
    *,
    actor: User,
    scope: Scope,
    completion: Completion,
    occupation: Occupation,
    grade: int,
    certificate_no: str,
    awarded_on: dt.date,
    issuer: str = "",
) -> SkillGrade:
    """Add a skill grade earned through this completion to the worker's grade history, citing it."""
    scope.require(CHANGE_WORKERS, completion.worker.union_id)
    completion = Completion.objects.select_for_update().get(pk=completion.pk)
    if completion.grade_id is not None:
        raise CollegeError(_("A skill grade already cites this completion."))
    if awarded_on < completion.completed_on:
        raise CollegeError(_("A grade counted from a completion cannot predate it."))
    try:
        entry = people_services.add_grade(
            actor=actor,
            scope=scope,
            worker=completion.worker,
            occupation=occupation,
            grade=grade,
            source=GradeSource.COLLEGE,
            certificate_no=certificate_no,
            awarded_on=awarded_on,
            issuer=issuer,
        )
    except people_services.PeopleError as exc:
        raise CollegeError(str(exc)) from exc
    completion.grade = entry
    completion.save(update_fields=["grade"])
    _record(
        actor,
        AuditAction.UPDATE,
        completion,
        completion.enrolment.cohort.college,
        after={"grade": str(entry)},
    )
    return entry
