from django.db import models
from django.utils.translation import gettext_lazy as _


class TeacherKind(models.TextChoices):
    UNIVERSITY = "university", _("University expert")
    NATIONAL_CRAFTSMAN = "national", _("National craftsman")
    PROVINCIAL_CRAFTSMAN = "provincial", _("Provincial craftsman")
    MODEL_WORKER = "model_worker", _("Model worker")
    OTHER = "other", _("Other teacher")


class CohortState(models.TextChoices):
    OPEN = "open", _("Open for enrolment")
    RUNNING = "running", _("Training under way")
    FINISHED = "finished", _("Finished")


# state -> states it may move to
COHORT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    CohortState.OPEN: (CohortState.RUNNING,),
    CohortState.RUNNING: (CohortState.OPEN, CohortState.FINISHED),
    CohortState.FINISHED: (),
}


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    WAITING = "waiting", _("On the waiting list")
    WITHDRAWN = "withdrawn", _("Withdrawn")
