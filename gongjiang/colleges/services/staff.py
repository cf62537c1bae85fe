"""Colleges, their staff and their teachers."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from gongjiang.core import audit, crypto
from gongjiang.core.models import AuditAction, User
from gongjiang.orgs.enums import RoleKind
from gongjiang.orgs.models import Role
from gongjiang.orgs.rules import MANAGE_COLLEGES
from gongjiang.orgs.scope import Scope
from gongjiang.people.models import Worker

from ..models import (
    College,
    CollegeStaff,
    Teacher,
)
from .base import CollegeError, _record, require_manager

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
    "plan_document",
)
TEACHER_FIELDS = ("name", "kind", "affiliation", "worker", "subjects", "availability", "active")


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
