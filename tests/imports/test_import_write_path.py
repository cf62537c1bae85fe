"""The worker import's fast write path keeps every guarantee of the slow one.

Ids are reserved before the insert (``core.bulk.allocate_ids``), the derived ID fields are computed
in the importer, audit rows are built before their workers are inserted: these tests pin that the
stored rows, the audit trail, the all-or-nothing rule and the progress reports are what they were.
"""

import threading

import pytest
from django.db import transaction

from gongjiang.core import bulk, crypto
from gongjiang.core.models import AuditEntry
from gongjiang.imports.base import Importer
from gongjiang.imports.models import ImportStatus
from gongjiang.people.models import SkillGrade, Worker
from gongjiang.people.services import protected_id_fields, protected_phone_fields
from tests.imports.test_worker_import import _id, _rows, csv_file, run


def test_imported_fields_are_those_the_service_would_store(org):
    rows = _rows(org)
    job = run(org.users.alice, csv_file(rows))
    assert job.status == ImportStatus.DONE
    for row in rows:
        worker = Worker.objects.get(id_number_hash=crypto.keyed_hash(row[1]))
        expected = protected_id_fields(row[1])
        assert crypto.decrypt(worker.id_number_enc) == row[1]
        for name in ("id_number_hash", "id_number_masked", "id_last4", "sex", "birth_date"):
            assert getattr(worker, name) == expected[name], name
        assert crypto.decrypt(worker.phone_enc) == row[2]
        assert worker.phone_masked == protected_phone_fields(row[2])["phone_masked"]
        assert (worker.employer_id, worker.union_id, worker.region_code) == (
            org.harbin_employer.pk,
            org.harbin_employer.union_id,
            org.harbin_employer.region_id,
        )


def test_every_created_row_is_audited_with_its_actor_and_job(org):
    job = run(org.users.alice, csv_file(_rows(org)))
    workers = {str(w.pk) for w in Worker.objects.filter(name__startswith="测试")}
    grades = {str(g.pk) for g in SkillGrade.objects.filter(certificate_no__startswith="T-")}
    entries = AuditEntry.objects.filter(note=f"批量导入（任务 #{job.pk}）")
    assert {e.object_id for e in entries if e.model == "people.worker"} == workers
    assert {e.object_id for e in entries if e.model == "people.skillgrade"} == grades
    assert {(e.actor_id, e.action) for e in entries} == {(org.users.alice.pk, "create")}
    assert entries.count() == len(workers) + len(grades)
    # the id written into each audit row is the id the worker got
    for entry in entries.filter(model="people.worker"):
        assert Worker.objects.get(pk=entry.object_id).name == entry.object_repr


def test_a_failure_while_writing_leaves_nothing_and_the_next_import_works(org, monkeypatch):
    before = (Worker.objects.count(), SkillGrade.objects.count(), AuditEntry.objects.count())
    insert_rows = bulk.insert_rows

    def failing(model, fields, rows, **kwargs):
        if model is SkillGrade:
            raise RuntimeError("disk full")
        return insert_rows(model, fields, rows, **kwargs)

    monkeypatch.setattr(bulk, "insert_rows", failing)
    job = run(org.users.alice, csv_file(_rows(org)))
    assert job.status == ImportStatus.FAILED
    assert (Worker.objects.count(), SkillGrade.objects.count(), AuditEntry.objects.count()) == before
    monkeypatch.setattr(bulk, "insert_rows", insert_rows)
    job = run(org.users.alice, csv_file(_rows(org)))
    assert (job.status, job.created) == (ImportStatus.DONE, 4)
    assert Worker.objects.filter(name__startswith="测试").count() == 4


def test_a_failure_while_rows_are_made_ahead_leaves_nothing(org, monkeypatch):
    """An error in the thread that makes the next batch (here: encryption) reaches the import, which
    writes nothing, and no thread is left behind."""
    from gongjiang.people import importers

    monkeypatch.setattr(importers, "WRITE_CHUNK", 2)
    before = (Worker.objects.count(), AuditEntry.objects.count())
    encrypt, calls = crypto.encrypt, []

    def failing(text):
        calls.append(text)
        if len(calls) == 5:
            raise RuntimeError("key store unreachable")
        return encrypt(text)

    monkeypatch.setattr(crypto, "encrypt", failing)
    job = run(org.users.alice, csv_file(_rows(org)))
    assert job.status == ImportStatus.FAILED
    assert (Worker.objects.count(), AuditEntry.objects.count()) == before
    assert not [t for t in threading.enumerate() if t.name == "bulk-ahead"]


def test_a_failed_insert_stops_the_thread_making_the_next_batches(org, monkeypatch):
    """Batches of one row: when the second insert fails, the batches made ahead are dropped, the
    thread that made them ends, and nothing is written."""
    from gongjiang.people import importers

    monkeypatch.setattr(importers, "WRITE_CHUNK", 1)
    before = (Worker.objects.count(), AuditEntry.objects.count())
    insert_rows, calls = bulk.insert_rows, []

    def failing(model, fields, rows, **kwargs):
        if model is Worker:
            calls.append(model)
            if len(calls) == 2:
                raise RuntimeError("disk full")
        return insert_rows(model, fields, rows, **kwargs)

    monkeypatch.setattr(bulk, "insert_rows", failing)
    job = run(org.users.alice, csv_file(_rows(org, 6)))
    assert job.status == ImportStatus.FAILED
    assert len(calls) == 2
    assert (Worker.objects.count(), AuditEntry.objects.count()) == before
    assert not [t for t in threading.enumerate() if t.name == "bulk-ahead"]


def test_many_batches_keep_every_row_and_its_audit(org, monkeypatch):
    """Batches of two rows: every worker, certificate and audit row is written once, with its own id."""
    from gongjiang.people import importers

    monkeypatch.setattr(importers, "WRITE_CHUNK", 2)
    rows = _rows(org, 9)
    job = run(org.users.alice, csv_file(rows))
    assert (job.status, job.created) == (ImportStatus.DONE, 9)
    workers = {str(w.pk): w.name for w in Worker.objects.filter(name__startswith="测试")}
    assert len(workers) == 9
    entries = AuditEntry.objects.filter(note=f"批量导入（任务 #{job.pk}）", model="people.worker")
    assert {e.object_id: e.object_repr for e in entries} == workers
    graded = SkillGrade.objects.filter(certificate_no__startswith="T-")
    grade_entries = AuditEntry.objects.filter(note=f"批量导入（任务 #{job.pk}）", model="people.skillgrade")
    assert sorted(e.object_id for e in grade_entries) == sorted(str(g.pk) for g in graded)
    for row in rows:
        worker = Worker.objects.get(id_number_hash=crypto.keyed_hash(row[1]))
        assert (worker.name, crypto.decrypt(worker.id_number_enc)) == (row[0], row[1])


def test_reserved_ids_are_new_and_never_handed_out_twice(org):
    highest = max(Worker.objects.values_list("pk", flat=True), default=0)
    with transaction.atomic():
        first = bulk.allocate_ids(Worker, 3)
        second = bulk.allocate_ids(Worker, 2)
    assert len(set(first + second)) == 5
    assert min(first + second) > highest
    assert bulk.allocate_ids(Worker, 0) == []


def test_progress_is_reported_while_the_rows_are_checked(org, monkeypatch, settings):
    uscc = org.harbin_employer.uscc
    rows = [[f"测试{n}", _id(n), "", uscc, "", "", "", "", "", ""] for n in range(2100)]
    reported: list[int] = []
    clean_rows = Importer.clean_rows

    def spy(self, table, progress=None):
        def record(done: int) -> None:
            reported.append(done)
            progress(done)

        return clean_rows(self, table, record)

    monkeypatch.setattr(Importer, "clean_rows", spy)
    job = run(org.users.alice, csv_file(rows))
    assert (job.status, job.created, job.processed_rows) == (ImportStatus.DONE, 2100, 2100)
    assert reported == [999, 1999]


@pytest.mark.parametrize("bad", ["230102198013329999", "991234198001010011"])
def test_a_bad_id_number_among_many_writes_nothing(org, bad):
    rows = _rows(org, 40)
    rows[25][1] = bad
    before = Worker.objects.count()
    job = run(org.users.alice, csv_file(rows))
    assert job.status == ImportStatus.INVALID
    assert [(e["row"], e["column"]) for e in job.errors] == [(27, "身份证号")]
    assert Worker.objects.count() == before
