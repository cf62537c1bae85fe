"""Reads of the organisation; each starts from the user's scope."""

from collections.abc import Iterable

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


def cities_of(union_ids: Iterable[int]) -> dict[int, int]:
    """Each union's city: the union one below a top union on its geographic chain (``parent``, never
    ``industry_parent``): a county's or an enterprise union's city federation; a city federation or a
    provincial industrial union is its own, and a top union is its own too.

    No write moves a union (its parents are set when it is created), so a city copied onto a row
    (``LedgerLine.city``) stays right. One query for trees up to five levels deep."""
    ups = ("parent_id", "parent__parent_id", "parent__parent__parent_id", "parent__parent__parent__parent_id")
    chains = {pk: [pk] for pk in union_ids}
    pending = set(chains)
    while pending:
        rows = {
            row[0]: row[1:]
            for row in Union.objects.filter(pk__in={chains[pk][-1] for pk in pending}).values_list("pk", *ups)
        }
        for pk in list(pending):
            above = rows.get(chains[pk][-1])
            if above is None:  # no such union
                del chains[pk]
                pending.discard(pk)
                continue
            for parent in above:
                if parent is None:
                    pending.discard(pk)
                    break
                chains[pk].append(parent)
    return {pk: chain[-2] if len(chain) > 1 else chain[0] for pk, chain in chains.items()}
