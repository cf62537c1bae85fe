"""Edge cases of the college pages and services: bad input gets a clear error and writes nothing."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from gongjiang.colleges import certificates, services
from gongjiang.colleges.models import CollegeStaff, Completion, CompletionCertificate, Teacher
from gongjiang.core import crypto
from gongjiang.orgs.scope import Scope
from gongjiang.people.models import SkillGrade
from tests.colleges.test_views import _finished_class
from tests.conftest import HARBIN_ID


def test_a_teacher_links_to_a_worker_record_only_when_name_and_id_match(campus, as_user):
    client = as_user(campus.users.xa)
    url = reverse("colleges:teacher_create", args=[campus.college.pk])
    data = {"name": "李秀梅", "kind": "national", "id_number": HARBIN_ID, "active": "on"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "没有姓名与身份证号都相符的职工档案" in response.content.decode()
    assert not Teacher.objects.filter(name="李秀梅").exists()
    response = client.post(url, {**data, "name": campus.harbin_worker.name})
    assert response.status_code == 302
    teacher = Teacher.objects.get(name=campus.harbin_worker.name)
    assert teacher.worker == campus.harbin_worker
    campus.harbin_worker.honours.create(title="龙江工匠", kind="craftsman", level=3, year=2024)
    body = client.get(reverse("colleges:detail", args=[campus.college.pk])).content.decode()
    assert "2024 龙江工匠" in body
    # unlinking drops the record
    client.post(
        reverse("colleges:teacher_edit", args=[teacher.pk]), {"name": teacher.name, "kind": "national", "unlink": "on"}
    )
    teacher.refresh_from_db()
    assert teacher.worker is None


def test_a_unit_cites_only_criteria_of_the_cited_event(campus, as_user):
    client = as_user(campus.users.xa)
    url = reverse("colleges:course", args=[campus.course.pk])
    response = client.post(url, {"title": "补充单元", "hours": "4", "criteria": "A"})
    assert "请指明单元所引用评分模块所属的赛项" in response.content.decode()
    response = client.post(url, {"title": "补充单元", "hours": "4", "event": campus.harbin_event.pk, "criteria": "A Z"})
    assert "该赛项没有评分模块 Z" in response.content.decode()
    assert campus.course.units.count() == 3
    response = client.post(
        url, {"title": "补充单元", "hours": "4", "event": campus.harbin_event.pk, "criteria": "a, c"}
    )
    assert response.status_code == 302
    unit = campus.course.units.get(position=4)
    assert sorted(unit.criteria.values_list("code", flat=True)) == ["A", "C"]


def test_a_college_cannot_cite_an_event_of_another_city(campus):
    from gongjiang.colleges.queries import citable_events

    # the Harbin college may cite Harbin's and the province's events, never Qiqihar's
    assert set(citable_events(campus.college)) == {campus.harbin_event, campus.province_event}


def test_revoke_needs_a_reason_and_verify_shows_the_replacement(campus, as_user, client):
    _finished_class(campus)
    cert = CompletionCertificate.objects.order_by("pk").first()
    admin = as_user(campus.users.xa)
    url = reverse("colleges:certificate_revoke", args=[cert.pk])
    admin.post(url, {"reason": "  ", "action": "revoke"})
    cert.refresh_from_db()
    assert cert.revoked_at is None
    admin.post(url, {"reason": "姓名有误", "action": "reissue"})
    cert.refresh_from_db()
    new = cert.replaced_by
    assert cert.revoked_reason == "姓名有误"
    old_page = client.get(reverse("verify", args=[cert.code])).content.decode()
    assert "该证书已作废" in old_page and "姓名有误" in old_page
    assert new.code in old_page
    assert "真实有效" in client.get(reverse("verify", args=[new.code])).content.decode()
    # issuing again gives no second valid certificate
    assert certificates.issue_all(actor=campus.users.xa, scope=Scope(campus.users.xa), cohort=campus.cohort) == 0


def test_record_a_grade_from_a_completion_page(campus, as_user):
    _finished_class(campus)
    completion = Completion.objects.order_by("pk").first()
    url = reverse("colleges:completion_grade", args=[completion.pk])
    # the college admin may not write the worker registry
    assert as_user(campus.users.xa).get(url).status_code == 403
    alice = as_user(campus.users.alice)
    assert alice.get(url).status_code == 200
    data = {"occupation": campus.lathe.pk, "grade": 4, "certificate_no": "HRB-0001", "awarded_on": "2026-07-01"}
    response = alice.post(url, data)
    assert "该证书编号已登记" in response.content.decode()
    assert completion.worker.grades.count() == 0
    response = alice.post(url, {**data, "certificate_no": "HRB-COL-9"})
    assert response.status_code == 302
    completion.refresh_from_db()
    assert completion.grade.certificate_no == "HRB-COL-9"
    body = alice.get(reverse("people:worker_detail", args=[completion.worker_id])).content.decode()
    assert "HRB-COL-9" in body and campus.college.name in body
    assert SkillGrade.objects.get(certificate_no="HRB-COL-9").source == "college"


def test_staff_add_and_remove(campus, as_user):
    from tests.conftest import make_user

    client = as_user(campus.users.alice)
    url = reverse("colleges:staff_add", args=[campus.college.pk])
    client.post(url, {"username": "nobody"})
    client.post(url, {"username": "charlie"})  # holds no college admin role
    assert list(campus.college.staff.values_list("user__username", flat=True)) == ["xa"]
    make_user("xc", campus.harbin, "college_admin")
    client.post(url, {"username": "xc"})
    link = CollegeStaff.objects.get(user__username="xc")
    assert as_user(link.user).get(reverse("colleges:detail", args=[campus.college.pk])).status_code == 200
    # a college admin cannot add or remove staff
    assert as_user(campus.users.xa).post(reverse("colleges:staff_remove", args=[link.pk])).status_code in {403, 404}
    assert CollegeStaff.objects.filter(pk=link.pk).exists()
    client.post(reverse("colleges:staff_remove", args=[link.pk]))
    assert as_user(link.user).get(reverse("colleges:detail", args=[campus.college.pk])).status_code == 404


def test_session_and_transition_errors_are_shown(campus, as_user):
    client = as_user(campus.users.xa)
    url = reverse("colleges:session_create", args=[campus.cohort.pk])
    response = client.post(url, {"day": "2026-07-01", "starts_at": "09:00", "hours": "4", "topic": "x"}, follow=True)
    assert "课次须在培训班的起止日期之内" in response.content.decode()
    response = client.post(url, {"day": "", "starts_at": "09:00", "hours": "4", "topic": "x"}, follow=True)
    assert "日期" in response.content.decode()
    response = client.post(
        reverse("colleges:cohort_transition", args=[campus.cohort.pk]), {"to": "finished"}, follow=True
    )
    assert "不能转为" in response.content.decode()
    assert campus.cohort.sessions.count() == 0


def test_enrolment_import_of_a_worker_by_whole_id(campus, as_user):
    """The bulk page finds a worker by the whole ID number, as the worker list does."""
    body = (
        as_user(campus.users.staff)
        .get(
            reverse("colleges:enrol", args=[campus.cohort.pk])
            + f"?q={crypto.decrypt(campus.harbin_worker.id_number_enc)}"
        )
        .content.decode()
    )
    assert campus.harbin_worker.name in body


def test_attendance_for_a_trainee_who_is_not_enrolled_is_refused(campus):
    alice = campus.users.alice
    scope = Scope(alice)
    waiting = services.enrol(actor=alice, scope=scope, cohort=campus.other_cohort, worker=campus.harbin_worker)
    session = services.add_session(
        actor=alice,
        scope=scope,
        cohort=campus.cohort,
        day=dt.date(2026, 6, 1),
        starts_at=dt.time(9),
        hours=Decimal(4),
        topic="x",
    )
    try:
        services.record_attendance(actor=alice, scope=scope, session=session, present=[waiting.pk])
    except services.CollegeError:
        pass
    else:  # pragma: no cover
        raise AssertionError("a trainee of another class was marked present")
    assert not session.attendance.exists()


def test_a_college_shows_the_competitions_it_hosts(campus, as_user):
    from gongjiang.competitions.models import Competition

    Competition.objects.filter(pk__in=[campus.harbin_comp.pk, campus.province_comp.pk]).update(host=campus.college.name)
    body = as_user(campus.users.xa).get(reverse("colleges:detail", args=[campus.college.pk])).content.decode()
    assert campus.harbin_comp.name in body and campus.province_comp.name in body
    body = as_user(campus.users.xb).get(reverse("colleges:detail", args=[campus.other_college.pk])).content.decode()
    assert campus.harbin_comp.name not in body
