"""Participant-times (参赛人次) for statistics: registered entries of final competitions, counted
within the user's scope, by region, industry, tier, occupation and year. A dashboard reads these
through one grouped query per dimension."""

from django.db.models import Count, F, QuerySet
from django.db.models.functions import ExtractYear, Substr

from gongjiang.orgs.models import Region
from gongjiang.orgs.rules import VIEW_WORKERS
from gongjiang.orgs.scope import Scope

from .enums import EntryState, State, Tier
from .models import Entry

DIMENSIONS = ("region", "industry", "tier", "occupation", "year")


def counted_entries(scope: Scope) -> QuerySet[Entry]:
    """Entries of the user's own workers, in competitions whose results are final."""
    return Entry.objects.filter(
        scope.union_filter(VIEW_WORKERS),
        state=EntryState.REGISTERED,
        event__competition__state__in=[State.FINAL, State.ARCHIVED],
    )


def participant_times(scope: Scope, dimension: str) -> list[tuple[str, int]]:
    """``(label, participant-times)`` rows for one dimension, largest first (years in order)."""
    qs = counted_entries(scope).order_by()
    if dimension == "region":
        rows = qs.annotate(key=Substr("region_code", 1, 4)).values_list("key").annotate(n=Count("id"))
        names = {r.code[:4]: r.name for r in Region.objects.filter(level="prefecture")}
        return sorted(((names.get(k, k), n) for k, n in rows), key=lambda r: -r[1])
    if dimension == "industry":
        rows = qs.annotate(key=F("union__industry_parent__name")).values_list("key").annotate(n=Count("id"))
        return sorted(((k or "—", n) for k, n in rows), key=lambda r: -r[1])
    if dimension == "tier":
        labels = dict(Tier.choices)
        rows = qs.values_list("event__competition__tier").annotate(n=Count("id"))
        order = list(labels)
        return [(str(labels[k]), n) for k, n in sorted(rows, key=lambda r: order.index(r[0]))]
    if dimension == "occupation":
        rows = qs.values_list("event__occupation__name").annotate(n=Count("id"))
        return sorted(rows, key=lambda r: -r[1])
    if dimension == "year":
        rows = qs.annotate(key=ExtractYear("event__competition__starts_on")).values_list("key").annotate(n=Count("id"))
        return sorted(((str(k), n) for k, n in rows), key=lambda r: r[0])
    raise ValueError(dimension)
