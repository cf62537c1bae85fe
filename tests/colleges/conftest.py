"""A Harbin college with a course derived from the Harbin lathe event, and a small class."""

import datetime as dt
from decimal import Decimal

import pytest

from gongjiang.colleges import services
from gongjiang.competitions import marking
from gongjiang.core.fakeids import make_id_number
from gongjiang.orgs.enums import RoleKind
from gongjiang.orgs.scope import Scope
from gongjiang.people import services as people_services
from tests.conftest import make_user


def make_workers(org, count, *, employer=None, start=100, name="学员"):
    """``count`` workers of the Harbin employer (or ``employer``), created by the province admin."""
    employer = employer or org.harbin_employer
    prov = org.users.prov
    region = employer.region_id
    return [
        people_services.create_worker(
            actor=prov,
            scope=Scope(prov),
            data=people_services.WorkerData(
                name=f"{name}{n:02d}",
                id_number=make_id_number(region, dt.date(1990, 1, 1) + dt.timedelta(days=n), start + n, male=True),
                employer=employer,
            ),
        )
        for n in range(count)
    ]


def cohort_data(**overrides):
    data = {
        "name": "数控车工第一期",
        "starts_on": dt.date(2026, 6, 1),
        "ends_on": dt.date(2026, 6, 5),
        "place": "哈尔滨职业技术学院实训楼",
        "capacity": 2,
        "required_hours": Decimal(6),
        "pass_mark": Decimal(60),
        "teachers": (),
    }
    data.update(overrides)
    return services.CohortData(**data)


@pytest.fixture
def campus(contest):
    """Harbin runs 哈尔滨数字工匠学院 and 哈尔滨装备工匠学院; xa runs the first only, xb the second."""
    o = contest
    alice = o.users.alice
    scope = Scope(alice)
    for code, name in (("A", "工艺"), ("B", "尺寸精度"), ("C", "安全文明生产")):
        marking.add_criterion(actor=alice, scope=scope, event=o.harbin_event, code=code, name=name)

    def college(name):
        return services.save_college(
            actor=alice,
            scope=scope,
            fields={"name": name, "industry": "装备制造", "union": o.harbin, "plan_classes": 9, "plan_places": 1000},
        )

    o.college = college("哈尔滨数字工匠学院")
    o.other_college = college("哈尔滨装备工匠学院")
    o.users.xa = make_user("xa", o.harbin, RoleKind.COLLEGE_ADMIN)
    o.users.xb = make_user("xb", o.harbin, RoleKind.COLLEGE_ADMIN)
    services.add_staff(actor=alice, scope=scope, college=o.college, user=o.users.xa)
    services.add_staff(actor=alice, scope=scope, college=o.other_college, user=o.users.xb)
    o.course = services.derive_course(
        actor=alice,
        scope=scope,
        college=o.college,
        event=o.harbin_event,
        title="数控车工赛项标准课程",
        hours_per_unit=Decimal(4),
    )
    o.cohort = services.create_cohort(actor=alice, scope=scope, course=o.course, data=cohort_data())
    o.other_course = services.create_course(actor=alice, scope=scope, college=o.other_college, title="焊接工艺")
    o.other_cohort = services.create_cohort(
        actor=alice, scope=scope, course=o.other_course, data=cohort_data(name="焊工第一期")
    )
    return o
