"""Enrolment and the waiting list."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.core import audit
from gongjiang.core.models import AuditAction, User
from gongjiang.orgs.rules import ENROL_COLLEGES
from gongjiang.orgs.scope import Scope
from gongjiang.people.models import Worker

from ..enums import CohortState, EnrolmentStatus
from ..models import (
    Cohort,
    Enrolment,
)
from ..queries import manages, open_to_worker
from .base import CollegeError, _record

ENROLMENT_FIELDS = ("worker", "status", "withdrawn_reason")


def may_enrol(scope: Scope, actor: User, worker: Worker) -> bool:
    """A worker enrols themselves; an enterprise union (or a union above it) enrols its workers."""
    return worker.user_id == actor.pk or scope.covers(ENROL_COLLEGES, worker.union_id)


def _enrol_locked(actor: User, cohort: Cohort, worker: Worker) -> Enrolment:
    """Enrol one worker in a class whose row the caller holds locked."""
    if cohort.state != CohortState.OPEN:
        raise CollegeError(_("This class is not open for enrolment."))
    if not open_to_worker(cohort, worker):
        raise CollegeError(_("%(name)s: this class is not open to workers of that union.") % {"name": worker.name})
    if cohort.teachers.filter(worker=worker).exists():
        raise CollegeError(_("%(name)s teaches this class and cannot take a place in it.") % {"name": worker.name})
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
