"""Participant-times (参赛人次) by city, industrial union, tier, occupation and year, read from
the rollups (``competitions.figures`` counts the same from the raw entries; a test holds them equal).

The user's reach is the union of their roles' subtrees; the figures add up the rollup rows
of their top-most role unions (a role inside another role's subtree adds nothing).
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import F

from gongjiang.competitions.enums import Tier
from gongjiang.orgs.models import UnionAncestor
from gongjiang.orgs.scope import Scope

from . import registry
from .models import Count, Grain
from .queries import CAPABILITY

CODE = "participant_times"
DIMENSIONS = {"region": "prefecture", "industry": "industry", "tier": "tier", "occupation": "occupation", "year": ""}


def top_roots(scope: Scope) -> set[int]:
    roots = scope.roots(CAPABILITY)
    inner = set(
        UnionAncestor.objects.filter(descendant_id__in=roots, ancestor_id__in=roots)
        .exclude(descendant_id=F("ancestor_id"))
        .values_list("descendant_id", flat=True)
    )
    return roots - inner


def participant_times(scope: Scope, dimension: str) -> list[tuple[str, int]]:
    """``(label, participant-times)`` rows for one dimension, largest first (tiers in order, years ascending)."""
    indicator = registry.get(CODE)
    if indicator is None or dimension not in DIMENSIONS:
        raise ValueError(dimension)
    rows = Count.objects.filter(
        indicator=CODE, grain=Grain.YEAR, union_id__in=top_roots(scope), dimension=DIMENSIONS[dimension]
    )
    totals: dict[str, int] = defaultdict(int)
    if dimension == "year":
        for period, value in rows.values_list("period", "value"):
            totals[str(period.year)] += value
        return sorted(totals.items())
    for key, value in rows.values_list("key", "value"):
        totals[key] += value
    dim = next(d for d in indicator.dimensions if d.name == DIMENSIONS[dimension])
    labels = dim.labels(list(totals))
    if dimension == "tier":
        order = [t.value for t in Tier]
        return [(labels[k], n) for k, n in sorted(totals.items(), key=lambda r: order.index(r[0]))]
    return sorted(((labels.get(k, k), n) for k, n in totals.items()), key=lambda r: (-r[1], r[0]))
