"""Choices of the labour competitions: indicator categories, how an indicator is scored, round states."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Category(models.TextChoices):
    """The usual indicators of a labour competition (DOMAIN.md), or the organiser's own."""

    PROGRESS = "progress", _("Progress")
    QUALITY = "quality", _("Quality")
    SAFETY = "safety", _("Safety")
    CIVILISED = "civilised", _("Civilised construction")
    INNOVATION = "innovation", _("Technical innovation")
    ENERGY = "energy", _("Energy saving and emission reduction")
    OWN = "own", _("Organiser's own")


class Method(models.TextChoices):
    MEASURED = "measured", _("Measured against a target")
    JUDGED = "judged", _("Judged by the committee")


class Formula(models.TextChoices):
    """How a measured figure becomes a score of 0–100 (labour.scoring)."""

    LINEAR = "linear", _("Linear to the target, capped at 100")
    RANK = "rank", _("By rank among the units")
    PASS_FAIL = "pass_fail", _("Pass, less a deduction per failure")


class Combine(models.TextChoices):
    """How the final standing combines the closed rounds."""

    AVERAGE = "average", _("Average of the round scores")
    WEIGHTED = "weighted", _("Weighted by round")
    SUM = "sum", _("Sum of the round scores")


class Period(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class RoundState(models.TextChoices):
    OPEN = "open", pgettext_lazy("round", "Open")
    CLOSED = "closed", _("Closed")


class FigureState(models.TextChoices):
    REPORTED = "reported", _("Reported")
    CHECKED = "checked", _("Checked")
