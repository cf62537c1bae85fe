from decimal import Decimal

from django import template

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
