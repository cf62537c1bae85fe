"""Which tiers a union may organise, read from the policy rows (:class:`models.OrganisingRight`).

The defaults (seeded by a data migration, editable by the province): the province organises every
tier; a city federation 市级 and below; an industrial union its own level, which stands beside the
city federations (市级 and below); a county federation and an enterprise union 企业级. A row for one
union, written by the province, authorises it beyond its kind's default (or restricts it).
"""

from collections.abc import Iterable

from django.db.models import QuerySet

from gongjiang.orgs.enums import UnionKind
from gongjiang.orgs.models import Union

from .enums import Tier
from .models import OrganisingRight

TIER_ORDER: tuple[str, ...] = tuple(Tier.values)  # highest first

DEFAULTS: dict[str, str] = {
    UnionKind.PROVINCE: Tier.WORLD,
    UnionKind.CITY: Tier.CITY,
    UnionKind.INDUSTRY: Tier.CITY,
    UnionKind.COUNTY: Tier.ENTERPRISE,
    UnionKind.GRASSROOTS: Tier.ENTERPRISE,
}


def tiers_up_to(highest: str) -> list[str]:
    """``highest`` and every tier below it, highest first."""
    return list(TIER_ORDER[TIER_ORDER.index(highest) :])


def highest_tiers(unions: Iterable[Union]) -> dict[int, str | None]:
    """Each union's highest organisable tier (None: it organises nothing), in two queries at most."""
    unions = list(unions)
    own = dict(OrganisingRight.objects.filter(union__in=unions).values_list("union_id", "highest_tier"))
    by_kind = dict(OrganisingRight.objects.filter(union__isnull=True).values_list("union_kind", "highest_tier"))
    return {u.pk: own.get(u.pk, by_kind.get(u.kind)) for u in unions}


def offered_tiers(unions: QuerySet[Union]) -> set[str]:
    """Every tier one of ``unions`` may organise, in three queries whatever their number (a province
    official reaches 50,000 unions: reading each to take their tiers' union took a second)."""
    own = dict(OrganisingRight.objects.filter(union__in=unions).values_list("union_id", "highest_tier"))
    kinds = set(unions.exclude(pk__in=list(own)).order_by().values_list("kind", flat=True).distinct())
    by_kind = dict(OrganisingRight.objects.filter(union__isnull=True).values_list("union_kind", "highest_tier"))
    highest = set(own.values()) | {by_kind.get(kind) for kind in kinds}
    return {t for h in highest if h for t in tiers_up_to(h)}


def allowed_tiers(union: Union) -> list[str]:
    highest = highest_tiers([union])[union.pk]
    return tiers_up_to(highest) if highest else []


def allowed_by_union(unions: Iterable[Union]) -> dict[int, list[str]]:
    return {pk: tiers_up_to(h) if h else [] for pk, h in highest_tiers(unions).items()}


def lowest(tiers: Iterable[str]) -> str | None:
    """The lowest of ``tiers`` (the default a form offers), or None."""
    present = set(tiers)
    return next((t for t in reversed(TIER_ORDER) if t in present), None)
