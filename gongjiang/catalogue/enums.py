from django.db import models
from django.utils.translation import pgettext_lazy


class ApplicationState(models.TextChoices):
    """立项申报: drafted by the applying union, sent up level by level, approved into the 竞赛目录."""

    DRAFT = "draft", pgettext_lazy("application", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("application", "Submitted")
    RECOMMENDED = "recommended", pgettext_lazy("application", "Recommended")
    APPROVED = "approved", pgettext_lazy("application", "Approved")
    RETURNED = "returned", pgettext_lazy("application", "Returned")


# The one state machine of an application: which state may follow which.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    ApplicationState.DRAFT: (ApplicationState.SUBMITTED,),
    ApplicationState.SUBMITTED: (ApplicationState.RECOMMENDED, ApplicationState.APPROVED, ApplicationState.RETURNED),
    ApplicationState.RECOMMENDED: (ApplicationState.RECOMMENDED, ApplicationState.APPROVED, ApplicationState.RETURNED),
    ApplicationState.RETURNED: (ApplicationState.SUBMITTED,),
    ApplicationState.APPROVED: (),
}
# Waiting for a union's review.
WAITING = (ApplicationState.SUBMITTED, ApplicationState.RECOMMENDED)
# Counted against a quota: every application sent up and not returned.
COUNTED = (ApplicationState.SUBMITTED, ApplicationState.RECOMMENDED, ApplicationState.APPROVED)


class StepAction(models.TextChoices):
    SUBMIT = "submit", pgettext_lazy("application", "Submitted")
    RECOMMEND = "recommend", pgettext_lazy("application", "Recommended")
    APPROVE = "approve", pgettext_lazy("application", "Approved")
    RETURN = "return", pgettext_lazy("application", "Returned")


class SubjectKind(models.TextChoices):
    """Who a 年终表彰 commends."""

    UNIT = "unit", pgettext_lazy("commendation", "Unit")
    TEAM = "team", pgettext_lazy("commendation", "Team")
    PERSON = "person", pgettext_lazy("commendation", "Person")


class CommendationState(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("commendation", "Proposed")
    APPROVED = "approved", pgettext_lazy("commendation", "Approved")
    REJECTED = "rejected", pgettext_lazy("commendation", "Not approved")


STAGE_DUE_SOON_DAYS = 14
