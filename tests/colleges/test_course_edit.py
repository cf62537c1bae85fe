"""A college corrects its courses: title and description, a unit's hours, a unit removed and the rest renumbered."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from gongjiang.colleges import services
from gongjiang.core.audit import history
from gongjiang.orgs.scope import Scope


def test_course_and_units_are_corrected_by_their_college_only(campus, as_user):
    c, xa, xb = campus, campus.users.xa, campus.users.xb
    units = list(c.course.units.order_by("position"))
    assert [u.position for u in units] == [1, 2, 3]
    client = as_user(xa)
    response = client.post(
        f"/colleges/courses/{c.course.pk}/edit/",
        {"title": "数控车工赛项标准课程（修订）", "description": "按2026年赛项修订"},
    )
    assert response.status_code == 302
    c.course.refresh_from_db()
    assert (c.course.title, c.course.event) == ("数控车工赛项标准课程（修订）", c.harbin_event)  # the lineage stays
    client.post(f"/colleges/units/{units[0].pk}/edit/", {"title": units[0].title, "hours": "6"})
    units[0].refresh_from_db()
    assert units[0].hours == Decimal(6)
    bad = client.post(f"/colleges/units/{units[0].pk}/edit/", {"title": "x", "hours": "0"})
    assert bad.status_code == 200 and bad.context["form"].errors["hours"]
    client.post(f"/colleges/units/{units[1].pk}/delete/")
    assert [(u.position, u.pk) for u in c.course.units.order_by("position")] == [(1, units[0].pk), (2, units[2].pk)]
    assert [e.action for e in history(c.course)][:1] == ["update"]
    # the admin of the other college, and another city, may not
    assert as_user(xb).post(f"/colleges/units/{units[0].pk}/delete/").status_code in {403, 404}
    assert as_user(c.users.bob).get(f"/colleges/courses/{c.course.pk}/edit/").status_code in {403, 404}
    with pytest.raises(PermissionDenied):
        services.update_unit(actor=xb, scope=Scope(xb), unit=units[0], title="x", hours=Decimal(1))
    services.create_course(actor=xa, scope=Scope(xa), college=c.college, title="临时")
    with pytest.raises(services.CollegeError):  # titles stay unique within a college
        services.update_course(
            actor=xa, scope=Scope(xa), course=c.course, title="临时", occupation=None, description=""
        )
