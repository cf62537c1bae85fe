"""Writes to the organisation: unions (with their closure rows), employers, roles."""

from django.db import transaction
from django.utils.translation import gettext as _

from gongjiang.core import audit
from gongjiang.core.errors import DomainError
from gongjiang.core.models import AuditAction, User

from .enums import RoleKind, UnionKind
from .models import Employer, Region, Role, Union, UnionAncestor
from .queries import cities_of
from .scope import Scope

UNION_FIELDS = ("name", "kind", "region", "parent", "industry_parent")
EMPLOYER_FIELDS = ("name", "uscc", "region", "industry")


class OrgError(DomainError):
    """A broken business rule, with a message for the user."""


def _ancestor_ids(union_id: int | None) -> set[int]:
    if union_id is None:
        return set()
    return set(UnionAncestor.objects.filter(descendant_id=union_id).values_list("ancestor_id", flat=True))


def rebuild_closure(union: Union) -> None:
    """Rewrite the closure rows of ``union`` (a leaf or a freshly created union)."""
    ancestors = {union.pk} | _ancestor_ids(union.parent_id) | _ancestor_ids(union.industry_parent_id)
    UnionAncestor.objects.filter(descendant=union).delete()
    UnionAncestor.objects.bulk_create(UnionAncestor(descendant=union, ancestor_id=a) for a in ancestors)


@transaction.atomic
def create_union(
    *,
    actor: User | None,
    name: str,
    kind: str,
    region: Region,
    parent: Union | None,
    industry_parent: Union | None = None,
) -> Union:
    # The shape the reads rely on (``awards.queries.ledger_rows``): only an enterprise union has an
    # industrial parent, always an industrial union, and an industrial union hangs under a top union.
    # A union's reach then lies in its city unless it is a top or an industrial union.
    if industry_parent is not None and (kind != UnionKind.GRASSROOTS or industry_parent.kind != UnionKind.INDUSTRY):
        raise OrgError(_("Only an enterprise union joins an industrial union."))
    if kind == UnionKind.INDUSTRY and (parent is None or parent.parent_id is not None):
        raise OrgError(_("An industrial union sits directly under a provincial federation."))
    union = Union.objects.create(name=name, kind=kind, region=region, parent=parent, industry_parent=industry_parent)
    rebuild_closure(union)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=union,
        after=audit.snapshot(union, UNION_FIELDS),
        union_id=union.pk,
    )
    return union


@transaction.atomic
def create_employer(
    *,
    actor: User | None,
    name: str,
    uscc: str,
    region: Region,
    parent_union: Union,
    industry_union: Union | None = None,
    industry: str = "",
) -> Employer:
    """Register an employer together with its enterprise union under ``parent_union``."""
    if Employer.objects.filter(uscc=uscc).exists():
        raise OrgError(_("An employer with this unified social credit code is already registered."))
    union = create_union(
        actor=actor,
        name=f"{name}工会",
        kind=UnionKind.GRASSROOTS,
        region=region,
        parent=parent_union,
        industry_parent=industry_union,
    )
    city = cities_of([union.pk])[union.pk]  # the list of a city's or county's officials reads it
    employer = Employer.objects.create(
        name=name, uscc=uscc, region=region, union=union, industry=industry, city_id=city
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=employer,
        after=audit.snapshot(employer, EMPLOYER_FIELDS),
        union_id=union.pk,
    )
    return employer


@transaction.atomic
def update_employer(*, actor: User, employer: Employer, name: str, region: Region, industry: str) -> Employer:
    before = audit.snapshot(employer, EMPLOYER_FIELDS)
    employer.name, employer.region, employer.industry = name, region, industry
    employer.save(update_fields=["name", "region", "industry"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=employer,
        before=before,
        after=audit.snapshot(employer, EMPLOYER_FIELDS),
        union_id=employer.union_id,
    )
    return employer


@transaction.atomic
def grant_role(*, actor: User | None, scope: Scope | None, user: User, union: Union, kind: str) -> Role:
    """Give ``user`` a role at ``union``. With a ``scope``, the actor must be allowed to grant it there."""
    if scope is not None and kind not in scope.grantable_kinds(union):
        raise OrgError(_("You may not grant this role at this union."))
    # The money is the province's: the awards code reads APPROVE_PAYMENTS held anywhere as the
    # province's finance (scope.has), so the finance role exists at the provincial federation only.
    if kind == RoleKind.FINANCE and union.kind != UnionKind.PROVINCE:
        raise OrgError(_("The finance role exists only at the provincial federation."))
    if kind == RoleKind.ENTERPRISE_FINANCE and union.kind != UnionKind.GRASSROOTS:
        raise OrgError(_("The enterprise finance role exists only at enterprise unions."))
    role, created = Role.objects.get_or_create(user=user, union=union, kind=kind)
    if created:
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=role,
            after={"user": str(user), "union": str(union), "kind": role.kind},
            union_id=union.pk,
        )
    return role


@transaction.atomic
def revoke_role(*, actor: User, scope: Scope, role: Role) -> None:
    if role.kind not in scope.grantable_kinds(role.union):
        raise OrgError(_("You may not revoke this role."))
    if role.user_id == actor.pk:
        raise OrgError(_("You cannot revoke your own role."))
    audit.record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=role,
        before={"user": str(role.user), "union": str(role.union), "kind": role.kind},
        union_id=role.union_id,
    )
    role.delete()
