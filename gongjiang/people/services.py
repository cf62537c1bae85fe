"""Writes to the worker registry. Each checks the actor's scope and audits in its transaction."""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from gongjiang.core import audit, changes, crypto
from gongjiang.core.errors import DomainError
from gongjiang.core.models import AuditAction, PiiAccess, User
from gongjiang.core.validators import id_birth_date, id_sex, mask_id_number, mask_phone
from gongjiang.orgs.models import Employer
from gongjiang.orgs.rules import CHANGE_WORKERS, VIEW_PII
from gongjiang.orgs.scope import Scope

from .models import Honour, Occupation, SkillGrade, Worker

WORKER_FIELDS = ("name", "id_number_masked", "sex", "birth_date", "phone_masked", "employer", "status", "occupations")
GRADE_FIELDS = ("occupation", "grade", "source", "certificate_no", "awarded_on", "issuer")


class PeopleError(DomainError):
    """A broken business rule, with a message for the user."""


@dataclass(frozen=True)
class WorkerData:
    """Validated input for creating or changing a worker (validators ran at the edge)."""

    name: str
    id_number: str
    employer: Employer
    phone: str = ""
    status: str = "employed"
    occupations: tuple[Occupation, ...] = field(default=())


def protected_id_fields(id_number: str) -> dict[str, object]:
    return {
        "id_number_enc": crypto.encrypt(id_number),
        "id_number_hash": crypto.keyed_hash(id_number),
        "id_number_masked": mask_id_number(id_number),
        "id_last4": id_number[-4:],
        "sex": id_sex(id_number),
        "birth_date": id_birth_date(id_number),
    }


def protected_phone_fields(phone: str) -> dict[str, str]:
    if not phone:
        return {"phone_enc": "", "phone_masked": ""}
    return {"phone_enc": crypto.encrypt(phone), "phone_masked": mask_phone(phone)}


def find_by_id_number(id_number: str) -> Worker | None:
    """Unscoped look-up for uniqueness checks; never show its result outside the caller's scope."""
    return Worker.objects.filter(id_number_hash=crypto.keyed_hash(id_number)).first()


@transaction.atomic
def create_worker(*, actor: User, scope: Scope, data: WorkerData) -> Worker:
    scope.require(CHANGE_WORKERS, data.employer.union_id)
    if find_by_id_number(data.id_number) is not None:
        raise PeopleError(_("A worker with this ID number is already registered."))
    worker = Worker.objects.create(
        name=data.name,
        employer=data.employer,
        union_id=data.employer.union_id,
        region_code=data.employer.region_id,
        status=data.status,
        **protected_id_fields(data.id_number),
        **protected_phone_fields(data.phone),
    )
    worker.occupations.set(data.occupations)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=worker,
        after=audit.snapshot(worker, WORKER_FIELDS),
        union_id=worker.union_id,
    )
    return worker


@transaction.atomic
def update_worker(*, actor: User, scope: Scope, worker: Worker, data: WorkerData) -> Worker:
    """Change a worker. Moving to another employer needs the right on both unions."""
    scope.require(CHANGE_WORKERS, worker.union_id)
    scope.require(CHANGE_WORKERS, data.employer.union_id)
    other = find_by_id_number(data.id_number)
    if other is not None and other.pk != worker.pk:
        raise PeopleError(_("A worker with this ID number is already registered."))
    before = audit.snapshot(worker, WORKER_FIELDS)
    worker.name = data.name
    worker.employer = data.employer
    worker.union_id = data.employer.union_id
    worker.region_code = data.employer.region_id
    worker.status = data.status
    for name, value in {**protected_id_fields(data.id_number), **protected_phone_fields(data.phone)}.items():
        setattr(worker, name, value)
    worker.save()
    worker.occupations.set(data.occupations)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=worker,
        before=before,
        after=audit.snapshot(worker, WORKER_FIELDS),
        union_id=worker.union_id,
    )
    return worker


@transaction.atomic
def add_grade(
    *,
    actor: User,
    scope: Scope,
    worker: Worker,
    occupation: Occupation,
    grade: int,
    source: str,
    certificate_no: str,
    awarded_on: dt.date,
    issuer: str = "",
) -> SkillGrade:
    """Append a certificate to the worker's grade history (history is never rewritten)."""
    scope.require(CHANGE_WORKERS, worker.union_id)
    if SkillGrade.objects.filter(certificate_no=certificate_no).exists():
        raise PeopleError(_("This certificate number is already recorded."))
    entry = SkillGrade.objects.create(
        worker=worker,
        occupation=occupation,
        grade=grade,
        source=source,
        certificate_no=certificate_no,
        awarded_on=awarded_on,
        issuer=issuer,
    )
    worker.occupations.add(occupation)
    if worker.top_grade is None or grade > worker.top_grade:
        changes.announce(Worker, pks=[worker.pk])  # the statistics record what the worker counted
        Worker.objects.filter(pk=worker.pk).update(top_grade=grade)
        worker.top_grade = grade
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=entry,
        after=audit.snapshot(entry, GRADE_FIELDS),
        union_id=worker.union_id,
        note=str(worker),
    )
    return entry


@transaction.atomic
def add_honour(
    *, actor: User, scope: Scope, worker: Worker, title: str, kind: str, level: int, year: int, conferred_by: str = ""
) -> Honour:
    """Record an honour conferred outside the platform (programmes on it write their own)."""
    scope.require(CHANGE_WORKERS, worker.union_id)
    if Honour.objects.filter(worker=worker, title=title, year=year).exists():
        raise PeopleError(_("This honour is already recorded for that year."))
    honour = Honour.objects.create(
        worker=worker, title=title, kind=kind, level=level, year=year, conferred_by=conferred_by
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=honour,
        after=audit.snapshot(honour, ("title", "kind", "level", "year", "conferred_by")),
        union_id=worker.union_id,
        note=str(worker),
    )
    return honour


def reveal(*, actor: User, scope: Scope, worker: Worker, field_name: str, purpose: str) -> str:
    """Decrypt one personal identifier for an entitled user, and log that they saw it."""
    if field_name not in {"id_number", "phone"}:
        raise ValueError(field_name)
    if worker.user_id != actor.pk and not scope.covers(VIEW_PII, worker.union_id):
        raise PermissionDenied
    token = worker.id_number_enc if field_name == "id_number" else worker.phone_enc
    PiiAccess.objects.create(
        user=actor, model=worker._meta.label_lower, object_id=str(worker.pk), field=field_name, purpose=purpose
    )
    return crypto.decrypt(token) if token else ""
