"""Courses and their units, written afresh or derived from a competition event."""

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from gongjiang.competitions.models import Criterion, Event
from gongjiang.core import audit
from gongjiang.core.models import AuditAction, User
from gongjiang.orgs.scope import Scope
from gongjiang.people.models import Occupation

from ..models import (
    College,
    Course,
    Unit,
)
from ..queries import citable_events
from .base import CollegeError, _record, require_manager


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
