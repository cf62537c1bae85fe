import datetime as dt

import pytest
from django.test import Client

from gongjiang.api.models import ApiToken
from gongjiang.core.fakeids import make_id_number
from gongjiang.people.models import Worker


@pytest.fixture
def api_as(org):
    def make(user) -> Client:
        _token, raw = ApiToken.issue(user=user, name="t")
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return make


def test_lists_are_scoped_and_paginated(org, api_as):
    alice = api_as(org.users.alice)
    body = alice.get("/api/workers").json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert item == {
        "id": org.harbin_worker.pk,
        "name": "王铁军",
        "id_number_masked": org.harbin_worker.id_number_masked,
        "sex": "M",
        "birth_date": "1985-03-12",
        "phone_masked": "139****1234",
        "employer_id": org.harbin_employer.pk,
        "status": "employed",
        "top_grade": 4,
        "occupations": ["车工"],
    }
    assert [u["name"] for u in alice.get("/api/unions").json()["items"]] == [
        "哈尔滨市总工会",
        "哈尔滨市道里区总工会",
        "哈尔滨锅炉厂有限责任公司工会",
    ]
    assert api_as(org.users.prov).get("/api/workers?limit=1").json()["count"] == 2
    assert [e["uscc"] for e in alice.get("/api/employers").json()["items"]] == [org.harbin_employer.uscc]


def test_create_worker_validates_in_the_users_language(org, api_as):
    alice = api_as(org.users.alice)
    bad = {"name": "张三", "id_number": "110105194912310021", "employer_id": org.harbin_employer.pk}
    response = alice.post("/api/workers", bad, content_type="application/json", headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert "The check digit of the ID number is wrong." in response.content.decode()

    good = dict(bad, id_number=make_id_number("230102", dt.date(1992, 2, 2), 5, male=True), occupations=["焊工"])
    response = alice.post("/api/workers", good, content_type="application/json")
    assert response.status_code == 201
    worker = Worker.objects.get(pk=response.json()["id"])
    assert (worker.name, worker.employer_id, list(worker.occupations.values_list("name", flat=True))) == (
        "张三",
        org.harbin_employer.pk,
        ["焊工"],
    )
    again = alice.post("/api/workers", good, content_type="application/json")
    assert again.status_code == 409


def test_grades_through_the_api(org, api_as):
    alice = api_as(org.users.alice)
    url = f"/api/workers/{org.harbin_worker.pk}/grades"
    payload = {"occupation": "车工", "grade": 5, "certificate_no": "API-1", "awarded_on": "2025-05-01"}
    response = alice.post(url, payload, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["grade_label"] == "技师（二级）"
    assert [g["certificate_no"] for g in alice.get(url).json()] == ["HRB-0001", "API-1"]
    unknown = alice.post(
        url, dict(payload, occupation="魔法师", certificate_no="API-2"), content_type="application/json"
    )
    assert unknown.status_code == 422


def test_revoked_tokens_stop_working(org):
    token, raw = ApiToken.issue(user=org.users.alice, name="t")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert client.get("/api/workers").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert client.get("/api/workers").status_code == 401
    # only the hash is stored
    assert not ApiToken.objects.filter(key_hash=raw).exists()


def test_token_pages(org, as_user):
    client = as_user(org.users.alice)
    response = client.post("/account/tokens/", {"name": "脚本"})
    raw = response.context["raw"]
    assert raw.startswith("gj_")
    token = ApiToken.objects.get(user=org.users.alice)
    assert client.get("/account/tokens/").content.decode().count(raw) == 0
    assert as_user(org.users.bob).post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    client.post(f"/account/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_openapi_schema_and_docs(org, as_user):
    assert Client().get("/api/openapi.json").status_code == 302
    schema = as_user(org.users.alice).get("/api/openapi.json").json()
    assert schema["info"]["title"] == "Gongjiang API"
    assert "/api/workers" in schema["paths"]
    assert Client().get("/api/docs").status_code == 302
    page = as_user(org.users.alice).get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui" in page
    assert "cdn" not in page.lower()
