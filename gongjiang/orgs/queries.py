"""Reads of the organisation; each starts from the user's scope."""

from collections.abc import Iterable

from django.db.models import QuerySet

from .enums import UnionKind
from .models import Employer, Role, Union, UnionAncestor
from .rules import MANAGE_ACCOUNTS, VIEW_EMPLOYERS, VIEW_UNIONS
from .scope import Scope


def unions_for_user(scope: Scope) -> QuerySet[Union]:
    return Union.objects.filter(scope.union_filter(VIEW_UNIONS, "pk")).select_related("region", "parent")


def employers_for_user(scope: Scope) -> QuerySet[Employer]:
    return Employer.objects.filter(scope.union_filter(VIEW_EMPLOYERS)).select_related("region", "union")


def listed_employers(scope: Scope) -> QuerySet[Employer]:
    """:func:`employers_for_user`, narrowed to the cities of the reach (:func:`reach_cities`) for a
    city or county official: the same rows (every employer in reach has its union's city, one of
    those), read down ``employer_city_name`` in the list's order instead of every employer of the
    province by name (issue 17: 6,908 of them before Harbin's first at province scale). With the
    region only: the list and its export show no union (joining it read 3 index pages a row)."""
    qs = employers_for_user(scope).select_related(None).select_related("region")
    cities = reach_cities(scope, VIEW_EMPLOYERS)
    return qs if cities is None else qs.filter(city_id__in=cities)


def roles_for_user(scope: Scope) -> QuerySet[Role]:
    """Roles the user may see and manage: those held at unions in their account-management reach."""
    return Role.objects.filter(scope.union_filter(MANAGE_ACCOUNTS)).select_related("user", "union")


def geographic_chains(union_ids: Iterable[int], unions: QuerySet[Union] | None = None) -> dict[int, list[Union]]:
    """Each union's geographic chain, nearest first: the union itself, its ``parent``, that union's
    parent, and so on up to a top union (``industry_parent`` is never followed). Every union on the
    chains is read in one query, whatever their depth: the closure table names each union's ancestors
    (geographic and industrial alike) and the walk follows ``parent_id`` among them.

    ``unions``: the queryset to read them from (``Union.objects`` by default): an annotated one to learn
    more of each, a narrower one (``only``) to read less; a chain ends below a union it leaves out. An
    id that names no union has no chain. Used by :func:`cities_of`, the catalogue's approvers
    (``chain_above``) and the statistics' breadcrumb."""
    ids = set(union_ids)
    if not ids:
        return {}
    above = UnionAncestor.objects.filter(descendant_id__in=ids).values("ancestor_id")
    read = {u.pk: u for u in (Union.objects.all() if unions is None else unions).filter(pk__in=above).order_by()}
    chains = {}
    for pk in ids:
        if (union := read.get(pk)) is None:
            continue
        chain = [union]
        while chain[-1].parent_id is not None and (parent := read.get(chain[-1].parent_id)) is not None:
            chain.append(parent)
        chains[pk] = chain
    return chains


def cities_of(union_ids: Iterable[int]) -> dict[int, int]:
    """Each union's city: the union one below a top union on its geographic chain (``parent``, never
    ``industry_parent``): a county's or an enterprise union's city federation; a city federation or a
    provincial industrial union is its own, and a top union is its own too.

    No write moves a union (its parents are set when it is created), so a city copied onto a row
    (``LedgerLine.city``) stays right. One query (:func:`geographic_chains`), however deep the tree."""
    chains = geographic_chains(union_ids, Union.objects.only("parent_id"))
    return {pk: (chain[-2] if len(chain) > 1 else chain[0]).pk for pk, chain in chains.items()}


def reach_cities(scope: Scope, cap: str) -> list[int] | None:
    """The cities (:func:`cities_of`) of every union in the capability's reach, or ``None``
    when the reach is not bounded by its roots' cities (a root at a top union or an industrial union,
    whose members sit in every city).

    A root's reach lies in the root's city otherwise: only an enterprise union has an industrial
    parent, and an industrial union hangs under a top union (``orgs.services.create_union``), so the
    reach of a city, county or enterprise union is its geographic subtree."""
    roots = scope.roots(cap)
    unions = [role.union for role in scope.roles if role.union_id in roots]
    if any(union.parent_id is None or union.kind == UnionKind.INDUSTRY for union in unions):
        return None
    if not roots:
        return []
    return scope.once(("reach_cities", tuple(sorted(roots))), lambda: sorted(set(cities_of(roots).values())))


def own_cities(scope: Scope, cap: str) -> list[int] | None:
    """The capability's roots when each is a city federation one below a top union (its own city,
    :func:`cities_of`), else ``None``. Such a root's reach is exactly the unions whose city it is:
    every union below it has it on its ``parent`` chain, and no union of another city reaches it (only
    an enterprise union has an industrial parent, which hangs under a top union; see
    :func:`reach_cities`). So a row that carries its union's city (``Worker.city``, ``LedgerLine.city``)
    is in reach exactly when its city is one of these: a city official's rows are read by the city
    alone, without the reach's closure rows (issue 17). At most one query, for city officials only."""
    if not scope.city_wide(cap):
        return None
    cities = reach_cities(scope, cap)
    return cities if cities and set(cities) == scope.roots(cap) else None
