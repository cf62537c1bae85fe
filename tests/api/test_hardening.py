"""The API's edges: bounded pages, NUL bytes, one error body as the schema says, races as 409,
and the schema itself open to a token."""

import datetime as dt
import re

import pytest
from django.db import IntegrityError
from django.test import Client

from gongjiang.api.models import ApiToken
from gongjiang.core.fakeids import make_id_number
from gongjiang.people import services as people_services
from gongjiang.people.models import Worker


@pytest.fixture
def api_as(org):
    def make(user) -> Client:
        _token, raw = ApiToken.issue(user=user, name="t")
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return make


def _list_operations(client: Client) -> list[str]:
    schema = client.get("/api/openapi.json").json()
    paths = []
    for path, methods in schema["paths"].items():
        get = methods.get("get")
        if get and any(p["name"] == "limit" for p in get.get("parameters", [])):
            paths.append(re.sub(r"\{[^}]+\}", "1", path))
    return paths


def test_every_list_bounds_limit_and_offset_with_a_clear_422(org, api_as):
    prov = api_as(org.users.prov)
    paths = _list_operations(prov)
    assert len(paths) >= 17
    for path in paths:
        for query in ("limit=9223372036854775808", "offset=9223372036854775808", "limit=1000000", "limit=0"):
            response = prov.get(f"{path}?{query}", headers={"Accept-Language": "en"})
            assert response.status_code == 422, (path, query, response.status_code)
            body = response.json()
            assert isinstance(body["detail"], str) and body["detail"].startswith("The request was refused")
            assert body["errors"][0]["field"] in {"limit", "offset"}
    assert prov.get("/api/workers?limit=500&offset=10000000").status_code == 200


def test_the_schema_declares_the_bounds_and_the_error_body(org, api_as):
    schema = api_as(org.users.alice).get("/api/openapi.json").json()
    workers = schema["paths"]["/api/workers"]
    params = {p["name"]: p["schema"] for p in workers["get"]["parameters"]}
    assert params["limit"]["maximum"] == 500 and params["offset"]["maximum"] == 10_000_000
    for code in ("400", "401", "403", "422"):
        ref = workers["get"]["responses"][code]["content"]["application/json"]["schema"]["$ref"]
        assert ref == "#/components/schemas/ErrorOut"
    assert "409" in workers["post"]["responses"]
    assert schema["components"]["schemas"]["ErrorOut"]["properties"]["detail"]["type"] == "string"


def test_openapi_json_opens_with_a_token_not_only_a_session(org, api_as):
    assert api_as(org.users.charlie).get("/api/openapi.json").status_code == 200
    assert Client().get("/api/openapi.json").status_code == 302  # a browser is sent to log in
    wrong = Client(headers={"Authorization": "Bearer gj_nope"}).get("/api/openapi.json")
    assert wrong.status_code == 401 and wrong.json()["detail"]


def test_a_422_body_is_one_string_in_the_users_language(org, api_as):
    alice = api_as(org.users.alice)
    response = alice.post("/api/workers", {"name": "张三"}, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert isinstance(body["detail"], str) and "请求被拒绝" in body["detail"]
    assert {e["field"] for e in body["errors"]} >= {"payload.id_number", "payload.employer_id"}


@pytest.mark.parametrize(
    "where",
    ["filter", "body", "escaped-body", "page", "form", "verify"],
)
def test_a_nul_byte_is_refused_at_the_edge_in_the_users_language(org, api_as, where):
    alice_api = api_as(org.users.alice)
    page = Client()
    page.force_login(org.users.alice)
    good = {"name": "张\x00三", "id_number": make_id_number("230102", dt.date(1992, 2, 2), 5, male=True)}
    good["employer_id"] = org.harbin_employer.pk
    before = Worker.objects.count()
    if where == "filter":
        response = alice_api.get("/api/workers?q=%00")
    elif where == "body":
        response = alice_api.post("/api/workers", good, content_type="application/json")
    elif where == "escaped-body":
        response = alice_api.post(
            "/api/workers", '{"name": "\\u0000", "id_number": "1", "employer_id": 1}', content_type="application/json"
        )
    elif where == "page":
        response = page.get("/people/workers/?q=a%00b")
    elif where == "form":
        response = page.post("/account/tokens/", {"name": "a\x00b"})
    else:
        response = Client().get("/verify/?code=%00")
    assert response.status_code == 400
    assert "NUL" in response.content.decode() and "不接受" in response.content.decode()
    assert Worker.objects.count() == before


def test_a_race_the_database_settles_answers_409(org, api_as, monkeypatch):
    """Two requests create the same worker at once: the loser's unique-constraint error is a 409."""

    def lost_the_race(**kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(people_services, "create_worker", lost_the_race)
    good = {
        "name": "张三",
        "id_number": make_id_number("230102", dt.date(1992, 2, 2), 5, male=True),
        "employer_id": org.harbin_employer.pk,
    }
    response = api_as(org.users.alice).post("/api/workers", good, content_type="application/json")
    assert response.status_code == 409
    assert "同一时刻" in response.json()["detail"]


def test_the_schema_declares_enums_and_the_api_holds_to_them(org, api_as):
    alice = api_as(org.users.alice)
    schemas = alice.get("/api/openapi.json").json()["components"]["schemas"]
    assert schemas["WorkerIn"]["properties"]["status"]["enum"] == ["employed", "left", "retired", "student"]
    assert set(schemas["WorkerOut"]["properties"]["sex"]["enum"]) == {"M", "F"}
    assert "registration" in schemas["TransitionIn"]["properties"]["to"]["enum"]
    assert "city" in schemas["UnionOut"]["properties"]["kind"]["enum"]
    body = {
        "name": "张三",
        "id_number": make_id_number("230102", dt.date(1992, 2, 2), 5, male=True),
        "employer_id": org.harbin_employer.pk,
        "status": "sleeping",
    }
    response = alice.post("/api/workers", body, content_type="application/json")
    assert response.status_code == 422 and "employed" in response.json()["detail"]
    assert alice.get("/api/workers?status=sleeping").status_code == 422
    assert alice.get("/api/workers?status=").status_code == 200


def test_percent_zero_zero_as_text_in_json_is_not_a_nul(org, api_as):
    body = {
        "name": "百分%00",
        "id_number": make_id_number("230102", dt.date(1992, 2, 2), 5, male=True),
        "employer_id": org.harbin_employer.pk,
    }
    response = api_as(org.users.alice).post("/api/workers", body, content_type="application/json")
    assert response.status_code == 201 and response.json()["name"] == "百分%00"
