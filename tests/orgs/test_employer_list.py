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


def test_each_row_shows_the_employers_cells(org, as_user):
    """The rows' cells (made by the view, core.cells) are what the template made of each employer: the
    link to its page, its name, code, region, industry (— when it has none) and workers."""
    html = as_user(org.users.prov).get("/orgs/employers/").content.decode()
    for employer, industry, workers in ((org.harbin_employer, "锅炉制造", 1), (org.qiqihar_employer, "机床制造", 1)):
        assert (
            f'<tr><td><a href="/orgs/employers/{employer.pk}/">{employer.name}</a></td>'
            f'<td class="mono">{employer.uscc}</td><td>{employer.region.name}</td><td>{industry}</td>'
            f'<td class="text-end">{workers}</td></tr>'
        ) in html
    org.qiqihar_employer.industry = ""
    org.qiqihar_employer.save(update_fields=["industry"])
    html = as_user(org.users.prov).get("/orgs/employers/").content.decode()
    assert f"<td>{org.qiqihar_employer.region.name}</td><td>—</td>" in html
