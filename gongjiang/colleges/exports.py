from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongjiang.core.exports import Exporter

from .models import Attendance, Completion, Enrolment


class EnrolmentExporter(Exporter):
    """A class's trainees and waiting list as the user may see them; identifiers masked.
    The rows carry ``hours_attended`` (see :func:`services.with_hours`)."""

    identifier = "class-enrolments"
    label = _("Enrolments")
    headers = (
        pgettext_lazy("person", "Name"),
        _("ID number"),
        _("Employer"),
        _("Status"),
        pgettext_lazy("date", "Applied"),
        _("Hours attended"),
        _("Assessment score"),
        _("Reason for withdrawal"),
    )

    def rows(self, items: Iterable[Enrolment]) -> Iterator[Sequence[Any]]:
        for e in items:
            yield (
                e.worker.name,
                e.worker.id_number_masked,
                e.worker.employer.name,
                e.get_status_display(),
                e.queued_at.date().isoformat(),
                str(getattr(e, "hours_attended", "")),
                "" if e.score is None else str(e.score),
                e.withdrawn_reason,
            )


class AttendanceExporter(Exporter):
    identifier = "class-attendance"
    label = _("Attendance")
    headers = (
        _("Date"),
        _("Starts at"),
        _("Topic"),
        _("Training hours"),
        pgettext_lazy("person", "Name"),
        _("ID number"),
        _("Present"),
    )

    def rows(self, items: Iterable[Attendance]) -> Iterator[Sequence[Any]]:
        for a in items:
            s, w = a.session, a.enrolment.worker
            yield (
                s.day.isoformat(),
                s.starts_at.strftime("%H:%M"),
                s.topic,
                str(s.hours),
                w.name,
                w.id_number_masked,
                str(_("yes") if a.present else _("no")),
            )


class CompletionExporter(Exporter):
    identifier = "class-completions"
    label = _("Completions")
    headers = (
        pgettext_lazy("person", "Name"),
        _("ID number"),
        _("Employer"),
        _("Hours attended"),
        _("Assessment score"),
        _("Completed on"),
        _("Certificate"),
        _("Skill grade citing it"),
    )

    def rows(self, items: Iterable[Completion]) -> Iterator[Sequence[Any]]:
        for c in items:
            valid = next((cert.code for cert in c.certificates.all() if cert.revoked_at is None), "")
            yield (
                c.worker.name,
                c.worker.id_number_masked,
                c.worker.employer.name,
                str(c.hours),
                str(c.score),
                c.completed_on.isoformat(),
                valid,
                str(c.grade) if c.grade_id else "",
            )
