from decimal import Decimal

from django import template

from gongjiang.core.indicators import Indicator
from gongjiang.stats.queries import figure_url as _figure_url

register = template.Library()


@register.filter
def figure(value: object) -> str:
    """A figure with thousands grouped: whole numbers without decimals, money with two."""
    if value is None or value == "":
        return "—"
    if isinstance(value, float | Decimal) and value != int(value):
        return f"{value:,.2f}"
    try:
        return f"{int(value):,}"  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return str(value)


@register.simple_tag
def figure_url(indicator: Indicator, union_id: int, year: int, dimension: str = "", key: str = "") -> str:
    """The rows behind a figure (see ``stats.queries.figure_url``)."""
    return _figure_url(indicator, union_id, year, dimension, key)
