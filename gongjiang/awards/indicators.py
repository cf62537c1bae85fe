"""Reward, payment and honour figures for the statistics app (see ``core.indicators``)."""

from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongjiang.core.indicators import Dimension, Indicator, Target
from gongjiang.orgs.models import Union
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


def _worker_url(pk: int) -> str:
    return reverse("people:worker_detail", args=[pk])


def _paid_lines():  # type: ignore[no-untyped-def]
    return LedgerLine.objects.filter(state=LineState.PAID)


def _rewarded_lines():  # type: ignore[no-untyped-def]
    """Paid lines to a person that no paid reversal cancels."""
    return (
        LedgerLine.objects.filter(state=LineState.PAID, worker__isnull=False, amount__gt=0)
        .exclude(reversal__state=LineState.PAID)
        .order_by()
    )


def _honour_quota(union_id: int, year: int) -> Target | None:
    """The quotas of the year's honour cycles: the whole quota at the province, the allocation elsewhere."""
    union = Union.objects.filter(pk=union_id).only("parent_id").first()
    if union is None:
        return None
    cycles = HonourCycle.objects.filter(year=year).select_related("rule__document")
    if union.parent_id is None:
        total = cycles.aggregate(n=Sum("quota"))["n"]
    else:
        total = Allocation.objects.filter(cycle__in=cycles, union_id=union_id).aggregate(n=Sum("quota"))["n"]
    if not total:
        return None
    documents = sorted({c.rule.document.doc_no for c in cycles})
    return Target(value=total, document="、".join(documents))


_PROGRAMME = Dimension("programme", _("programme"), "programme_id", _programmes)

INDICATORS = [
    Indicator(
        code="money_paid",
        name=_("Rewards and subsidies paid"),
        definition=_(
            "Ledger lines marked paid, in the year of payment, counted for the payee's union; a paid reversal "
            "is a negative line and nets out the line it reverses."
        ),
        unit=_("yuan"),
        rows=_paid_lines,
        union="union_id",
        date="paid_at",
        measure="sum",
        subject="amount",
        scale=100,
        dimensions=(_PROGRAMME,),
        label="payee",
        link=_line_url,
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
        link=_worker_url,
        order=61,
    ),
    Indicator(
        code="honours_conferred",
        name=_("Honours conferred"),
        definition=_(
            "Nominations approved by the province, in the year of approval, counted for the nominee's union; "
            "the target is the quota of that year's honour cycles (the allocation below the province)."
        ),
        unit=_("persons"),
        rows=lambda: Nomination.objects.filter(state=NominationState.APPROVED),
        union="union_id",
        date="decided_at",
        dimensions=(Dimension("cycle", _("honour"), "cycle_id", _cycles),),
        label="worker__name",
        link_path="worker_id",
        link=_worker_url,
        target=_honour_quota,
        order=70,
    ),
]
