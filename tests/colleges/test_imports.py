import csv
import datetime as dt
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from gongjiang.colleges import services
from gongjiang.core import crypto
from gongjiang.imports.models import ImportJob
from gongjiang.orgs.scope import Scope
from tests.colleges.conftest import make_workers
from tests.conftest import HARBIN_ID, QIQIHAR_ID


def upload(rows, name="file.csv"):
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return SimpleUploadedFile(name, buf.getvalue().encode("utf-8-sig"))


def test_enrolment_import_is_all_or_nothing_then_fills_the_waiting_list(campus, as_user):
    workers = make_workers(campus, 3)
    ids = [crypto.decrypt(w.id_number_enc) for w in workers]
    client = as_user(campus.users.staff)
    url = f"/imports/college_enrolments/?cohort={campus.cohort.pk}"
    client.post(url, {"file": upload([["身份证号"], *[[i] for i in ids], [QIQIHAR_ID], [ids[0]]])})
    job = ImportJob.objects.latest("pk")
    assert [(e["row"], e["message"]) for e in job.errors] == [
        (5, "本工会没有该身份证号的职工。"),
        (6, "同一身份证号已出现在第2行。"),
    ]
    assert campus.cohort.enrolments.count() == 0
    client.post(url, {"file": upload([["ID number"], *[[i] for i in ids]])})
    job = ImportJob.objects.latest("pk")
    assert (job.status, job.created) == ("done", 3)
    assert list(campus.cohort.enrolments.order_by("pk").values_list("status", flat=True)) == [
        "enrolled",
        "enrolled",
        "waiting",
    ]


def test_enrolment_import_needs_the_capability_and_a_visible_class(campus, as_user):
    assert as_user(campus.users.xa).get("/imports/college_enrolments/").status_code == 403
    client = as_user(campus.users.bob)
    client.post(
        f"/imports/college_enrolments/?cohort={campus.cohort.pk}", {"file": upload([["身份证号"], [QIQIHAR_ID]])}
    )
    job = ImportJob.objects.latest("pk")
    assert job.status == "invalid" and "不能为其职工报名" in job.message
    assert campus.cohort.enrolments.count() == 0


def test_attendance_import(campus, as_user):
    alice = campus.users.alice
    scope = Scope(alice)
    workers = make_workers(campus, 2)
    made = services.enrol_many(
        actor=campus.users.staff, scope=Scope(campus.users.staff), cohort=campus.cohort, workers=workers
    )
    s1 = services.add_session(
        actor=alice,
        scope=scope,
        cohort=campus.cohort,
        day=dt.date(2026, 6, 1),
        starts_at=dt.time(9),
        hours=Decimal(4),
        topic="a",
    )
    services.add_session(
        actor=alice,
        scope=scope,
        cohort=campus.cohort,
        day=dt.date(2026, 6, 1),
        starts_at=dt.time(14),
        hours=Decimal(4),
        topic="b",
    )
    ids = [crypto.decrypt(w.id_number_enc) for w in workers]
    client = as_user(campus.users.xa)
    url = f"/imports/college_attendance/?cohort={campus.cohort.pk}"
    head = ["身份证号", "日期", "开始时间", "出勤"]
    client.post(
        url,
        {
            "file": upload(
                [
                    head,
                    [ids[0], "2026-06-01", "", "是"],
                    [HARBIN_ID, "2026/6/1", "09:00", "是"],
                    [ids[1], "2026-06-03", "09:00", "也许"],
                ]
            )
        },
    )
    job = ImportJob.objects.latest("pk")
    assert [e["row"] for e in job.errors] == [2, 3, 4]
    assert not s1.attendance.exists()
    client.post(
        url, {"file": upload([head, [ids[0], "2026-06-01", "09:00", "是"], [ids[1], "2026/6/1", "9:00", "缺勤"]])}
    )
    job = ImportJob.objects.latest("pk")
    assert job.status == "done", job.errors
    assert dict(s1.attendance.values_list("enrolment_id", "present")) == {made[0].pk: True, made[1].pk: False}
    # another college's admin cannot import into this class
    as_user(campus.users.xb).post(url, {"file": upload([head, [ids[0], "2026-06-01", "09:00", "否"]])})
    assert ImportJob.objects.latest("pk").status == "invalid"
    assert s1.attendance.get(enrolment=made[0]).present is True
