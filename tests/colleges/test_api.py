import datetime as dt
from decimal import Decimal

from django.test import Client

from gongjiang.api.models import ApiToken
from gongjiang.colleges import services
from gongjiang.orgs.scope import Scope
from tests.colleges.conftest import make_workers


def _client(user):
    _token, raw = ApiToken.issue(user=user, name="t")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_enrol_withdraw_and_attendance_through_the_api(campus):
    staff = _client(campus.users.staff)
    workers = make_workers(campus, 3)
    url = f"/api/classes/{campus.cohort.pk}/enrolments"
    made = [staff.post(url, {"worker_id": w.pk}, content_type="application/json").json() for w in workers]
    assert [m["status"] for m in made] == ["enrolled", "enrolled", "waiting"]
    again = staff.post(url, {"worker_id": workers[0].pk}, content_type="application/json")
    assert again.status_code == 409 and "学员00" in again.json()["detail"]
    response = staff.post(
        f"/api/enrolments/{made[0]['id']}/withdraw", {"reason": "调岗"}, content_type="application/json"
    )
    assert response.json() == {"withdrawn_id": made[0]["id"], "promoted_id": made[2]["id"]}
    listed = staff.get(url).json()["items"]
    assert [(e["worker_name"], e["status"]) for e in listed] == [
        ("学员00", "withdrawn"),
        ("学员01", "enrolled"),
        ("学员02", "enrolled"),
    ]
    alice = campus.users.alice
    session = services.add_session(
        actor=alice,
        scope=Scope(alice),
        cohort=campus.cohort,
        day=dt.date(2026, 6, 2),
        starts_at=dt.time(9),
        hours=Decimal(4),
        topic="工艺",
    )
    # the enterprise union may not take attendance; the college admin may
    attendance_url = f"/api/sessions/{session.pk}/attendance"
    assert staff.post(attendance_url, {"present": []}, content_type="application/json").status_code == 404
    xa = _client(campus.users.xa)
    response = xa.post(attendance_url, {"present": [made[1]["id"]]}, content_type="application/json")
    assert response.json() == {"present": 1}
    rows = xa.get(f"/api/classes/{campus.cohort.pk}/attendance").json()
    assert sorted((r["enrolment_id"], r["present"]) for r in rows) == [(made[1]["id"], True), (made[2]["id"], False)]
    # the other college's admin sees nothing of this class
    xb = _client(campus.users.xb)
    assert xb.get(f"/api/classes/{campus.cohort.pk}").status_code == 404
    assert [c["name"] for c in xb.get("/api/classes").json()["items"]] == [campus.other_cohort.name]


def test_completions_through_the_api(campus):
    from tests.colleges.test_views import _finished_class

    _finished_class(campus)
    rows = _client(campus.users.xa).get(f"/api/classes/{campus.cohort.pk}/completions").json()
    assert len(rows) == 2 and all(r["certificate_code"] for r in rows)
    # the enterprise union sees its own workers' completions
    assert len(_client(campus.users.staff).get(f"/api/classes/{campus.cohort.pk}/completions").json()) == 2
