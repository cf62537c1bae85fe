"""The employer list counts workers for the employers on the page only."""

import datetime as dt

from gongjiang.core.fakeids import make_id_number
from gongjiang.orgs.scope import Scope
from gongjiang.people import services as people_services


def test_each_employer_shows_its_own_worker_count(org, as_user):
    prov = org.users.prov
    for n in range(2):
        people_services.create_worker(
            actor=prov,
            scope=Scope(prov),
            data=people_services.WorkerData(
                name=f"计数{n}",
                id_number=make_id_number("230102", dt.date(1992, 4, 1 + n), n, male=True),
                employer=org.harbin_employer,
            ),
        )
    page = as_user(prov).get("/orgs/employers/").context["page"]
    assert {e.name: e.worker_count for e in page} == {"哈尔滨锅炉厂有限责任公司": 3, "齐齐哈尔第二机床有限公司": 1}
