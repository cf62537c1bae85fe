import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from gongjiang.colleges import certificates, queries, services
from gongjiang.colleges.enums import CohortState, EnrolmentStatus
from gongjiang.colleges.models import Completion, CompletionCertificate, Enrolment
from gongjiang.core.models import AuditEntry
from gongjiang.orgs.scope import Scope
from gongjiang.people.enums import GradeSource
from tests.colleges.conftest import cohort_data, make_workers


def test_derived_course_has_one_unit_per_criterion_citing_it(campus):
    units = list(campus.course.units.order_by("position"))
    assert [u.title for u in units] == ["A 工艺", "B 尺寸精度", "C 安全文明生产"]
    assert all(u.event_id == campus.harbin_event.pk for u in units)
    assert [[c.code for c in u.criteria.all()] for u in units] == [["A"], ["B"], ["C"]]
    assert campus.course.event == campus.harbin_event
    assert list(campus.harbin_event.derived_courses.all()) == [campus.course]


def test_deriving_needs_a_marking_scheme_and_a_citable_event(campus):
    alice = campus.users.alice
    with pytest.raises(services.CollegeError):
        services.derive_course(
            actor=alice,
            scope=Scope(alice),
            college=campus.college,
            event=campus.province_event,  # no criteria
            title="x",
            hours_per_unit=Decimal(4),
        )


def test_college_admin_sees_only_their_own_college(campus):
    xa = Scope(campus.users.xa)
    assert list(queries.colleges_for_user(xa)) == [campus.college]
    assert list(queries.cohorts_for_user(xa)) == [campus.cohort]
    assert not queries.manages(xa, campus.other_college)
    with pytest.raises(PermissionDenied):
        services.create_course(actor=campus.users.xa, scope=xa, college=campus.other_college, title="越权")


def test_outsiders_see_no_harbin_college(campus):
    for who in ("bob", "charlie", "judge"):
        scope = Scope(getattr(campus.users, who))
        assert not queries.colleges_for_user(scope).exists()
        assert not queries.enrolments_for_user(scope).exists()


def test_staff_link_needs_the_college_admin_role(campus):
    alice = campus.users.alice
    with pytest.raises(services.CollegeError):
        services.add_staff(actor=alice, scope=Scope(alice), college=campus.college, user=campus.users.charlie)
    with pytest.raises(PermissionDenied):
        services.add_staff(
            actor=campus.users.bob, scope=Scope(campus.users.bob), college=campus.college, user=campus.users.xb
        )


def test_waiting_list_fills_freed_places_in_order(campus):
    staff = campus.users.staff
    scope = Scope(staff)
    workers = make_workers(campus, 4)
    made = services.enrol_many(actor=staff, scope=scope, cohort=campus.cohort, workers=workers)
    assert [e.status for e in made] == ["enrolled", "enrolled", "waiting", "waiting"]
    promoted = services.withdraw(actor=staff, scope=scope, enrolment=made[0], reason="工作冲突")
    assert promoted.pk == made[2].pk
    assert list(services.waiting_list(campus.cohort)) == [made[3]]
    # withdrawing from the waiting list frees no place
    assert services.withdraw(actor=staff, scope=scope, enrolment=made[3], reason="不参加") is None
    statuses = dict(campus.cohort.enrolments.values_list("worker__name", "status"))
    assert statuses == {"学员00": "withdrawn", "学员01": "enrolled", "学员02": "enrolled", "学员03": "withdrawn"}
    assert AuditEntry.objects.filter(model="colleges.enrolment", action="update").exclude(note="").count() == 1


def test_bulk_enrolment_is_all_or_nothing(campus):
    staff = campus.users.staff
    workers = make_workers(campus, 2)
    services.enrol(actor=staff, scope=Scope(staff), cohort=campus.cohort, worker=workers[0])
    with pytest.raises(services.CollegeError, match="学员00"):
        services.enrol_many(actor=staff, scope=Scope(staff), cohort=campus.cohort, workers=workers)
    assert campus.cohort.enrolments.count() == 1


def test_enrolment_refusals(campus):
    bob = campus.users.bob
    with pytest.raises(PermissionDenied):  # not his worker
        services.enrol(actor=bob, scope=Scope(bob), cohort=campus.cohort, worker=campus.harbin_worker)
    with pytest.raises(services.CollegeError):  # a Harbin class is not open to Qiqihar's workers
        services.enrol(actor=bob, scope=Scope(bob), cohort=campus.cohort, worker=campus.qiqihar_worker)
    alice = campus.users.alice
    services.transition(actor=alice, scope=Scope(alice), cohort=campus.cohort, to=CohortState.RUNNING)
    with pytest.raises(services.CollegeError):
        services.enrol(actor=alice, scope=Scope(alice), cohort=campus.cohort, worker=campus.harbin_worker)


def test_a_worker_enrols_themselves(campus):
    from tests.conftest import make_user

    user = make_user("wang")
    campus.harbin_worker.user = user
    campus.harbin_worker.save()
    enrolment = services.enrol(actor=user, scope=Scope(user), cohort=campus.cohort, worker=campus.harbin_worker)
    assert enrolment.status == EnrolmentStatus.ENROLLED
    # both Harbin colleges' classes are open to a Harbin worker
    assert list(queries.cohorts_for_user(Scope(user)).order_by("pk")) == [campus.cohort, campus.other_cohort]
    with pytest.raises(PermissionDenied):
        services.enrol(actor=user, scope=Scope(user), cohort=campus.cohort, worker=campus.qiqihar_worker)


def test_more_places_move_the_waiting_list_up(campus):
    alice, staff = campus.users.alice, campus.users.staff
    made = services.enrol_many(actor=staff, scope=Scope(staff), cohort=campus.cohort, workers=make_workers(campus, 3))
    with pytest.raises(services.CollegeError):
        services.update_cohort(actor=alice, scope=Scope(alice), cohort=campus.cohort, data=cohort_data(capacity=1))
    services.update_cohort(actor=alice, scope=Scope(alice), cohort=campus.cohort, data=cohort_data(capacity=3))
    made[2].refresh_from_db()
    assert made[2].status == EnrolmentStatus.ENROLLED


def _run_class(campus, scores):
    """Enrol as many workers as ``scores``; two sessions of 4 h; the first trainee misses one."""
    alice, staff = campus.users.alice, campus.users.staff
    scope = Scope(alice)
    cohort = campus.cohort
    services.update_cohort(actor=alice, scope=scope, cohort=cohort, data=cohort_data(capacity=len(scores)))
    enrolments = services.enrol_many(
        actor=staff, scope=Scope(staff), cohort=cohort, workers=make_workers(campus, len(scores))
    )
    s1 = services.add_session(
        actor=alice,
        scope=scope,
        cohort=cohort,
        day=dt.date(2026, 6, 1),
        starts_at=dt.time(9),
        hours=Decimal(4),
        topic="工艺",
    )
    s2 = services.add_session(
        actor=alice,
        scope=scope,
        cohort=cohort,
        day=dt.date(2026, 6, 2),
        starts_at=dt.time(9),
        hours=Decimal(4),
        topic="精度",
    )
    services.transition(actor=alice, scope=scope, cohort=cohort, to=CohortState.RUNNING)
    everyone = [e.pk for e in enrolments]
    services.record_attendance(actor=alice, scope=scope, session=s1, present=everyone)
    services.record_attendance(actor=alice, scope=scope, session=s2, present=everyone[1:])
    services.record_scores(
        actor=alice, scope=scope, cohort=cohort, scores={e.pk: s for e, s in zip(enrolments, scores, strict=True)}
    )
    return enrolments


def test_completion_needs_both_the_hours_and_the_pass(campus):
    alice = campus.users.alice
    enrolments = _run_class(campus, [Decimal(90), Decimal("59.5"), Decimal(60), None])
    services.transition(actor=alice, scope=Scope(alice), cohort=campus.cohort, to=CohortState.FINISHED)
    # the first missed 4 of 8 hours (6 required); the second failed; the fourth was not assessed
    assert list(Completion.objects.values_list("enrolment_id", flat=True)) == [enrolments[2].pk]
    completion = Completion.objects.get()
    assert completion.hours == Decimal(8)
    assert completion.worker == enrolments[2].worker


def test_finishing_needs_every_attendance_taken(campus):
    alice = campus.users.alice
    scope = Scope(alice)
    services.add_session(
        actor=alice,
        scope=scope,
        cohort=campus.cohort,
        day=dt.date(2026, 6, 1),
        starts_at=dt.time(9),
        hours=Decimal(4),
        topic="x",
    )
    services.transition(actor=alice, scope=scope, cohort=campus.cohort, to=CohortState.RUNNING)
    with pytest.raises(services.CollegeError):
        services.transition(actor=alice, scope=scope, cohort=campus.cohort, to=CohortState.FINISHED)


def test_bad_scores_and_sessions_are_refused(campus):
    alice = campus.users.alice
    scope = Scope(alice)
    enrolment = services.enrol(
        actor=campus.users.staff, scope=Scope(campus.users.staff), cohort=campus.cohort, worker=campus.harbin_worker
    )
    with pytest.raises(services.CollegeError):
        services.record_scores(actor=alice, scope=scope, cohort=campus.cohort, scores={enrolment.pk: Decimal(101)})
    with pytest.raises(services.CollegeError):
        services.add_session(
            actor=alice,
            scope=scope,
            cohort=campus.cohort,
            day=dt.date(2026, 7, 1),
            starts_at=dt.time(9),
            hours=Decimal(4),
            topic="x",
        )
    enrolment.refresh_from_db()
    assert enrolment.score is None


def test_certificates_issue_revoke_reissue_and_a_grade_cites_the_completion(campus):
    alice = campus.users.alice
    scope = Scope(alice)
    _run_class(campus, [Decimal(90), Decimal(80)])
    services.transition(actor=alice, scope=scope, cohort=campus.cohort, to=CohortState.FINISHED)
    assert certificates.issue_all(actor=alice, scope=scope, cohort=campus.cohort) == 1
    assert certificates.issue_all(actor=alice, scope=scope, cohort=campus.cohort) == 0
    cert = CompletionCertificate.objects.get()
    with pytest.raises(services.CollegeError):
        certificates.revoke(actor=alice, scope=scope, certificate=cert, reason=" ")
    new = certificates.reissue(actor=alice, scope=scope, certificate=cert, reason="证书遗失")
    cert.refresh_from_db()
    assert cert.revoked_reason == "证书遗失" and new.replaces == cert and new.code != cert.code
    with pytest.raises(PermissionDenied):
        certificates.revoke(actor=campus.users.xb, scope=Scope(campus.users.xb), certificate=new, reason="x")
    completion = Completion.objects.get()
    grade = services.record_grade(
        actor=alice,
        scope=scope,
        completion=completion,
        occupation=campus.lathe,
        grade=4,
        certificate_no="HRB-COL-1",
        awarded_on=dt.date(2026, 7, 1),
    )
    completion.refresh_from_db()
    assert completion.grade == grade and grade.source == GradeSource.COLLEGE
    with pytest.raises(services.CollegeError):
        services.record_grade(
            actor=alice,
            scope=scope,
            completion=completion,
            occupation=campus.lathe,
            grade=4,
            certificate_no="HRB-COL-2",
            awarded_on=dt.date(2026, 7, 1),
        )
    # a college admin may not write the worker registry
    completion.grade = None
    completion.save()
    with pytest.raises(PermissionDenied):
        services.record_grade(
            actor=campus.users.xa,
            scope=Scope(campus.users.xa),
            completion=completion,
            occupation=campus.lathe,
            grade=4,
            certificate_no="HRB-COL-3",
            awarded_on=dt.date(2026, 7, 1),
        )


def test_enrolments_are_audited(campus):
    staff = campus.users.staff
    services.enrol(actor=staff, scope=Scope(staff), cohort=campus.cohort, worker=campus.harbin_worker)
    assert AuditEntry.objects.filter(model="colleges.enrolment", action="create").count() == 1
    assert Enrolment.objects.get().union == campus.harbin_employer.union


def test_outcome_messages_write_numbers_plainly(campus):
    assert services.outcome(campus.cohort, Decimal("4.0"), Decimal(90)) == (False, "学时不足：4／6。")
    assert services.outcome(campus.cohort, Decimal(8), Decimal("59.50")) == (False, "未达合格分：59.5／60。")
    assert services.outcome(campus.cohort, Decimal(8), Decimal(60)) == (True, "")


def test_a_college_admin_without_the_role_sees_nothing(campus):
    campus.users.xa.roles.all().delete()
    assert not queries.colleges_for_user(Scope(campus.users.xa)).exists()
    assert not queries.manages(Scope(campus.users.xa), campus.college)
