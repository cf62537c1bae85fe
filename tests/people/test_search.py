"""Worker search: names exactly, by prefix or (three characters and more) anywhere, or the employer's
name, in two index-friendly look-ups, exact name matches first, never outside the scope."""

import datetime as dt

import pytest
from django.db import connection

from gongjiang.core.fakeids import make_id_number, make_uscc
from gongjiang.orgs import services as org_services
from gongjiang.orgs.models import Employer
from gongjiang.orgs.scope import Scope
from gongjiang.people import services as people_services
from gongjiang.people.models import Worker
from gongjiang.people.queries import employers_named, search_workers, workers_for_user


def _worker(org, name: str, n: int, employer=None) -> Worker:
    prov = org.users.prov
    return people_services.create_worker(
        actor=prov,
        scope=Scope(prov),
        data=people_services.WorkerData(
            name=name,
            id_number=make_id_number("230102", dt.date(1988, 3, 1 + n), n, male=False),
            employer=employer or org.harbin_employer,
        ),
    )


@pytest.fixture
def named(org):
    exact = _worker(org, "张霞", 1)
    _worker(org, "张霞光", 2)  # newer, so it would come first by id
    _worker(org, "欧阳张霞光", 3)
    return org, exact


def _names(org, user, text: str) -> list[str]:
    return list(search_workers(workers_for_user(Scope(user)), text).values_list("name", flat=True))


def test_exact_name_first_then_prefix(named):
    org, _exact = named
    assert _names(org, org.users.prov, "张霞") == ["张霞", "张霞光"]


def test_a_surname_lists_its_workers_newest_first(named):
    org, _ = named
    assert _names(org, org.users.prov, "张") == ["张霞光", "张霞"]
    assert "ORDER BY" in str(search_workers(Worker.objects.all(), "张").query)
    assert "CASE" not in str(search_workers(Worker.objects.all(), "张").query)


def test_a_short_term_matches_names_by_prefix_only(named):
    org, _ = named
    assert _names(org, org.users.prov, "霞光") == []


def test_three_characters_match_anywhere_in_the_name(named):
    org, _ = named
    assert _names(org, org.users.prov, "张霞光") == ["张霞光", "欧阳张霞光"]


def test_the_employer_name_finds_its_workers_within_the_scope(org):
    assert _names(org, org.users.alice, "锅炉厂") == ["王铁军"]
    assert _names(org, org.users.prov, "机床") == ["李秀梅"]
    assert _names(org, org.users.alice, "机床") == []  # Qiqihar's employer: not Alice's


def test_the_list_page_searches_the_same_way(named, as_user):
    org, _ = named
    body = as_user(org.users.alice).get("/people/workers/", {"q": "张霞"}).content.decode()
    assert body.index("张霞</a>") < body.index("张霞光</a>")
    assert "欧阳张霞光" not in body


def test_an_official_s_own_record_outside_the_reach_is_off_the_list_but_not_hidden(org, as_user):
    """Alice (Harbin) is also a Qiqihar worker: the list is her reach only; her record's page opens."""
    org.qiqihar_worker.user = org.users.alice
    org.qiqihar_worker.save(update_fields=["user"])
    scope = Scope(org.users.alice)
    assert list(workers_for_user(scope, own=False).values_list("name", flat=True)) == ["王铁军"]
    assert set(workers_for_user(scope).values_list("name", flat=True)) == {"王铁军", "李秀梅"}
    client = as_user(org.users.alice)
    assert "李秀梅" not in client.get("/people/workers/").content.decode()
    assert client.get(f"/people/workers/{org.qiqihar_worker.pk}/").status_code == 200


def test_the_filters_keep_their_choice(org, as_user):
    body = as_user(org.users.prov).get("/people/workers/", {"occupation": org.lathe.pk, "grade": 4}).content.decode()
    assert f'<option value="{org.lathe.pk}" selected>车工</option>' in body
    assert f'<option value="{org.welder.pk}">焊工</option>' in body
    assert '<option value="4" selected>' in body
    assert "王铁军" in body
    assert "李秀梅" not in body


@pytest.mark.parametrize(
    "text",
    [
        "锅",
        "机",
        "床",
        "厂",
        "锅炉",
        "炉锅",
        "机床",
        "二机",
        "限公",
        "公司",
        "有",
        "%",
        "_",
        "锅%",
        "\\",
        "哈尔滨锅炉",
        "x",
    ],
)
def test_employers_named_are_those_whose_name_holds_the_term(org, text):
    """The characters test (``employer_name_chars``) only speeds the look-up: the same employers as
    the plain ``LIKE``, for one and two characters (in and out of order, repeated, LIKE's own wildcards)
    and longer terms, on SQLite and PostgreSQL alike."""
    org_services.create_employer(
        actor=None,
        name="锅锅炉%_\\厂",
        uscc=make_uscc("230102", 9),
        region=org.harbin_employer.region,
        parent_union=org.daoli,
    )
    expected = {e.pk for e in Employer.objects.all() if text in e.name}
    assert set(employers_named(text).values_list("pk", flat=True)) == expected


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_a_short_employer_term_is_read_through_the_characters_index(org):
    with connection.cursor() as cursor:
        # On a table of a few rows the planner's choice between indexes is a coin toss (CI has seen a full
        # scan of employer_city_name, then of employer_name, win over the GIN index): leave it only bitmap
        # scans, which need an index condition, so the one plan short of a disabled one is the index whose
        # condition the query states. What is checked is that the query asks what the index answers.
        for kind in ("seqscan", "indexscan", "indexonlyscan"):
            cursor.execute(f"SET LOCAL enable_{kind} = off")
        for text in ("锅", "机床"):
            sql, params = employers_named(text).values("pk").query.sql_with_params()
            cursor.execute("EXPLAIN " + sql, params)
            assert "employer_name_chars" in "\n".join(row[0] for row in cursor.fetchall()), text
