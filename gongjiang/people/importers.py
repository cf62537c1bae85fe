"""Worker registry import: one row per worker, optionally with one grade certificate."""

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from gongjiang.core import audit, bulk, changes, crypto
from gongjiang.core.models import AuditAction, AuditEntry
from gongjiang.core.validators import (
    id_birth_date,
    id_sex,
    mask_id_number,
    mask_phone,
    validate_id_number,
    validate_phone,
    validate_uscc,
)
from gongjiang.imports.base import Column, Importer
from gongjiang.orgs.models import Employer
from gongjiang.orgs.queries import cities_of
from gongjiang.orgs.rules import IMPORT_WORKERS
from gongjiang.people.enums import GRADE_ALIASES, Grade, GradeSource, WorkerStatus
from gongjiang.people.models import Occupation, SkillGrade, Worker
from gongjiang.people.services import WORKER_FIELDS, protected_phone_fields

CHUNK = 2000  # ids per look-up
WRITE_CHUNK = 5000  # rows per insert, and audit rows held before they are written
WORKER_MODEL = Worker._meta.label_lower
GRADE_MODEL = SkillGrade._meta.label_lower
WORKER_COLUMNS = (
    "id",
    "name",
    "id_number_enc",
    "id_number_hash",
    "id_number_masked",
    "id_last4",
    "sex",
    "birth_date",
    "phone_enc",
    "phone_masked",
    "employer",
    "union",
    "city",
    "region_code",
    "status",
    "top_grade",
    "created_at",
    "updated_at",
)
GRADE_COLUMNS = (
    "id",
    "worker",
    "occupation",
    "grade",
    "source",
    "certificate_no",
    "awarded_on",
    "issuer",
    "created_at",
)
AUDIT_COLUMNS = ("at", "actor", "action", "model", "object_id", "object_repr", "union_id", "changes", "note")


def _chunks(items: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _remembered(clean: Callable[[str], Any]) -> Callable[[str], Any]:
    """``clean`` computed once per distinct cell text. A file repeats the same few employer codes,
    grades, dates and sources on every row; only a valid value is kept (a refusal raises again,
    in the language of the import that meets it), and the values kept are language-neutral."""
    return functools.lru_cache(maxsize=4096)(clean)


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


@dataclass(slots=True)  # one per row of the file, held until the write: no per-row __dict__
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
    certificate_recorded: bool = False  # the certificate is already this worker's

    def resolved_employer(self) -> Employer:
        if self.employer is None:  # clean_file resolves it for every row that reaches write()
            raise ValueError(f"employer {self.uscc} was not resolved")
        return self.employer


class WorkerImporter(Importer):
    kind = "workers"
    capability = IMPORT_WORKERS
    label = gettext_lazy("Workers")
    columns = (
        Column("name", pgettext_lazy("person", "Name")),
        Column("id_number", gettext_lazy("ID number"), validate_id_number, sensitive=True),
        Column("phone", gettext_lazy("Mobile"), validate_phone, required=False, sensitive=True),
        Column("uscc", gettext_lazy("Employer credit code"), _remembered(validate_uscc)),
        Column("occupation", gettext_lazy("Occupation"), required=False),
        Column("grade", gettext_lazy("Skill grade"), _remembered(clean_grade), required=False),
        Column("certificate_no", gettext_lazy("Certificate number"), required=False),
        Column("awarded_on", gettext_lazy("Awarded on"), _remembered(clean_date), required=False),
        Column("source", gettext_lazy("Grade source"), _remembered(clean_source), required=False),
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
        # a file names a few hundred employers at most: the scope is asked once for each, not once a row
        yours = {uscc for uscc, employer in employers.items() if self.scope.covers(IMPORT_WORKERS, employer.union_id)}
        for rowno, rec in records:
            employer = employers.get(rec.uscc)
            if employer is None:
                self.error(rowno, uscc_col, rec.uscc, _("No employer is registered with this code."))
            elif rec.uscc not in yours:
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
                rec.certificate_recorded = True

    def write(self, records: list[tuple[int, WorkerRow]]) -> dict[str, int]:
        """One transaction; new rows through the bulk path with ids reserved first, existing rows only
        where they differ. One audit row per created or changed worker and per new certificate, each
        naming the actor and, in its note, the import job."""
        self.now = timezone.now()
        self.audit_rows: list[tuple[Any, ...]] = []
        # once per file; the job's number lets the auditor find the file and its run
        self.note = _("import job #%(job)s") % {"job": self.job_id} if self.job_id else _("import")
        with bulk.large_write(), transaction.atomic(), bulk.checked_per_statement():
            self.cities = self._cities({rec.resolved_employer().union_id for _r, rec in records})
            new = [rec for _r, rec in records if rec.existing_id is None]
            old = [rec for _r, rec in records if rec.existing_id is not None]
            self._insert_workers(new)
            new_ids = {rec.existing_id for rec in new if rec.existing_id is not None}
            touched = self._update_existing(old)
            touched |= self._add_links(records, new_ids)
            graded = self._add_grades(records)
            updated = len((touched | graded) - new_ids)
            self._flush_audit()
            self._refresh_top_grades(graded - new_ids)  # a new worker's top grade is in its insert row
        return {"created": len(new), "updated": updated, "unchanged": len(old) - updated}

    @staticmethod
    def _cities(union_ids: set[int]) -> dict[int, int]:
        """Each employer union's city (``Worker.city``), a few queries per ``CHUNK`` unions."""
        cities: dict[int, int] = {}
        for chunk in _chunks(sorted(union_ids)):
            cities.update(cities_of(chunk))
        return cities

    def _audit_row(
        self, action: str, model: str, object_id: int, *, label: str, union_id: int, changes: dict
    ) -> tuple[Any, ...]:
        return (self.now, self.actor.pk, action, model, str(object_id), label[:200], union_id, changes, self.note)

    def _audit(self, action: str, model: str, object_id: int, *, label: str, union_id: int, changes: dict) -> None:
        """Hold one audit row; :meth:`_flush_audit` writes what is held."""
        self.audit_rows.append(
            self._audit_row(action, model, object_id, label=label, union_id=union_id, changes=changes)
        )
        if len(self.audit_rows) >= WRITE_CHUNK:
            self._flush_audit()

    def _flush_audit(self) -> None:
        if self.audit_rows:
            bulk.insert_rows(AuditEntry, AUDIT_COLUMNS, self.audit_rows)
            self.audit_rows = []

    def _insert_workers(self, new: list[WorkerRow]) -> None:
        """Insert new workers with ids reserved first, ``WRITE_CHUNK`` at a time, each batch's audit rows
        after it. A batch's rows are made (encrypted, masked, converted) in a thread while the
        database stores the batch before (``bulk.ahead``)."""
        ids = bulk.allocate_ids(Worker, len(new))
        for rec, pk in zip(new, ids, strict=True):
            rec.existing_id = pk
        self._write_ahead(Worker, WORKER_COLUMNS, self._worker_batch, new)

    def _write_ahead(
        self, model: type[Model], columns: tuple[str, ...], make: Callable[..., tuple[list, list]], items: list
    ) -> None:
        """Insert ``items`` into ``model``'s table ``WRITE_CHUNK`` at a time, each batch's audit rows after it;
        ``make(batch, row, audit_row)`` turns a batch into its rows and audit rows (converted by ``row`` and
        ``audit_row``) in a thread while the database stores the batch before (``bulk.ahead``)."""
        row = bulk.row_converter(model, columns)
        audit_row = bulk.row_converter(AuditEntry, AUDIT_COLUMNS)
        batches = (
            make(items[start : start + WRITE_CHUNK], row, audit_row) for start in range(0, len(items), WRITE_CHUNK)
        )
        for rows, audit_rows in bulk.ahead(batches):
            bulk.insert_rows(model, columns, rows, prepared=True)
            bulk.insert_rows(AuditEntry, AUDIT_COLUMNS, audit_rows, prepared=True)

    def _worker_batch(
        self, batch: list[WorkerRow], worker_row: Callable[..., Any], audit_row: Callable[..., Any]
    ) -> tuple[list[Any], list[Any]]:
        """New workers' rows and their audit rows, ready for the database; touches no database. The
        derived ID fields are those of ``people.services.protected_id_fields`` (a test holds them
        equal), without hashing again."""
        encrypt, now, employed = crypto.encrypt, self.now, WorkerStatus.EMPLOYED.value
        workers, audit_rows = [], []
        for rec in batch:
            pk = rec.existing_id
            employer = rec.resolved_employer()
            number, phone = rec.id_number, rec.phone
            masked, sex, birth = mask_id_number(number), id_sex(number), id_birth_date(number)
            phone_masked = mask_phone(phone) if phone else ""
            after = {
                "name": rec.name,
                "id_number_masked": masked,
                "sex": sex,
                "birth_date": birth.isoformat(),
                "phone_masked": phone_masked,
                "employer": employer.name,
                "status": employed,
                "occupations": [rec.occupation] if rec.occupation else [],
            }
            diff = {k: [None, v] for k, v in after.items() if v not in ("", [])}
            audit_rows.append(
                audit_row(
                    self._audit_row(
                        AuditAction.CREATE, WORKER_MODEL, pk, label=rec.name, union_id=employer.union_id, changes=diff
                    )
                )
            )
            workers.append(
                worker_row(
                    (
                        pk,
                        rec.name,
                        encrypt(number),
                        rec.id_hash,
                        masked,
                        number[-4:],
                        sex,
                        birth,
                        encrypt(phone) if phone else "",
                        phone_masked,
                        employer.pk,
                        employer.union_id,
                        self.cities[employer.union_id],
                        employer.region_id,
                        employed,
                        rec.grade if rec.certificate_no else None,  # a new worker's one certificate is new too
                        now,
                        now,
                    )
                )
            )
        return workers, audit_rows

    def _update_existing(self, old: list[WorkerRow]) -> set[int]:
        """Rewrite the workers whose name, employer or phone differ from the file; return their ids."""
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
                worker.city_id = self.cities[employer.union_id]
                worker.region_code = employer.region_id
                worker.updated_at = self.now
                if phone != rec.phone:
                    for name, value in protected_phone_fields(rec.phone).items():
                        setattr(worker, name, value)
                changed.append(worker)
                diff = audit.diff(before, audit.snapshot(worker, WORKER_FIELDS[:-1]))
                self._audit(
                    AuditAction.UPDATE,
                    WORKER_MODEL,
                    worker.pk,
                    label=worker.name,
                    union_id=worker.union_id,
                    changes=diff,
                )
            changes.announce(Worker, instances=changed)  # old and new unions, for the statistics
            Worker.objects.bulk_update(
                changed, ["name", "employer", "union", "city", "region_code", "phone_enc", "phone_masked", "updated_at"]
            )
            changed_ids |= {w.pk for w in changed}
        return changed_ids

    def _add_links(self, records: list[tuple[int, WorkerRow]], new_ids: set[int]) -> set[int]:
        """Link workers to the occupations the file names; return the ids of existing workers that gained one."""
        through = Worker.occupations.through
        wanted = {(rec.existing_id, rec.occupation_id) for _r, rec in records if rec.occupation_id}
        have: set[tuple[int, int]] = set()
        for chunk in _chunks({w for w, _o in wanted} - new_ids):
            have |= set(through.objects.filter(worker_id__in=chunk).values_list("worker_id", "occupation_id"))
        missing = sorted(wanted - have)
        for chunk in _chunks(missing, 5000):
            bulk.insert_rows(through, ("worker", "occupation"), chunk)
        occupation_names = dict(Occupation.objects.values_list("id", "name"))
        added: dict[int, list[str]] = {}
        for worker_id, occupation_id in missing:
            if worker_id not in new_ids:  # a new worker's occupations are already in its create row
                added.setdefault(worker_id, []).append(occupation_names[occupation_id])
        by_id = {rec.existing_id: rec for _r, rec in records}
        for worker_id, names in sorted(added.items()):
            rec = by_id[worker_id]
            union_id = rec.resolved_employer().union_id
            self._audit(
                AuditAction.UPDATE,
                WORKER_MODEL,
                worker_id,
                label=rec.name,
                union_id=union_id,
                changes={"occupations": [None, names]},
            )
        return set(added)

    def _add_grades(self, records: list[tuple[int, WorkerRow]]) -> set[int]:
        """Append the certificates not yet recorded (``clean_file`` looked them up), ``WRITE_CHUNK`` at a
        time, each made while the one before is stored; return the ids of the workers that got one."""
        fresh = [rec for _r, rec in records if rec.certificate_no and not rec.certificate_recorded]
        numbered = list(zip(bulk.allocate_ids(SkillGrade, len(fresh)), fresh, strict=True))
        self._write_ahead(SkillGrade, GRADE_COLUMNS, self._grade_batch, numbered)
        return {rec.existing_id for rec in fresh if rec.existing_id is not None}

    def _grade_batch(
        self, numbered: list[tuple[int, WorkerRow]], grade_row: Callable[..., Any], audit_row: Callable[..., Any]
    ) -> tuple[list[Any], list[Any]]:
        grades, audit_rows = [], []
        for pk, rec in numbered:
            after = {
                "occupation": rec.occupation,
                "grade": rec.grade,
                "source": rec.source,
                "certificate_no": rec.certificate_no,
                "awarded_on": rec.awarded_on.isoformat() if rec.awarded_on else None,
                "issuer": rec.issuer,
            }
            diff = {k: [None, v] for k, v in after.items() if v not in (None, "")}
            union_id = rec.resolved_employer().union_id
            audit_rows.append(
                audit_row(
                    self._audit_row(
                        AuditAction.CREATE, GRADE_MODEL, pk, label=rec.certificate_no, union_id=union_id, changes=diff
                    )
                )
            )
            grades.append(
                grade_row(
                    (
                        pk,
                        rec.existing_id,
                        rec.occupation_id,
                        rec.grade,
                        rec.source,
                        rec.certificate_no,
                        rec.awarded_on,
                        rec.issuer,
                        self.now,
                    )
                )
            )
        return grades, audit_rows

    def _refresh_top_grades(self, worker_ids: set[int]) -> None:
        for chunk in _chunks(worker_ids):
            tops = SkillGrade.objects.filter(worker_id__in=chunk).values("worker_id").annotate(top=Max("grade"))
            by_top: dict[int, list[int]] = {}
            for row in tops:
                by_top.setdefault(row["top"], []).append(row["worker_id"])
            for top, ids in by_top.items():
                changes.announce(Worker, pks=ids)
                Worker.objects.filter(pk__in=ids).update(top_grade=top)


IMPORTERS = [WorkerImporter]
