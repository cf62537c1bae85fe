"""Kinds, grades and review states of workers' innovations."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Kind(models.TextChoices):
    SUGGESTION = "suggestion", _("Rationalisation proposal (合理化建议)")
    RENOVATION = "renovation", _("Technical renovation (技术革新)")
    BREAKTHROUGH = "breakthrough", _("Technical breakthrough (技术攻关)")
    INVENTION = "invention", _("Invention (发明创造)")
    METHOD = "method", _("Advanced operating method (先进操作法)")
    SMALL_INVENTION = "small_invention", _("Small invention (小发明)")
    SMALL_CREATION = "small_creation", _("Small creation (小创造)")
    SMALL_RENOVATION = "small_renovation", _("Small renovation (小革新)")
    SMALL_DESIGN = "small_design", _("Small design (小设计)")
    SMALL_SUGGESTION = "small_suggestion", _("Small proposal (小建议)")


FIVE_SMALL = (
    Kind.SMALL_INVENTION,
    Kind.SMALL_CREATION,
    Kind.SMALL_RENOVATION,
    Kind.SMALL_DESIGN,
    Kind.SMALL_SUGGESTION,
)


class Grade(models.TextChoices):
    FIRST = "1", pgettext_lazy("innovation grade", "First class")
    SECOND = "2", pgettext_lazy("innovation grade", "Second class")
    THIRD = "3", pgettext_lazy("innovation grade", "Third class")
    MERIT = "merit", pgettext_lazy("innovation grade", "Merit")


class State(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    CHECKED = "checked", _("Checked by the union")
    APPRAISED = "appraised", _("Appraised")
    CALCULATED = "calculated", _("Benefit calculated")
    CONFIRMED = "confirmed", _("Benefit confirmed by finance")
    IN_NOTICE = "in_notice", _("In public notice")
    RECOGNISED = "recognised", _("Recognised")
    REJECTED = "rejected", _("Not accepted")


# Which states each state may move to; ``services.transition`` is the only writer of ``state``.
TRANSITIONS: dict[str, frozenset[str]] = {
    State.SUBMITTED: frozenset({State.CHECKED, State.REJECTED}),
    State.CHECKED: frozenset({State.APPRAISED, State.REJECTED}),
    State.APPRAISED: frozenset({State.CALCULATED, State.REJECTED}),
    State.CALCULATED: frozenset({State.CONFIRMED, State.APPRAISED, State.REJECTED}),  # back: finance sends it back
    State.CONFIRMED: frozenset({State.IN_NOTICE}),
    State.IN_NOTICE: frozenset({State.RECOGNISED, State.REJECTED}),
    State.RECOGNISED: frozenset(),
    State.REJECTED: frozenset(),
}

# States whose benefit finance has confirmed: the only benefit any total counts.
BENEFIT_STATES = (State.CONFIRMED, State.IN_NOTICE, State.RECOGNISED)
OPEN_STATES = (State.SUBMITTED, State.CHECKED, State.APPRAISED, State.CALCULATED, State.CONFIRMED, State.IN_NOTICE)
