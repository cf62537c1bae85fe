"""Worker registry import: one row per worker, optionally with one grade certificate."""

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from gongjiang.core import audit, crypto
from gongjiang.core.models import AuditAction, AuditEntry
from gongjiang.core.validators import validate_id_number, validate_phone, validate_uscc
from gongjiang.orgs.models import Employer
from gongjiang.orgs.rules import IMPORT_WORKERS
from gongjiang.people.enums import GRADE_ALIASES, Grade, GradeSource
from gongjiang.people.models import Occupation, SkillGrade, Worker
from gongjiang.people.services import (
    GRADE_FIELDS,
    WORKER_FIELDS,
    protected_id_fields,
    protected_phone_fields,
)

from .base import Column, Importer

CHUNK = 2000


def _chunks(items: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def clean_grade(raw: str) -> int:
    text = raw.strip().lower()
    if text.isdigit() and 1 <= int(text) <= len(Grade.values):
        return int(text)
    if text in GRADE_ALIASES:
        return GRADE_ALIASES[text]
    for value, label in Grade.choices:
        if text == str(label).lower():
            return value
    raise ValidationError(_("Unknown skill grade; use e.g. 高级工, 技师 or a number 1–8."))


def clean_date(raw: str) -> dt.date:
    text = raw.strip().replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise ValidationError(_("Write the date as YYYY-MM-DD.")) from None


def clean_source(raw: str) -> str:
    text = raw.strip().lower()
    for value, label in GradeSource.choices:
        if text in {value, str(label).lower()}:
            return value
    raise ValidationError(
        _("Unknown grade source; use one of: %(choices)s.")
        % {"choices": "、".join(str(label) for _v, label in GradeSource.choices)}
    )


@dataclass
class WorkerRow:
    name: str
    id_number: str
    id_hash: str
    phone: str
    uscc: str
    occupation: str
    grade: int | None
    certificate_no: str
    awarded_on: dt.date | None
    source: str
    issuer: str
    # filled in by clean_file
    employer: Employer | None = None
    occupation_id: int | None = None
    existing_id: int | None = None

    def resolved_employer(self) -> Employer:
        if self.employer is None:  # clean_file resolves it for every row that reaches write()
            raise ValueError(f"employer {self.uscc} was not resolved")
        return self.employer


class WorkerImporter(Importer):
    kind = "workers"
    label = gettext_lazy("Workers")
    columns = (
        Column("name", pgettext_lazy("person", "Name")),
        Column("id_number", gettext_lazy("ID number"), validate_id_number, sensitive=True),
        Column("phone", gettext_lazy("Mobile"), validate_phone, required=False, sensitive=True),
        Column("uscc", gettext_lazy("Employer credit code"), validate_uscc),
        Column("occupation", gettext_lazy("Occupation"), required=False),
        Column("grade", gettext_lazy("Skill grade"), clean_grade, required=False),
        Column("certificate_no", gettext_lazy("Certificate number"), required=False),
        Column("awarded_on", gettext_lazy("Awarded on"), clean_date, required=False),
        Column("source", gettext_lazy("Grade source"), clean_source, required=False),
        Column("issuer", gettext_lazy("Issued by"), required=False),
    )

    def clean_row(self, rowno: int, values: dict[str, Any]) -> WorkerRow | None:
        name = values["name"]
        if len(name) > 50:
            self.error(rowno, self.column("name"), name, _("At most 50 characters."))
            return None
        grade_keys = ("grade", "certificate_no", "awarded_on")
        given = [k for k in grade_keys if values[k] is not None]
        if given and len(given) < len(grade_keys):
            for key in grade_keys:
                if values[key] is None:
                    self.error(rowno, self.column(key), "", _("A grade needs its grade, certificate number and date."))
            return None
        if given and not values["occupation"]:
            self.error(rowno, self.column("occupation"), "", _("A grade needs its occupation."))
            return None
        return WorkerRow(
            name=name,
            id_number=values["id_number"],
            id_hash=crypto.keyed_hash(values["id_number"]),
            phone=values["phone"] or "",
            uscc=values["uscc"],
            occupation=values["occupation"] or "",
            grade=values["grade"],
            certificate_no=values["certificate_no"] or "",
            awarded_on=values["awarded_on"],
            source=values["source"] or GradeSource.EVALUATION,
            issuer=values["issuer"] or "",
        )

    def clean_file(self, records: list[tuple[int, WorkerRow]]) -> None:  # noqa: PLR0912 (one pass per check)
        id_col, uscc_col = self.column("id_number"), self.column("uscc")
        occ_col, cert_col = self.column("occupation"), self.column("certificate_no")
        seen_ids: dict[str, int] = {}
        seen_certs: dict[str, int] = {}
        for rowno, rec in records:
            if rec.id_hash in seen_ids:
                self.error(
                    rowno,
                    id_col,
                    rec.id_number,
                    _("The same ID number is on row %(row)s.") % {"row": seen_ids[rec.id_hash]},
                )
            seen_ids.setdefault(rec.id_hash, rowno)
            if rec.certificate_no:
                if rec.certificate_no in seen_certs:
                    self.error(
                        rowno,
                        cert_col,
                        rec.certificate_no,
                        _("The same certificate number is on row %(row)s.") % {"row": seen_certs[rec.certificate_no]},
                    )
                seen_certs.setdefault(rec.certificate_no, rowno)

        employers = {
            e.uscc: e
            for e in Employer.objects.filter(uscc__in={rec.uscc for _r, rec in records}).select_related("region")
        }
        occupations = dict(Occupation.objects.values_list("name", "id"))
        for rowno, rec in records:
            employer = employers.get(rec.uscc)
            if employer is None:
                self.error(rowno, uscc_col, rec.uscc, _("No employer is registered with this code."))
            elif not self.scope.covers(IMPORT_WORKERS, employer.union_id):
                self.error(rowno, uscc_col, rec.uscc, _("This employer is outside your union."))
            else:
                rec.employer = employer
            if rec.occupation:
                rec.occupation_id = occupations.get(rec.occupation)
                if rec.occupation_id is None:
                    self.error(rowno, occ_col, rec.occupation, _("Unknown occupation."))

        by_hash = {rec.id_hash: (rowno, rec) for rowno, rec in records}
        for chunk in _chunks(by_hash):
            for pk, id_hash, union_id in Worker.objects.filter(id_number_hash__in=chunk).values_list(
                "pk", "id_number_hash", "union_id"
            ):
                rowno, rec = by_hash[id_hash]
                if not self.scope.covers(IMPORT_WORKERS, union_id):
                    self.error(rowno, id_col, rec.id_number, _("This worker is registered by a union outside yours."))
                rec.existing_id = pk
        by_cert = {rec.certificate_no: (rowno, rec) for rowno, rec in records if rec.certificate_no}
        for chunk in _chunks(by_cert):
            for cert, worker_id in SkillGrade.objects.filter(certificate_no__in=chunk).values_list(
                "certificate_no", "worker_id"
            ):
                rowno, rec = by_cert[cert]
                if rec.existing_id != worker_id:
                    self.error(rowno, cert_col, cert, _("This certificate number belongs to another worker."))

    def write(self, records: list[tuple[int, WorkerRow]]) -> dict[str, int]:
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        with transaction.atomic():
            new = [rec for _r, rec in records if rec.existing_id is None]
            old = [rec for _r, rec in records if rec.existing_id is not None]
            touched: set[int] = set()
            audits: list[AuditEntry] = []
            for chunk in _chunks(new):
                workers = [self._new_worker(rec) for rec in chunk]
                Worker.objects.bulk_create(workers)
                if workers and workers[0].pk is None:  # backends without RETURNING
                    ids = dict(
                        Worker.objects.filter(id_number_hash__in=[w.id_number_hash for w in workers]).values_list(
                            "id_number_hash", "pk"
                        )
                    )
                    for w in workers:
                        w.pk = ids[w.id_number_hash]
                for rec, worker in zip(chunk, workers, strict=True):
                    rec.existing_id = worker.pk
                    after = audit.snapshot(worker, WORKER_FIELDS[:-1])
                    after["occupations"] = [rec.occupation] if rec.occupation else []
                    audits.append(
                        AuditEntry(
                            actor=self.actor,
                            action=AuditAction.CREATE,
                            model=worker._meta.label_lower,
                            object_id=str(worker.pk),
                            object_repr=worker.name,
                            union_id=worker.union_id,
                            changes={k: [None, v] for k, v in after.items() if v not in (None, "", [])},
                            note=_("import"),
                        )
                    )
                counts["created"] += len(chunk)
            touched |= self._update_existing(old, audits)
            new_ids = {rec.existing_id for rec in new if rec.existing_id is not None}
            links, grades = self._links_and_grades(records, audits, new_ids)
            touched |= links | grades
            counts["updated"] = len(touched - new_ids)
            counts["unchanged"] = len(old) - counts["updated"]
            for chunk in _chunks(audits, 5000):
                AuditEntry.objects.bulk_create(chunk)
            self._refresh_top_grades(grades)
        return counts

    def _new_worker(self, rec: WorkerRow) -> Worker:
        employer = rec.resolved_employer()
        return Worker(
            name=rec.name,
            employer=employer,
            union_id=employer.union_id,
            region_code=employer.region_id,
            **protected_id_fields(rec.id_number),
            **protected_phone_fields(rec.phone),
        )

    def _update_existing(self, old: list[WorkerRow], audits: list[AuditEntry]) -> set[int]:
        changed_ids: set[int] = set()
        for chunk in _chunks(old):
            by_id = {rec.existing_id: rec for rec in chunk}
            changed = []
            for worker in Worker.objects.filter(pk__in=by_id).select_related("employer"):
                rec = by_id[worker.pk]
                employer = rec.resolved_employer()
                phone = crypto.decrypt(worker.phone_enc) if worker.phone_enc else ""
                if (worker.name, worker.employer_id, phone) == (rec.name, employer.pk, rec.phone):
                    continue
                before = audit.snapshot(worker, WORKER_FIELDS[:-1])
                worker.name = rec.name
                worker.employer = employer
                worker.union_id = employer.union_id
                worker.region_code = employer.region_id
                if phone != rec.phone:
                    for name, value in protected_phone_fields(rec.phone).items():
                        setattr(worker, name, value)
                changed.append(worker)
                row = audit.entry(
                    actor=self.actor,
                    action=AuditAction.UPDATE,
                    obj=worker,
                    before=before,
                    after=audit.snapshot(worker, WORKER_FIELDS[:-1]),
                    union_id=worker.union_id,
                    note=_("import"),
                )
                if row is not None:
                    audits.append(row)
            Worker.objects.bulk_update(
                changed, ["name", "employer", "union", "region_code", "phone_enc", "phone_masked"]
            )
            changed_ids |= {w.pk for w in changed}
        return changed_ids

    def _links_and_grades(
        self, records: list[tuple[int, WorkerRow]], audits: list[AuditEntry], new_ids: set[int]
    ) -> tuple[set[int], set[int]]:
        """Add missing worker–occupation links and new certificates; return the worker ids touched."""
        through = Worker.occupations.through
        wanted = {(rec.existing_id, rec.occupation_id) for _r, rec in records if rec.occupation_id}
        have: set[tuple[int, int]] = set()
        for chunk in _chunks({w for w, _o in wanted}):
            have |= set(through.objects.filter(worker_id__in=chunk).values_list("worker_id", "occupation_id"))
        missing = sorted(wanted - have)
        for chunk in _chunks(missing, 5000):
            through.objects.bulk_create([through(worker_id=w, occupation_id=o) for w, o in chunk])
        link_ids = {w for w, _o in missing}
        occupation_names = dict(Occupation.objects.values_list("id", "name"))
        added: dict[int, list[str]] = {}
        for worker_id, occupation_id in missing:
            added.setdefault(worker_id, []).append(occupation_names[occupation_id])
        name_of = {rec.existing_id: rec.name for _r, rec in records}
        # a new worker's occupations are already in its create row
        audits.extend(
            AuditEntry(
                actor=self.actor,
                action=AuditAction.UPDATE,
                model=Worker._meta.label_lower,
                object_id=str(worker_id),
                object_repr=name_of[worker_id],
                union_id=None,
                changes={"occupations": [None, sorted(added[worker_id])]},
                note=_("import"),
            )
            for worker_id in sorted(added.keys() - new_ids)
        )

        certs = [rec for _r, rec in records if rec.certificate_no]
        existing: set[str] = set()
        for chunk in _chunks([rec.certificate_no for rec in certs]):
            existing |= set(
                SkillGrade.objects.filter(certificate_no__in=chunk).values_list("certificate_no", flat=True)
            )
        new_grades = [
            SkillGrade(
                worker_id=rec.existing_id,
                occupation_id=rec.occupation_id,
                grade=rec.grade,
                source=rec.source,
                certificate_no=rec.certificate_no,
                awarded_on=rec.awarded_on,
                issuer=rec.issuer,
            )
            for rec in certs
            if rec.certificate_no not in existing
        ]
        for chunk in _chunks(new_grades, 5000):
            SkillGrade.objects.bulk_create(chunk)
        union_of = {rec.existing_id: rec.employer.union_id for _r, rec in records if rec.employer}
        for grade in new_grades:
            grade.occupation = Occupation(pk=grade.occupation_id, name=occupation_names[grade.occupation_id])
            audits.append(
                AuditEntry(
                    actor=self.actor,
                    action=AuditAction.CREATE,
                    model=SkillGrade._meta.label_lower,
                    object_id=str(grade.pk or ""),
                    object_repr=grade.certificate_no,
                    union_id=union_of.get(grade.worker_id),
                    changes={
                        k: [None, v] for k, v in audit.snapshot(grade, GRADE_FIELDS).items() if v not in (None, "")
                    },
                    note=_("import"),
                )
            )
        for row in audits:
            if row.union_id is None and row.model == Worker._meta.label_lower:
                row.union_id = union_of.get(int(row.object_id))
        return link_ids, {g.worker_id for g in new_grades}

    def _refresh_top_grades(self, worker_ids: set[int]) -> None:
        for chunk in _chunks(worker_ids):
            tops = SkillGrade.objects.filter(worker_id__in=chunk).values("worker_id").annotate(top=Max("grade"))
            by_top: dict[int, list[int]] = {}
            for row in tops:
                by_top.setdefault(row["top"], []).append(row["worker_id"])
            for top, ids in by_top.items():
                Worker.objects.filter(pk__in=ids).update(top_grade=top)
