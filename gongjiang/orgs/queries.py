"""Reads of the organisation; each starts from the user's scope."""

from django.db.models import QuerySet

from .models import Employer, Role, Union
from .rules import MANAGE_ACCOUNTS, VIEW_EMPLOYERS, VIEW_UNIONS
from .scope import Scope


def unions_for_user(scope: Scope) -> QuerySet[Union]:
    return Union.objects.filter(scope.union_filter(VIEW_UNIONS, "pk")).select_related("region", "parent")


def employers_for_user(scope: Scope) -> QuerySet[Employer]:
    return Employer.objects.filter(scope.union_filter(VIEW_EMPLOYERS)).select_related("region", "union")


def roles_for_user(scope: Scope) -> QuerySet[Role]:
    """Roles the user may see and manage: those held at unions in their account-management reach."""
    return Role.objects.filter(scope.union_filter(MANAGE_ACCOUNTS)).select_related("user", "union")
