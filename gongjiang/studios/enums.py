from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Level(models.TextChoices):
    """The level of a studio or an alliance, highest first."""

    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    CITY = "city", pgettext_lazy("level", "City")
    ENTERPRISE = "enterprise", _("Enterprise")


class StudioState(models.TextChoices):
    APPLIED = "applied", pgettext_lazy("studio state", "Applied")
    NAMED = "named", _("Named")
    REJECTED = "rejected", _("Rejected")
    CLOSED = "closed", _("Closed")


STUDIO_TRANSITIONS: dict[str, frozenset[str]] = {
    StudioState.APPLIED: frozenset({StudioState.NAMED, StudioState.REJECTED}),
    StudioState.NAMED: frozenset({StudioState.CLOSED}),
    StudioState.REJECTED: frozenset(),
    StudioState.CLOSED: frozenset(),
}


class AllianceState(models.TextChoices):
    """An alliance its lead union proposes waits to be named by the union entitled to name its level."""

    PROPOSED = "proposed", pgettext_lazy("alliance state", "Proposed")
    NAMED = "named", _("Named")
    REJECTED = "rejected", _("Rejected")


class ClosureReason(models.TextChoices):
    EMPLOYER_CLOSED = "employer_closed", _("The employer closed")
    LEAD_RETIRED = "lead_retired", _("The lead retired and no successor was named")
    LEAD_LEFT = "lead_left", _("The lead left and no successor was named")
    OTHER = "other", _("Other reason")


class ResultKind(models.TextChoices):
    PATENT = "patent", _("Patent")
    INVENTION = "invention", _("Invention")
    STANDARD = "standard", _("Standard")
    METHOD = "method", _("Work method")
    AWARD = "award", _("Award")


class MemberState(models.TextChoices):
    APPLIED = "applied", _("Applied to join")
    ACTIVE = "active", pgettext_lazy("membership", "Active")
    WARNED = "warned", _("Warned")
    DELISTED = "delisted", _("Delisted")


MEMBER_TRANSITIONS: dict[str, frozenset[str]] = {
    MemberState.APPLIED: frozenset({MemberState.ACTIVE, MemberState.DELISTED}),
    MemberState.ACTIVE: frozenset({MemberState.WARNED, MemberState.DELISTED}),
    MemberState.WARNED: frozenset({MemberState.ACTIVE, MemberState.DELISTED}),
    MemberState.DELISTED: frozenset(),
}
CURRENT_MEMBER_STATES = (MemberState.ACTIVE, MemberState.WARNED)


class ActivityKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    EXCHANGE = "exchange", _("Exchange")
    TRAINING = "training", _("Training")
    OTHER = "other", _("Other activity")


class ProblemState(models.TextChoices):
    OPEN = "open", _("Open for claims")
    IN_PROGRESS = "in_progress", _("Joint project under way")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ClaimState(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class ProjectState(models.TextChoices):
    UNDER_WAY = "under_way", _("Under way")
    CLOSED = "closed", _("Closed")


class EvaluationOutcome(models.TextChoices):
    PASSED = "passed", _("Passed")
    WARNED = "warned", _("Warned")
    DELISTED = "delisted", _("Delisted")
