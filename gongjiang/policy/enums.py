from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DocumentKind(models.TextChoices):
    OPINION = "opinion", _("Opinion")
    MEASURES = "measures", _("Measures")
    NOTICE = "notice", _("Notice")
    REGULATION = "regulation", _("Regulation")
    PLAN = "plan", _("Plan")
    OTHER = "other", _("Other document")


class DocumentStatus(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    AMENDED = "amended", _("Amended")
    REPEALED = "repealed", _("Repealed")


class RuleKind(models.TextChoices):
    REWARD = "reward", _("Cash reward")
    PROMOTION = "promotion", _("Grade promotion")
    TITLE = "title", pgettext_lazy("honour", "Title")
    HONOUR = "honour", _("Honour programme")
    SUBSIDY = "subsidy", _("Subsidy")
    INNOVATION = "innovation", _("Innovation reward")


class ProgrammeKind(models.TextChoices):
    REWARD = "reward", _("Competition rewards")
    HONOUR = "honour", _("Honour awards")
    SUBSIDY = "subsidy", _("Subsidies")


class Nominee(models.TextChoices):
    """Who an honour programme is conferred on: a worker (五一劳动奖章), a unit (五一劳动奖状) or a team (工人先锋号)."""

    PERSON = "person", pgettext_lazy("nominee", "Worker")
    UNIT = "unit", pgettext_lazy("nominee", "Unit")
    TEAM = "team", pgettext_lazy("nominee", "Team")
