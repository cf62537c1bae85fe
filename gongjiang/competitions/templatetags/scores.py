"""Scores are exact until shown: ``{{ value|score }}`` rounds to two decimals, half up."""

from decimal import Decimal
from fractions import Fraction
from typing import Any

from django import template
from django.utils.translation import gettext as _

from gongjiang.competitions.scoring import merit_limit, q2

register = template.Library()


@register.filter
def score(value: Decimal | Fraction | int | None) -> Decimal | str:
    if value is None or value == "":
        return ""
    return q2(value)


@register.simple_tag
def merit_rule(competition: Any, field_size: int) -> str:
    """The 优胜奖 rule stated beside the results, e.g. 优胜奖：前50%（7人中不超过3人）."""
    if not competition.merit_percent:
        return ""
    return _("Merit award: top %(percent)s%% (at most %(limit)s of %(n)s)") % {
        "percent": competition.merit_percent,
        "limit": merit_limit(field_size, competition.merit_percent),
        "n": field_size,
    }
