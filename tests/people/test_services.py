import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from gongjiang.core.audit import history
from gongjiang.core.fakeids import make_id_number
from gongjiang.orgs.scope import Scope
from gongjiang.people import services
from gongjiang.people.models import Worker
from tests.conftest import HARBIN_ID


def _data(org, **overrides):
    fields = {
        "name": "赵建华",
        "id_number": make_id_number("230102", dt.date(1979, 1, 2), 7, male=True),
        "employer": org.harbin_employer,
        "phone": "",
        "occupations": (org.lathe,),
    }
    fields.update(overrides)
    return services.WorkerData(**fields)


def test_create_worker_derives_sex_birth_and_audits(org):
    alice = org.users.alice
    worker = services.create_worker(actor=alice, scope=Scope(alice), data=_data(org))
    assert (worker.sex, worker.birth_date, worker.union_id, worker.region_code) == (
        "M",
        dt.date(1979, 1, 2),
        org.harbin_employer.union_id,
        "230102",
    )
    (entry,) = history(worker)
    assert entry.actor == alice
    assert entry.changes["name"] == [None, "赵建华"]
    assert entry.changes["occupations"] == [None, ["车工"]]
    assert entry.changes["id_number_masked"] == [None, "230102********" + worker.id_number_masked[-4:]]


def test_duplicate_id_number_is_refused(org):
    alice = org.users.alice
    with pytest.raises(services.PeopleError):
        services.create_worker(actor=alice, scope=Scope(alice), data=_data(org, id_number=HARBIN_ID))


def test_creating_outside_scope_is_refused(org):
    bob = org.users.bob
    with pytest.raises(PermissionDenied):
        services.create_worker(actor=bob, scope=Scope(bob), data=_data(org))
    assert Worker.objects.count() == 2


def test_industrial_union_reaches_its_member_enterprises(org):
    industry = org.users.industry
    worker = services.create_worker(actor=industry, scope=Scope(industry), data=_data(org))
    assert worker.employer == org.harbin_employer
    with pytest.raises(PermissionDenied):
        services.create_worker(actor=industry, scope=Scope(industry), data=_data(org, employer=org.qiqihar_employer))


def test_moving_a_worker_needs_both_unions(org):
    alice, prov = org.users.alice, org.users.prov
    worker = org.harbin_worker
    data = _data(org, id_number=HARBIN_ID, employer=org.qiqihar_employer, name=worker.name)
    with pytest.raises(PermissionDenied):
        services.update_worker(actor=alice, scope=Scope(alice), worker=worker, data=data)
    services.update_worker(actor=prov, scope=Scope(prov), worker=worker, data=data)
    worker.refresh_from_db()
    assert (worker.employer, worker.union_id) == (org.qiqihar_employer, org.qiqihar_employer.union_id)
    change = history(worker).first()
    assert change.changes["employer"] == [org.harbin_employer.name, org.qiqihar_employer.name]
    assert change.union_id == org.qiqihar_employer.union_id


def test_grade_history_appends_and_tracks_the_top_grade(org):
    alice = org.users.alice
    worker = org.harbin_worker
    assert worker.top_grade == 4
    services.add_grade(
        actor=alice,
        scope=Scope(alice),
        worker=worker,
        occupation=org.welder,
        grade=5,
        source="competition",
        certificate_no="HRB-0002",
        awarded_on=dt.date(2024, 9, 1),
    )
    worker.refresh_from_db()
    assert worker.top_grade == 5
    assert list(worker.occupations.values_list("name", flat=True).order_by("name")) == ["焊工", "车工"]
    assert worker.grades.count() == 2
    with pytest.raises(services.PeopleError):
        services.add_grade(
            actor=alice,
            scope=Scope(alice),
            worker=worker,
            occupation=org.welder,
            grade=3,
            source="evaluation",
            certificate_no="HRB-0002",
            awarded_on=dt.date(2024, 9, 1),
        )


def test_honours_are_recorded_once_per_year_inside_scope(org, as_user):
    alice, bob = org.users.alice, org.users.bob
    worker = org.harbin_worker
    kw = {"title": "全国劳动模范", "kind": "model_worker", "level": 4, "year": 2020}
    services.add_honour(actor=alice, scope=Scope(alice), worker=worker, **kw)
    with pytest.raises(services.PeopleError):
        services.add_honour(actor=alice, scope=Scope(alice), worker=worker, **kw)
    with pytest.raises(PermissionDenied):
        services.add_honour(actor=bob, scope=Scope(bob), worker=worker, **(kw | {"year": 2021}))
    assert [str(h) for h in worker.honours.all()] == ["2020 全国劳动模范"]
    page = as_user(alice).get(f"/people/workers/{worker.pk}/").content.decode()
    assert "2020 全国劳动模范" in page
    response = as_user(alice).post(f"/people/workers/{worker.pk}/honours/new/", kw | {"year": 2999, "conferred_by": ""})
    assert response.status_code == 200
    assert "不能" in response.content.decode()
    assert worker.honours.count() == 1
