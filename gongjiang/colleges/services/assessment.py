"""Attendance and assessment, the completions they lead to, and the skill grade that may cite one."""

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.core import audit
from gongjiang.core.models import AuditAction, User
from gongjiang.orgs.rules import CHANGE_WORKERS
from gongjiang.orgs.scope import Scope
from gongjiang.people import services as people_services
from gongjiang.people.enums import GradeSource
from gongjiang.people.models import Occupation, SkillGrade

from ..enums import CohortState, EnrolmentStatus
from ..models import (
    Attendance,
    Cohort,
    Completion,
    Enrolment,
    Session,
)
from .base import CollegeError, _record, require_manager


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
