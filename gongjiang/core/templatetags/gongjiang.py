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
