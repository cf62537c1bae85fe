"""The colleges' part of a worker's record (see :mod:`gongjiang.people.record`): classes with their
enrolment status and completion, one query within the user's scope (``enrolments_for_user``)."""

from django.utils.translation import gettext_lazy as _

from gongjiang.orgs.scope import Scope
from gongjiang.people.models import Worker
from gongjiang.people.record import ROWS, Section

from .queries import enrolments_for_user


def training(scope: Scope, worker: Worker) -> Section:
    qs = (
        enrolments_for_user(scope)
        .filter(worker=worker)
        .select_related("cohort__college", "cohort__course", "completion")
        .order_by("-cohort__starts_on", "-pk")[:ROWS]
    )
    rows = []
    for e in qs:
        completion = getattr(e, "completion", None)
        rows.append(
            [
                f"{e.cohort.college.name} · {e.cohort.course.title}",
                e.cohort.name,
                f"{e.cohort.starts_on.isoformat()} – {e.cohort.ends_on.isoformat()}",
                e.get_status_display(),
                completion.completed_on.isoformat() if completion else "—",
                f"{completion.hours:g} / {completion.score:g}" if completion else "—",
            ]
        )
    headers = [_("College and course"), _("Class"), _("Dates"), _("Status"), _("Completed on"), _("Hours / score")]
    return Section("record-training", _("Training and completions"), headers, rows)


SECTIONS = [training]
