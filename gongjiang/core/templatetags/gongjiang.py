from django import template
from django.utils.translation import gettext as _

from gongjiang.core import validators

register = template.Library()


@register.filter
def join_list(value: object) -> object:
    """Lists (e.g. occupations in an audit row) read as 车工、钳工."""
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return value


@register.filter
def dictget(mapping: dict, key: object) -> object:
    """``mapping|dictget:key`` for keys that are not identifiers (ids)."""
    return mapping.get(key, ()) if isinstance(mapping, dict) else ()


@register.filter
def mask_name(name: str) -> str:
    """王铁军 → 王*军, 刘丽 → 刘*: how a name stands on a public page."""
    return validators.mask_name(name)


@register.filter
def mask_name_in(text: str, name: str) -> str:
    """``{{ statement|mask_name_in:worker.name }}``: the name masked inside free text."""
    return validators.mask_names(text, [name])


@register.filter
def yesno_bool(value: object) -> object:
    """Booleans as 是/否 (Yes/No), None as a dash, anything else as it is."""
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    return "—" if value in (None, "") else value


@register.filter
def money(value: object, unit: str = "") -> str:
    """An amount in yuan as officials write it: ``30000`` → 30,000.00 元 (thousands separated,
    two decimals). ``money:"wan"`` writes amounts of 10,000 yuan and more in 万元 (3.00 万元);
    ``money:"bare"`` leaves the unit to a column heading. None or empty is a dash."""
    from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if unit == "wan" and abs(amount) >= 10_000:
        text = f"{(amount / 10_000).quantize(Decimal('0.01'), ROUND_HALF_UP):,}"
        return _("%(amount)s ten-thousand yuan") % {"amount": text}
    text = f"{amount.quantize(Decimal('0.01'), ROUND_HALF_UP):,}"
    if unit == "bare":
        return text
    return _("%(amount)s yuan") % {"amount": text}


@register.filter
def brief_list(values: object, limit: int = 3) -> str:
    """At most ``limit`` names, then how many in all: 车工、钳工、焊工等12项."""
    names = [str(v) for v in values] if values is not None else []  # type: ignore[attr-defined]
    if len(names) <= limit:
        return "、".join(names) or "—"
    return _("%(items)s (%(count)s in all)") % {"items": "、".join(names[:limit]), "count": len(names)}


@register.filter
def grade_range(event: object) -> str:
    """An event's grade band in words; an open end reads "and above" / "and below", none "any grade"."""
    low = getattr(event, "grade_min", None) and event.get_grade_min_display()  # type: ignore[attr-defined]
    high = getattr(event, "grade_max", None) and event.get_grade_max_display()  # type: ignore[attr-defined]
    if low and high:
        return low if low == high else f"{low} – {high}"
    if low:
        return _("%(grade)s and above") % {"grade": low}
    if high:
        return _("%(grade)s and below") % {"grade": high}
    return _("Any grade")


@register.simple_tag
def demo_mode() -> bool:
    """True when the site runs as the demo (DEMO=1, `make run`): base.html shows the 演示环境 banner."""
    from django.conf import settings

    return bool(getattr(settings, "DEMO", False))
