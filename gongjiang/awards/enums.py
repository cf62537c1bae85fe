from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DecisionKind(models.TextChoices):
    REWARD = "reward", _("Cash reward")
    PROMOTION = "promotion", _("Grade promotion")
    TITLE = "title", pgettext_lazy("honour", "Title")


class DecisionState(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("decision", "Proposed")
    ACCEPTED = "accepted", _("Accepted")
    ADJUSTED = "adjusted", _("Accepted with an adjusted amount")
    REJECTED = "rejected", pgettext_lazy("decision", "Rejected")


class LineState(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("payment", "Proposed")
    APPROVED = "approved", pgettext_lazy("payment", "Approved")
    PAID = "paid", _("Paid")
    REJECTED = "rejected", pgettext_lazy("payment", "Rejected")


class CycleState(models.TextChoices):
    NOMINATING = "nominating", _("Nominations open")
    REVIEWING = "reviewing", _("Expert review")
    NOTICE = "notice", _("Public notice")
    CLOSED = "closed", _("Closed")


class NominationState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    IN_NOTICE = "in_notice", _("In public notice")
    APPROVED = "approved", pgettext_lazy("nomination", "Approved")
    REJECTED = "rejected", pgettext_lazy("nomination", "Not approved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ObjectionState(models.TextChoices):
    OPEN = "open", pgettext_lazy("objection", "Open")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")
