"""Studio and alliance figures for the statistics app (see ``core.indicators``)."""

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongjiang.core.indicators import Dimension, Indicator, Target

from .enums import AllianceState, Level, StudioState
from .models import Alliance, Studio
from .models import Target as AllianceTarget


def _levels(keys: list[str]) -> dict[str, str]:
    labels = dict(Level.choices)
    return {k: str(labels.get(k, k)) for k in keys}


def _alliance_targets(union_ids: list[int] | QuerySet, year: int) -> dict[int, Target]:
    """Each union's alliance target for the year: a cumulative one if set (this year's, else the next
    cumulative target's), else the year's own."""
    found: dict[int, Target] = {}
    rows = AllianceTarget.objects.filter(union_id__in=union_ids, year__gte=year).order_by("year", "-cumulative")
    for t in rows:
        if t.union_id in found or (t.year != year and not t.cumulative):
            continue
        if t.year != year:
            found[t.union_id] = Target(value=t.alliances, document=f"{t.document}（{t.year}）", cumulative=True)
        else:
            found[t.union_id] = Target(value=t.alliances, document=t.document, cumulative=t.cumulative)
    return found


_LEVEL = Dimension("level", _("level"), "level", _levels)

INDICATORS = [
    Indicator(
        code="studios_named",
        name=_("Named studios"),
        definition=_(
            "Studios in the named state on the day of the fill (closed and rejected ones excluded), by level."
        ),
        unit=_("studios"),
        rows=lambda: Studio.objects.filter(state=StudioState.NAMED),
        union="union_id",
        date=None,
        dimensions=(_LEVEL,),
        label="name",
        link=lambda pk: reverse("studios:detail", args=[pk]),
        listing="studios:list",
        order=90,
    ),
    Indicator(
        code="alliances_formed",
        name=_("Alliances formed"),
        definition=_(
            "Named studio alliances by the year they were founded, counted for the lead union and its ancestors; "
            "the target is the union's alliance target for the year (cumulative targets compare with every "
            "alliance founded up to the end of the year)."
        ),
        unit=_("alliances"),
        rows=lambda: Alliance.objects.filter(state=AllianceState.NAMED),
        union="lead_union_id",
        date="founded_on",
        dimensions=(_LEVEL,),
        label="name",
        link=lambda pk: reverse("studios:alliance_detail", args=[pk]),
        target=_alliance_targets,
        listing="studios:alliance_list",
        order=95,
    ),
]
