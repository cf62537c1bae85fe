"""The economic benefit of workers' innovations for the statistics app (see ``core.indicators``).

It replaces the studios' "economic value of projects", a number typed on each project: the benefit is
now the finance-confirmed benefit of each innovation, counted once (one row per innovation, whatever
competition, studio or project it came from) for its employer's union, on the day finance confirmed it."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongjiang.core.indicators import Dimension, Indicator

from .enums import Kind
from .queries import counted


def _kinds(keys: list[str]) -> dict[str, str]:
    labels = dict(Kind.choices)
    return {k: str(labels.get(k, k)) for k in keys}


INDICATORS = [
    Indicator(
        code="economic_benefit",
        name=_("Economic benefit of workers' innovations"),
        definition=_(
            "The economic benefit of workers' innovation results (rationalisation proposals, technical renovations "
            "and breakthroughs, inventions, operating methods, the “five smalls”) as calculated by the enterprise "
            "union and confirmed by the enterprise's finance, by the day finance confirmed it, counted once per "
            "result for its employer's union and the unions above, whether it came from a competition, a studio "
            "or a problem-board project; results later not accepted are not counted."
        ),
        unit=pgettext_lazy("unit", "yuan"),
        rows=counted,
        union="union_id",
        date="confirmed_on",
        measure="sum",
        subject="benefit",
        scale=100,
        dimensions=(Dimension("kind", _("kind"), "kind", _kinds),),
        label="title",
        link=lambda pk: reverse("innovations:detail", args=[pk]),
        order=97,
    ),
]
