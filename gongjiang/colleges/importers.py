"""Imports for a training class: enrolments (by an enterprise union) and attendance (by the college).

Both run in the framework of :mod:`gongjiang.imports`: every row is checked first, nothing is written
unless every row is clean, and the writes go through the same services as the pages.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongjiang.core import crypto
from gongjiang.core.validators import validate_id_number
from gongjiang.imports.base import Column, FileError, Importer
from gongjiang.orgs.rules import ENROL_COLLEGES, MANAGE_COLLEGES, STAFF_COLLEGES
from gongjiang.people.models import Worker

from . import services
from .enums import CohortState, EnrolmentStatus
from .models import Cohort
from .queries import cohorts_for_user, managed_cohorts, open_to_worker

PRESENT = {"是", "出勤", "到", "√", "1", "yes", "y", "present", "true"}
ABSENT = {"否", "缺勤", "缺", "×", "0", "no", "n", "absent", "false"}


def clean_present(raw: str) -> bool:
    value = raw.strip().lower()
    if value in PRESENT:
        return True
    if value in ABSENT:
        return False
    raise ValidationError(_("Write 是 (present) or 否 (absent)."))


def clean_date(raw: str) -> dt.date:
    text = raw.strip().replace("/", "-").replace(".", "-")
    try:
        year, month, day = (int(p) for p in text.split("-"))
        return dt.date(year, month, day)
    except ValueError:
        raise ValidationError(_("Write the date as 2026-06-01.")) from None


def clean_time(raw: str) -> dt.time:
    try:
        hour, minute = (int(p) for p in raw.strip().split(":")[:2])
        return dt.time(hour, minute)
    except ValueError:
        raise ValidationError(_("Write the time as 08:30.")) from None


class EnrolmentImporter(Importer):
    """An enterprise union enrols its workers by ID number, in the order of the rows."""

    kind = "college_enrolments"
    capability = ENROL_COLLEGES
    label = gettext_lazy("Class enrolments")
    columns = (Column("id_number", gettext_lazy("ID number"), validate_id_number, sensitive=True),)

    def cohort(self) -> Cohort:
        cohort = cohorts_for_user(self.scope).select_related("college").filter(pk=self.context.get("cohort")).first()
        if cohort is None or not self.scope.has(ENROL_COLLEGES):
            raise FileError(_("This import belongs to a class you may not enrol workers in."))
        if cohort.state != CohortState.OPEN:
            raise FileError(_("This class is not open for enrolment."))
        return cohort

    def clean_file(self, records: list[tuple[int, Any]]) -> None:
        cohort = self.cohort()
        col = self.column("id_number")
        hashes = [crypto.keyed_hash(values["id_number"]) for _rowno, values in records]
        workers = {
            w.id_number_hash: w
            for w in Worker.objects.filter(self.scope.union_filter(ENROL_COLLEGES), id_number_hash__in=hashes)
        }
        active = set(cohort.enrolments.exclude(status=EnrolmentStatus.WITHDRAWN).values_list("worker_id", flat=True))
        seen: dict[int, int] = {}
        for rowno, values in records:
            worker = workers.get(crypto.keyed_hash(values["id_number"]))
            if worker is None:
                self.error(rowno, col, values["id_number"], _("No worker of your union has this ID number."))
                continue
            if worker.pk in seen:
                self.error(
                    rowno,
                    col,
                    values["id_number"],
                    _("The same ID number is on row %(row)s.") % {"row": seen[worker.pk]},
                )
                continue
            seen[worker.pk] = rowno
            if worker.pk in active:
                self.error(
                    rowno,
                    col,
                    values["id_number"],
                    _("%(name)s is already enrolled or waiting.") % {"name": worker.name},
                )
            elif not open_to_worker(cohort, worker):
                self.error(
                    rowno,
                    col,
                    values["id_number"],
                    _("%(name)s: this class is not open to workers of that union.") % {"name": worker.name},
                )
            values["worker"] = worker

    def write(self, records: list[tuple[int, Any]]) -> dict[str, int]:
        cohort = self.cohort()
        try:
            made = services.enrol_many(
                actor=self.actor, scope=self.scope, cohort=cohort, workers=[v["worker"] for _r, v in records]
            )
        except services.CollegeError as exc:
            raise FileError(str(exc)) from exc
        return {"created": len(made), "updated": 0, "unchanged": 0}


class AttendanceImporter(Importer):
    """Attendance of a class's sessions: one row per trainee and session. For every session in the file,
    the enrolled trainees not marked present are recorded absent."""

    kind = "college_attendance"
    capability = (MANAGE_COLLEGES, STAFF_COLLEGES)  # any one of them
    label = gettext_lazy("Class attendance")
    columns = (
        Column("id_number", gettext_lazy("ID number"), validate_id_number, sensitive=True),
        Column("day", gettext_lazy("Date"), clean_date),
        Column("starts_at", gettext_lazy("Starts at"), clean_time, required=False),
        Column("present", gettext_lazy("Present"), clean_present),
    )

    def cohort(self) -> Cohort:
        cohort = managed_cohorts(self.scope).select_related("college").filter(pk=self.context.get("cohort")).first()
        if cohort is None:
            raise FileError(_("This import belongs to a class you do not run."))
        if cohort.state == CohortState.FINISHED:
            raise FileError(_("A finished class cannot change."))
        return cohort

    def clean_file(self, records: list[tuple[int, Any]]) -> None:
        cohort = self.cohort()
        id_col, day_col, time_col = self.column("id_number"), self.column("day"), self.column("starts_at")
        sessions = list(cohort.sessions.all())
        enrolled = {
            e.worker.id_number_hash: e
            for e in cohort.enrolments.filter(status=EnrolmentStatus.ENROLLED).select_related("worker")
        }
        seen: dict[tuple[int, int], int] = {}
        for rowno, values in records:
            day, starts_at = values["day"], values["starts_at"]
            matches = [s for s in sessions if s.day == day and (starts_at is None or s.starts_at == starts_at)]
            if not matches:
                self.error(rowno, day_col, day.isoformat(), _("The class has no session at that time."))
                continue
            if len(matches) > 1:
                self.error(rowno, time_col, "", _("The class has several sessions that day: give the start time."))
                continue
            enrolment = enrolled.get(crypto.keyed_hash(values["id_number"]))
            if enrolment is None:
                self.error(
                    rowno, id_col, values["id_number"], _("No enrolled trainee of this class has this ID number.")
                )
                continue
            key = (matches[0].pk, enrolment.pk)
            if key in seen:
                self.error(
                    rowno,
                    id_col,
                    values["id_number"],
                    _("The same trainee and session are on row %(row)s.") % {"row": seen[key]},
                )
                continue
            seen[key] = rowno
            values["session"], values["enrolment"] = matches[0], enrolment

    def write(self, records: list[tuple[int, Any]]) -> dict[str, int]:
        self.cohort()
        by_session: dict[int, tuple[Any, set[int]]] = {}
        for _rowno, values in records:
            session, present = by_session.setdefault(values["session"].pk, (values["session"], set()))
            if values["present"]:
                present.add(values["enrolment"].pk)
        try:
            with transaction.atomic():
                for session, present in by_session.values():
                    services.record_attendance(actor=self.actor, scope=self.scope, session=session, present=present)
        except services.CollegeError as exc:
            raise FileError(str(exc)) from exc
        return {"created": 0, "updated": len(records), "unchanged": 0}


IMPORTERS = [EnrolmentImporter, AttendanceImporter]
