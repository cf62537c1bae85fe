"""Races that nothing doubles answer 409, not 500: real parallel requests on PostgreSQL, and on both
databases a write that loses to the database's unique constraint, in the API and in pages."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection
from django.test import Client
from django.utils import timezone

from gongjiang.api.models import ApiToken
from gongjiang.awards import services as award_services
from gongjiang.awards.models import Allocation, Nomination
from gongjiang.core.fakeids import make_id_number
from gongjiang.orgs.scope import Scope
from gongjiang.people.models import Worker
from gongjiang.policy.models import Rule
from tests.conftest import login, race, reload_reference_data

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises every writer: no race to lose"
)


@pytest.fixture
def reference(transactional_db):
    reload_reference_data()


def _cycle(org):
    prov = org.users.prov
    rule = Rule.objects.get(code="honour-master-craftsman")
    cycle = award_services.open_cycle(actor=prov, scope=Scope(prov), rule=rule, year=timezone.localdate().year)
    for union in (org.harbin, org.machinery):
        Allocation.objects.create(cycle=cycle, union=union, quota=5)
    return cycle


def _page(user) -> Client:
    return login(user)  # with the second factor administrators need


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_creates_of_one_worker_give_one_201_and_nineteen_409(reference, org):
    _token, raw = ApiToken.issue(user=org.users.alice, name="t")
    body = {
        "name": "张三",
        "id_number": make_id_number("230102", dt.date(1992, 2, 2), 5, male=True),
        "employer_id": org.harbin_employer.pk,
    }

    def create(_i: int) -> int:
        client = Client(headers={"Authorization": f"Bearer {raw}"})
        return client.post("/api/workers", body, content_type="application/json").status_code

    codes = race(20, create)
    assert sorted(codes) == [201] + [409] * 19, codes
    assert Worker.objects.filter(name="张三").count() == 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_city_and_an_industrial_union_nominating_one_worker_at_once_give_one_nomination_and_a_409(
    reference, org, policy
):
    cycle = _cycle(org)
    allocations = {a.union_id: a.pk for a in cycle.allocations.all()}
    users = [(org.users.alice, allocations[org.harbin.pk]), (org.users.industry, allocations[org.machinery.pk])]

    def nominate(i: int) -> int:
        user, allocation = users[i]
        data = {"allocation": allocation, "worker": org.harbin_worker.pk, "statement": "事迹突出"}
        return _page(user).post(f"/awards/honours/{cycle.pk}/nominate/", data).status_code

    codes = []
    for _round in range(3):  # the race is lost on the insert only when both pass the check together
        Nomination.objects.filter(cycle=cycle).delete()
        codes = race(2, nominate)
        assert 500 not in codes and Nomination.objects.filter(cycle=cycle).count() == 1, codes
        assert set(codes) <= {200, 302, 409}


def test_a_page_write_that_loses_to_a_unique_constraint_answers_409(org, policy, monkeypatch):
    cycle = _cycle(org)
    allocation = cycle.allocations.get(union=org.harbin)

    def lost(**kwargs):
        raise IntegrityError('duplicate key value violates unique constraint "nomination_once_per_cycle"')

    monkeypatch.setattr(award_services, "nominate", lost)
    data = {"allocation": allocation.pk, "worker": org.harbin_worker.pk, "statement": "事迹突出"}
    response = _page(org.users.alice).post(f"/awards/honours/{cycle.pk}/nominate/", data)
    assert response.status_code == 409
    assert "另一个请求在同一时刻修改了同一条记录" in response.content.decode()
