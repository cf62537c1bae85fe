"""A rule's terms as a person reads them: each term labelled in the reader's language, each value
in words (levels, grades, kinds of honour, yes/no, money), never the stored keys."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from gongjiang.competitions.enums import Tier
from gongjiang.core.templatetags.gongjiang import money
from gongjiang.people.enums import Grade, HonourKind, HonourLevel

from .enums import Nominee

TERM_LABELS = {
    "tier": gettext_lazy("Competition level"),
    "ranks": gettext_lazy("Amount by rank"),
    "ceiling": gettext_lazy("The amounts are ceilings"),
    "workers_only": gettext_lazy("Workers only (no students)"),
    "in_province": gettext_lazy("Employer in province"),
    "rank_max": gettext_lazy("Ranks 1 to"),
    "top_percent": gettext_lazy("Or the top percent of the field"),
    "grade": gettext_lazy("Grade granted"),
    "step_if_held": gettext_lazy("One grade up if already held"),
    "cap": gettext_lazy("Never above"),
    "title": pgettext_lazy("honour", "Title"),
    "honour_kind": gettext_lazy("Kind of honour"),
    "level": gettext_lazy("Level of honour"),
    "quota": gettext_lazy("Quota per cycle"),
    "amount": gettext_lazy("One-time amount"),
    "once_per_person": gettext_lazy("Once per person"),
    "nominee": gettext_lazy("Conferred on"),
    "subject": gettext_lazy("Subsidised"),
}
SUBSIDY_LEVELS = {
    "national": gettext_lazy("National level"),
    "provincial": gettext_lazy("Provincial level"),
    "city": gettext_lazy("City level"),
}
SUBJECTS = {"alliance": gettext_lazy("Studio alliance")}


def _choice(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def term_value(key: str, value: Any) -> str:  # noqa: PLR0911 (one answer per kind of term)
    """One term's value in words."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if key == "ranks" and isinstance(value, Mapping):
        return "；".join(
            _("rank %(rank)s: %(amount)s yuan") % {"rank": rank, "amount": money(amount, "bare")}
            for rank, amount in sorted(value.items(), key=lambda item: int(item[0]) if str(item[0]).isdigit() else 0)
        )
    if key == "tier":
        return _choice(Tier, value)
    if key in {"grade", "cap"}:
        return _choice(Grade, value)
    if key == "honour_kind":
        return _choice(HonourKind, value)
    if key == "level":
        return str(SUBSIDY_LEVELS.get(value, "")) or _choice(HonourLevel, value)
    if key == "nominee":
        return _choice(Nominee, value)
    if key == "subject":
        return str(SUBJECTS.get(value, value))
    if key == "amount":
        return money(value)
    if key == "top_percent":
        return f"{value}%"
    return str(value)


def describe_terms(terms: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(label, value)`` for each term, in the order the rule stores them."""
    return [(str(TERM_LABELS.get(key, key)), term_value(key, value)) for key, value in terms.items()]
