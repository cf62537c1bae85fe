"""Reward, payment and honour figures for the statistics app (see ``core.indicators``)."""

from django.db.models import QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongjiang.core.indicators import Dimension, Indicator, Target
from gongjiang.orgs.models import Union
from gongjiang.people.indicators import worker_url
from gongjiang.policy.models import Programme

from .enums import LineState, NominationState
from .models import Allocation, HonourCycle, LedgerLine, Nomination


def _programmes(keys: list[str]) -> dict[str, str]:
    names = dict(Programme.objects.filter(pk__in=[int(k) for k in keys if k.isdigit()]).values_list("pk", "name"))
    return {k: names.get(int(k), k) if k.isdigit() else k for k in keys}


def _cycles(keys: list[str]) -> dict[str, str]:
    names = {
        c.pk: f"{c.year} {c.title}" for c in HonourCycle.objects.filter(pk__in=[int(k) for k in keys if k.isdigit()])
    }
    return {k: names.get(int(k), k) if k.isdigit() else k for k in keys}


def _line_url(pk: int) -> str:
    return reverse("awards:line", args=[pk])


def _nomination_url(pk: int) -> str:
    return reverse("awards:nomination", args=[pk])


def _paid_lines():  # type: ignore[no-untyped-def]
    return LedgerLine.objects.filter(state=LineState.PAID)


def _rewarded_lines():  # type: ignore[no-untyped-def]
    """Paid lines to a person that no paid reversal cancels."""
    return (
        LedgerLine.objects.filter(state=LineState.PAID, worker__isnull=False, amount__gt=0)
        .exclude(reversal__state=LineState.PAID)
        .order_by()
    )


def _honour_quotas(union_ids: list[int] | QuerySet, year: int) -> dict[int, Target]:
    """The quotas of the year's honour cycles: the whole quota at the province, the allocation elsewhere."""
    cycles = list(HonourCycle.objects.filter(year=year).select_related("rule__document"))
    if not cycles:
        return {}
    document = "、".join(sorted({c.rule.document.doc_no for c in cycles}))
    found: dict[int, Target] = {}
    total = sum(c.quota for c in cycles)
    # the roots (one) among the ids (a list, or a sub-select of a county's 1,393 children)
    for root in Union.objects.filter(parent__isnull=True, pk__in=union_ids).values_list("pk", flat=True):
        found[root] = Target(value=total, document=document)
    allocated = (
        Allocation.objects.filter(cycle__in=cycles, union_id__in=union_ids)
        .values_list("union_id")
        .annotate(n=Sum("quota"))
    )
    for union_id, n in allocated:
        if n:
            found[union_id] = Target(value=n, document=document)
    return found


_PROGRAMME = Dimension("programme", _("programme"), "programme_id", _programmes)

INDICATORS = [
    Indicator(
        code="money_paid",
        name=_("Rewards and subsidies paid"),
        definition=_(
            "Ledger lines marked paid, in the year of payment, counted for the payee's union; a paid reversal "
            "is a negative line and nets out the line it reverses."
        ),
        unit=pgettext_lazy("unit", "yuan"),
        rows=_paid_lines,
        union="union_id",
        date="paid_at",
        measure="sum",
        subject="amount",
        scale=100,
        dimensions=(_PROGRAMME,),
        label="payee",
        link=_line_url,
        listing="awards:ledger",
        order=60,
    ),
    Indicator(
        code="persons_rewarded",
        name=_("Persons rewarded"),
        definition=_(
            "Workers paid at least one positive ledger line in the year, not cancelled by a paid reversal; "
            "each worker counted once per union and period."
        ),
        unit=_("persons"),
        rows=_rewarded_lines,
        union="union_id",
        date="paid_at",
        measure="distinct",
        subject="worker_id",
        dimensions=(_PROGRAMME,),
        label="worker__name",
        link_path="worker_id",
        link=worker_url,
        listing="people:worker_list",
        listing_path="worker_id",
        # whether a line counts depends on another line (a paid reversal, often of a later year): its changes
        # are kept per person over all years, not per (person, year) (``stats.sql.by_year``)
        extra={"anchor_years": False},
        order=61,
    ),
    Indicator(
        code="honours_conferred",
        name=_("Honours conferred"),
        definition=_(
            "Nominations (of workers, units and teams) approved by the province, in the year of approval, counted "
            "for the nominee's union; "
            "the target is the quota of that year's honour cycles (the allocation below the province)."
        ),
        unit=pgettext_lazy("unit", "titles conferred"),
        rows=lambda: Nomination.objects.filter(state=NominationState.APPROVED),
        union="union_id",
        date="decided_at",
        dimensions=(Dimension("cycle", _("honour"), "cycle_id", _cycles),),
        label="nominee_name",  # a worker, a unit or a team
        link=_nomination_url,
        target=_honour_quotas,
        order=70,
    ),
]
