"""A worker's whole record: every app's section on one page, within the official's scope, at a
number of queries that does not grow with the rows."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongjiang.orgs.scope import Scope
from gongjiang.people import services as people_services
from tests.test_leaks import leak_world, leaky  # noqa: F401  (the world with a row of every kind for Harbin)


def _get(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(ctx.captured_queries)


def test_every_section_of_the_harbin_workers_record(leaky, as_user):  # noqa: F811
    client = as_user(leaky.users.alice)
    response, _n = _get(client, f"/people/workers/{leaky.harbin_worker.pk}/record/")
    sections = {s.id: s for s in response.context["sections"]}
    assert list(sections) == [
        "record-grades",
        "record-honours",
        "record-entries",
        "record-certificates",
        "record-decisions",
        "record-payments",
        "record-nominations",
        "record-training",
        "record-studios",
        "record-projects",
        "record-innovations",
    ]
    body = response.content.decode()
    assert "HRB-0001" in body  # the grade certificate
    assert leaky.harbin_certificate.code in body
    assert "哈尔滨市车工技能竞赛 · 数控车工" in body and "金牌" in body
    assert leaky.harbin_cohort.name in body
    assert "哈尔滨锅炉焊接创新工作室" in body and "哈尔滨锅炉制造创新工作室联盟" in body
    # the joint project that took on the problem the worker's studio posted, and the studio's own project
    assert {row[0].text for row in sections["record-projects"].rows} == {leaky.harbin_project.title, "锅炉集箱焊接攻关"}
    assert f'href="/awards/decisions/{leaky.harbin_decision.pk}/"' in body
    assert f'href="/awards/ledger/{leaky.harbin_line.pk}/"' in body
    assert '<details class="mt-4 history-section" id="history-section">' in body  # the change history, collapsed


def test_others_and_roles_without_the_registry_cannot_open_it(leaky, as_user):  # noqa: F811
    url = f"/people/workers/{leaky.harbin_worker.pk}/record/"
    assert as_user(leaky.users.bob).get(url).status_code == 404
    assert as_user(leaky.users.judge).get(url).status_code == 403
    assert as_user(leaky.users.charlie).get(url).status_code == 403


def test_queries_do_not_grow_with_rows(leaky, as_user):  # noqa: F811
    from gongjiang.people.models import Honour

    client = as_user(leaky.users.prov)
    url = f"/people/workers/{leaky.harbin_worker.pk}/record/"
    _response, one = _get(client, url)
    prov = leaky.users.prov
    for n in range(2):
        people_services.add_grade(
            actor=prov,
            scope=Scope(prov),
            worker=leaky.harbin_worker,
            occupation=leaky.welder,
            grade=3 + n,
            source="evaluation",
            certificate_no=f"HRB-10{n}",
            awarded_on=dt.date(2021 + n, 1, 1),
        )
        Honour.objects.create(worker=leaky.harbin_worker, title=f"先进个人{n}", kind="model_worker", level=2, year=2020)
    _response, three = _get(client, url)
    assert one == three


@pytest.mark.parametrize("who", ["prov", "alice", "staff"])
def test_officials_who_see_the_worker_get_the_page(leaky, as_user, who):  # noqa: F811
    response = as_user(getattr(leaky.users, who)).get(f"/people/workers/{leaky.harbin_worker.pk}/record/")
    assert response.status_code == 200
    assert "王铁军" in response.content.decode()
