"""On PostgreSQL, 40 workers enrolling at once into 20 places never overfill the class."""

from decimal import Decimal

import pytest
from django.db import connection

from gongjiang.colleges import services
from gongjiang.colleges.enums import EnrolmentStatus
from gongjiang.orgs.scope import Scope
from tests.colleges.conftest import cohort_data, make_workers
from tests.conftest import race

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises every write, so it cannot show a race; set DATABASE_URL to a PostgreSQL database",
)


@pytest.mark.django_db(transaction=True)
def test_forty_concurrent_enrolments_into_twenty_places(campus):
    staff = campus.users.staff
    alice = campus.users.alice
    cohort = services.create_cohort(
        actor=alice,
        scope=Scope(alice),
        course=campus.course,
        data=cohort_data(name="并发测试班", capacity=20, required_hours=Decimal(8)),
    )
    workers = make_workers(campus, 40, start=200)
    outcomes = race(
        len(workers), lambda i: services.enrol(actor=staff, scope=Scope(staff), cohort=cohort, worker=workers[i])
    )
    errors = [o for o in outcomes if isinstance(o, BaseException)]
    assert not errors, errors
    statuses = list(cohort.enrolments.values_list("status", flat=True))
    assert len(statuses) == 40
    assert statuses.count(EnrolmentStatus.ENROLLED) == 20
    assert statuses.count(EnrolmentStatus.WAITING) == 20
    # and the waiting list is in the order the places were refused: every waiting entry came after every place
    enrolled = cohort.enrolments.filter(status=EnrolmentStatus.ENROLLED)
    waiting = services.waiting_list(cohort)
    assert max(e.queued_at for e in enrolled) <= min(e.queued_at for e in waiting)


@pytest.mark.django_db(transaction=True)
def test_concurrent_withdrawals_promote_each_waiting_worker_once(campus):
    staff = campus.users.staff
    workers = make_workers(campus, 8, start=300)
    made = services.enrol_many(
        actor=staff, scope=Scope(staff), cohort=campus.cohort, workers=workers
    )  # capacity 2: 2 enrolled, 6 waiting
    leaving = made[:2]
    outcomes = race(
        len(leaving),
        lambda i: services.withdraw(actor=staff, scope=Scope(staff), enrolment=leaving[i], reason="并发"),
    )
    errors = [o for o in outcomes if isinstance(o, BaseException)]
    assert not errors, errors
    enrolled = sorted(campus.cohort.enrolments.filter(status="enrolled").values_list("pk", flat=True))
    assert enrolled == [made[2].pk, made[3].pk]
