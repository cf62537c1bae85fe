import datetime as dt
from decimal import Decimal

from django.urls import reverse

from gongjiang.colleges import certificates, services
from gongjiang.colleges.enums import CohortState
from gongjiang.colleges.models import CompletionCertificate, Enrolment
from gongjiang.orgs.scope import Scope
from tests.colleges.conftest import make_workers
from tests.conftest import make_user, pdf_text


def _finished_class(campus):
    """Two trainees of the Harbin class complete; certificates issued."""
    alice, staff = campus.users.alice, campus.users.staff
    scope = Scope(alice)
    workers = make_workers(campus, 2)
    made = services.enrol_many(actor=staff, scope=Scope(staff), cohort=campus.cohort, workers=workers)
    session = services.add_session(
        actor=alice,
        scope=scope,
        cohort=campus.cohort,
        day=dt.date(2026, 6, 1),
        starts_at=dt.time(9),
        hours=Decimal(8),
        topic="工艺",
    )
    services.transition(actor=alice, scope=scope, cohort=campus.cohort, to=CohortState.RUNNING)
    services.record_attendance(actor=alice, scope=scope, session=session, present=[e.pk for e in made])
    services.record_scores(actor=alice, scope=scope, cohort=campus.cohort, scores={e.pk: Decimal(80) for e in made})
    services.transition(actor=alice, scope=scope, cohort=campus.cohort, to=CohortState.FINISHED)
    certificates.issue_all(actor=alice, scope=scope, cohort=campus.cohort)
    return made


def test_pages_render_for_the_college_admin(campus, as_user):
    _finished_class(campus)
    client = as_user(campus.users.xa)
    cert = CompletionCertificate.objects.first()
    session = campus.cohort.sessions.get()
    for url in (
        reverse("colleges:list"),
        reverse("colleges:detail", args=[campus.college.pk]),
        reverse("colleges:teacher_create", args=[campus.college.pk]),
        reverse("colleges:course_create", args=[campus.college.pk]),
        reverse("colleges:course_derive", args=[campus.college.pk]),
        reverse("colleges:course", args=[campus.course.pk]),
        reverse("colleges:cohort_create", args=[campus.course.pk]),
        reverse("colleges:cohort_list"),
        reverse("colleges:cohort", args=[campus.cohort.pk]),
        reverse("colleges:cohort_edit", args=[campus.cohort.pk]),
        reverse("colleges:attendance", args=[session.pk]),
        reverse("colleges:assessment", args=[campus.cohort.pk]),
        reverse("colleges:cohort_export", args=[campus.cohort.pk]) + "?what=completions&fmt=csv",
        reverse("colleges:cohort_export", args=[campus.cohort.pk]) + "?what=attendance&fmt=xlsx",
        reverse("colleges:cohort_export", args=[campus.cohort.pk]) + "?fmt=csv",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    body = client.get(reverse("colleges:cohort", args=[campus.cohort.pk])).content.decode()
    assert cert.code in body and "学员00" in body
    pdf = client.get(reverse("colleges:certificate_pdf", args=[cert.code]))
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content).replace("\n", "")
    assert (
        "结业证书" in text
        and "哈尔滨数字工匠学院" in text
        and cert.code in text
        and "准予结业" in text
        and "完成 8 学时" in text
    )


def test_college_admin_of_another_college_gets_404(campus, as_user):
    made = _finished_class(campus)
    client = as_user(campus.users.xb)
    cert = CompletionCertificate.objects.first()
    session = campus.cohort.sessions.get()
    for url in (
        reverse("colleges:detail", args=[campus.college.pk]),
        reverse("colleges:course", args=[campus.course.pk]),
        reverse("colleges:cohort", args=[campus.cohort.pk]),
        reverse("colleges:cohort_export", args=[campus.cohort.pk]),
        reverse("colleges:attendance", args=[session.pk]),
        reverse("colleges:assessment", args=[campus.cohort.pk]),
        reverse("colleges:certificate_pdf", args=[cert.code]),
        reverse("colleges:withdraw", args=[made[0].pk]),
    ):
        assert client.get(url).status_code in {403, 404, 405}, url
        assert client.post(url).status_code in {403, 404}, url
    listing = client.get(reverse("colleges:cohort_list")).content.decode()
    assert campus.cohort.name not in listing and campus.other_cohort.name in listing


def test_bulk_enrolment_page(campus, as_user):
    workers = make_workers(campus, 3)
    client = as_user(campus.users.staff)
    url = reverse("colleges:enrol", args=[campus.cohort.pk])
    assert "学员02" in client.get(url).content.decode()
    response = client.post(url, {"worker": [w.pk for w in workers]})
    assert response.status_code == 302
    assert list(Enrolment.objects.order_by("pk").values_list("status", flat=True)) == [
        "enrolled",
        "enrolled",
        "waiting",
    ]
    # a worker of another union is refused without writing
    response = client.post(url, {"worker": [campus.qiqihar_worker.pk]})
    assert response.status_code == 403
    assert Enrolment.objects.count() == 3


def test_attendance_and_scores_pages(campus, as_user):
    alice = campus.users.alice
    made = services.enrol_many(
        actor=campus.users.staff, scope=Scope(campus.users.staff), cohort=campus.cohort, workers=make_workers(campus, 2)
    )
    session = services.add_session(
        actor=alice,
        scope=Scope(alice),
        cohort=campus.cohort,
        day=dt.date(2026, 6, 1),
        starts_at=dt.time(9),
        hours=Decimal(8),
        topic="工艺",
    )
    client = as_user(campus.users.xa)
    client.post(reverse("colleges:attendance", args=[session.pk]), {"present": [made[0].pk]})
    assert dict(session.attendance.values_list("enrolment_id", "present")) == {made[0].pk: True, made[1].pk: False}
    response = client.post(
        reverse("colleges:assessment", args=[campus.cohort.pk]),
        {f"score_{made[0].pk}": "abc", f"score_{made[1].pk}": "70"},
    )
    assert response.status_code == 200
    made[1].refresh_from_db()
    assert made[1].score is None  # nothing written when one cell is bad
    client.post(reverse("colleges:assessment", args=[campus.cohort.pk]), {f"score_{made[0].pk}": "88.5"})
    made[0].refresh_from_db()
    assert made[0].score == Decimal("88.5")


def test_worker_pages_and_self_enrolment(campus, as_user):
    user = make_user("wang")
    campus.harbin_worker.user = user
    campus.harbin_worker.save()
    client = as_user(user)
    body = client.get(reverse("colleges:mine")).content.decode()
    assert campus.cohort.name in body
    client.post(reverse("colleges:enrol_me", args=[campus.cohort.pk]), {"next": reverse("colleges:mine")})
    enrolment = Enrolment.objects.get(worker=campus.harbin_worker)
    assert enrolment.status == "enrolled"
    response = client.post(reverse("colleges:withdraw", args=[enrolment.pk]), {"reason": "工作冲突"})
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == "withdrawn"


def test_verify_page_finds_a_completion_certificate(campus, client):
    _finished_class(campus)
    cert = CompletionCertificate.objects.first()
    body = client.get(reverse("verify", args=[cert.code])).content.decode()
    assert "学**0" in body  # 学员00 masked
    assert "学员00" not in body
    assert campus.college.name in body


def test_derive_page_and_lineage_on_the_event_page(campus, as_user):
    client = as_user(campus.users.xa)
    response = client.post(
        reverse("colleges:course_derive", args=[campus.college.pk]),
        {"event": campus.harbin_event.pk, "title": "第二门课", "hours_per_unit": "6"},
    )
    assert response.status_code == 302
    body = (
        as_user(campus.users.alice).get(reverse("competitions:event", args=[campus.harbin_event.pk])).content.decode()
    )
    assert "第二门课" in body and "数控车工赛项标准课程" in body


def test_my_training_shows_only_ones_own(campus, as_user):
    """The worker's own page lists their own classes only; others see an empty page, not Harbin's."""
    _finished_class(campus)
    for who in ("bob", "charlie", "judge", "xa"):
        body = as_user(getattr(campus.users, who)).get(reverse("colleges:mine")).content.decode()
        assert "学员00" not in body and campus.cohort.name not in body, who
        assert CompletionCertificate.objects.first().code not in body


def test_college_list_counts_classes_and_teachers_without_joining_them(campus, as_user):
    """Each college's class and teacher counts are right, and no query joins classes to teachers:
    counting DISTINCT over that join multiplies classes by teachers (14,086 rows for 4 colleges at
    province scale); the counts are per-row subqueries the pager's COUNT leaves out."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.colleges.conftest import cohort_data

    alice = campus.users.alice
    scope = Scope(alice)
    for name in ("讲师甲", "讲师乙"):
        services.save_teacher(
            actor=alice, scope=scope, college=campus.college, fields={"name": name, "kind": "university"}
        )
    services.create_cohort(actor=alice, scope=scope, course=campus.course, data=cohort_data(name="数控车工第二期"))
    client = as_user(alice)
    with CaptureQueriesContext(connection) as seen:
        response = client.get(reverse("colleges:list"))
    assert response.status_code == 200
    counts = {c.name: (c.cohort_count, c.teacher_count) for c in response.context["page"]}
    assert counts == {"哈尔滨数字工匠学院": (2, 2), "哈尔滨装备工匠学院": (1, 0)}
    listed = [q["sql"] for q in seen.captured_queries if 'FROM "colleges_college"' in q["sql"]]
    assert listed and not any('JOIN "colleges_cohort"' in sql or 'JOIN "colleges_teacher"' in sql for sql in listed)
    # one more class and teacher: the same queries
    services.create_cohort(actor=alice, scope=scope, course=campus.other_course, data=cohort_data(name="焊工第二期"))
    services.save_teacher(
        actor=alice, scope=scope, college=campus.other_college, fields={"name": "讲师丙", "kind": "university"}
    )
    with CaptureQueriesContext(connection) as again:
        response = client.get(reverse("colleges:list"))
    assert len(again.captured_queries) == len(seen.captured_queries)
    assert {c.name: (c.cohort_count, c.teacher_count) for c in response.context["page"]} == {
        "哈尔滨数字工匠学院": (2, 2),
        "哈尔滨装备工匠学院": (2, 1),
    }


def test_class_list_places_and_query_count_do_not_grow_with_rows(campus, as_user):
    """Places taken and the waiting list are right per class, and three more classes with trainees
    cost no more queries than one (a grouped count for the page, no query per row)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.colleges.conftest import cohort_data

    alice, staff = campus.users.alice, campus.users.staff
    scope = Scope(alice)
    services.enrol_many(actor=staff, scope=Scope(staff), cohort=campus.cohort, workers=make_workers(campus, 3))
    client = as_user(alice)
    with CaptureQueriesContext(connection) as seen:
        response = client.get(reverse("colleges:cohort_list"))
    assert response.status_code == 200
    places = {k.name: (k.enrolled, k.waiting) for k in response.context["page"]}
    assert places == {"数控车工第一期": (2, 1), "焊工第一期": (0, 0)}
    for n in range(3):
        more = services.create_cohort(
            actor=alice, scope=scope, course=campus.course, data=cohort_data(name=f"数控车工第{n + 2}期")
        )
        services.enrol_many(
            actor=staff, scope=Scope(staff), cohort=more, workers=make_workers(campus, 1, start=200 + n, name=f"新{n}")
        )
    with CaptureQueriesContext(connection) as again:
        response = client.get(reverse("colleges:cohort_list"))
    assert len(again.captured_queries) == len(seen.captured_queries)
    assert {k.name: k.enrolled for k in response.context["page"]}["数控车工第4期"] == 1


def test_class_list_cells_are_the_classes(campus, as_user):
    """The view makes each row's cells (core.cells): the class's link and name, college, dates, place,
    places taken of capacity with the waiting list, state, as the template made them from the class."""
    alice, staff = campus.users.alice, campus.users.staff
    services.enrol_many(actor=staff, scope=Scope(staff), cohort=campus.cohort, workers=make_workers(campus, 3))
    response = as_user(alice).get(reverse("colleges:cohort_list"))
    body = response.content.decode()
    rows = response.context["rows"]
    assert [row["name"] for row in rows] == [k.name for k in response.context["page"]]
    for cohort in (campus.cohort, campus.other_cohort):
        cohort.refresh_from_db()
        row = next(row for row in rows if row["name"] == cohort.name)
        assert row["url"] == cohort.get_absolute_url()
        assert row["college"] == cohort.college.name
        assert (row["starts_on"], row["ends_on"]) == (f"{cohort.starts_on:%Y-%m-%d}", f"{cohort.ends_on:%Y-%m-%d}")
        assert row["state"] == cohort.get_state_display()
        assert f'<a href="{cohort.get_absolute_url()}">{cohort.name}</a></td><td>{cohort.college.name}</td>' in body
        assert f"{row['starts_on']} – {row['ends_on']}</td><td>{cohort.place}</td>" in body
    assert '<td>2/2 <span class="text-muted small">(+1)</span></td>' in body
