"""A union official records an innovation for any employer in their reach: the employer and then the
authors among its workers are picked from short lists found by name, never outside the subtree (page and
API); a result from a labour competition names the team entered there (labour.Team), otherwise as written."""

from decimal import Decimal

import pytest
from django.test import Client

from gongjiang.api.models import ApiToken
from gongjiang.core import forms as core_forms
from gongjiang.innovations.models import Innovation
from gongjiang.labour import services as labour
from gongjiang.orgs.scope import Scope
from gongjiang.people.models import Worker
from tests.labour.conftest import labour_competition
from tests.studios import factories as sf


def api(user) -> Client:
    _t, raw = ApiToken.issue(user=user, name="t")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def _ids(field) -> list[int]:
    return [o.pk for o in field.field.short_list()]


BASE = {"title": "集箱焊缝预热工装", "kind": "renovation", "description": "预热均匀"}


@pytest.fixture
def teams(inno):
    alice = inno.users.alice
    unit = labour.enter_unit(
        actor=alice, scope=Scope(alice), competition=inno.labour, employer=inno.harbin_employer, section="一标"
    )
    inno.team = labour.add_team(actor=alice, scope=Scope(alice), unit=unit, name="焊接攻关班")
    return inno


def test_an_official_picks_the_employer_then_its_workers(inno, as_user):
    client = as_user(inno.users.alice)
    page = client.get("/innovations/new/")
    form = page.context["form"]
    assert form.pick_authors
    assert _ids(form["employer"]) == [inno.harbin_employer.pk]  # Qiqihar's is out of reach
    assert form.author_rows() and _ids(form.author_rows()[0][0]) == []  # no employer yet: no workers
    assert 'id="pick-employer-first"' in page.content.decode()
    chosen = client.get(f"/innovations/new/?employer={inno.harbin_employer.pk}&title=工装").context["form"]
    assert chosen["title"].value() == "工装"
    author = chosen.author_rows()[0][0]
    theirs = Worker.objects.filter(employer=inno.harbin_employer)
    assert sorted(_ids(author)) == sorted(theirs.values_list("pk", flat=True))
    assert {inno.harbin_worker.pk, inno.mate.pk} <= set(_ids(author))
    assert not Worker.objects.filter(pk__in=_ids(author)).exclude(employer=inno.harbin_employer).exists()
    found = client.get(f"/innovations/new/?employer={inno.harbin_employer.pk}&worker_q=李").context["form"]
    assert _ids(found.author_rows()[0][0]) == list(
        theirs.filter(name__contains="李").order_by("name", "pk").values_list("pk", flat=True)
    )
    assert inno.mate.pk in _ids(found.author_rows()[0][0])
    # a search as you type answers with the page; htmx takes the employer's part from it
    part = client.get(
        f"/innovations/new/?employer={inno.harbin_employer.pk}&worker_q=李", headers={"HX-Request": "true"}
    ).content.decode()
    assert 'id="employer-dependent"' in part and "李强" in part

    done = client.post(
        "/innovations/new/",
        BASE
        | {
            "employer": inno.harbin_employer.pk,
            "author_1": inno.harbin_worker.pk,
            "share_1": "70",
            "author_2": inno.mate.pk,
            "share_2": "30",
        },
    )
    i = Innovation.objects.get()
    assert done.status_code == 302 and done["Location"] == i.get_absolute_url()
    assert [(a.worker.pk, a.share) for a in i.authors.all()] == [
        (inno.harbin_worker.pk, Decimal(70)),
        (inno.mate.pk, Decimal(30)),
    ]
    assert (i.employer, i.submitted_by) == (inno.harbin_employer, inno.users.alice)


def test_an_official_cannot_pick_outside_the_subtree(inno, as_user):
    client = as_user(inno.users.alice)
    # an employer of another city: not listed, not found by name, refused when posted
    assert _ids(client.get("/innovations/new/?employer_q=齐齐哈尔").context["form"]["employer"]) == []
    form = client.get(f"/innovations/new/?employer={inno.qiqihar_employer.pk}").context["form"]
    assert inno.qiqihar_employer.pk not in _ids(form["employer"])
    assert _ids(form.author_rows()[0][0]) == []
    posted = client.post(
        "/innovations/new/",
        BASE | {"employer": inno.qiqihar_employer.pk, "author_1": inno.qiqihar_worker.pk, "share_1": "100"},
    )
    assert posted.status_code == 200 and "employer" in posted.context["form"].errors
    # the official's employer with another city's worker as author
    posted = client.post(
        "/innovations/new/",
        BASE | {"employer": inno.harbin_employer.pk, "author_1": inno.qiqihar_worker.pk, "share_1": "100"},
    )
    assert posted.status_code == 200 and "author_1" in posted.context["form"].errors
    assert "齐齐哈尔" not in posted.content.decode().split('id="employer-dependent"')[1].split("</fieldset>")[0]
    # a worker of another employer in reach is not an author of this one either
    other = sf.worker(inno.users.alice, inno.harbin_employer, "赵六")
    type(other).objects.filter(pk=other.pk).update(employer=inno.qiqihar_employer)
    posted = client.post(
        "/innovations/new/", BASE | {"employer": inno.harbin_employer.pk, "author_1": other.pk, "share_1": "100"}
    )
    assert "author_1" in posted.context["form"].errors
    assert not Innovation.objects.exists()


def test_the_province_finds_among_many_employers_by_name(inno, as_user, monkeypatch):
    monkeypatch.setattr(core_forms, "SHORT_LIST", 1)  # as if the province reached more than the list holds
    client = as_user(inno.users.prov)
    assert _ids(client.get("/innovations/new/").context["form"]["employer"]) == []
    page = client.get("/innovations/new/?employer_q=机床")
    assert _ids(page.context["form"]["employer"]) == [inno.qiqihar_employer.pk]
    # any employer in reach is accepted, listed or not
    done = client.post(
        "/innovations/new/",
        BASE | {"employer": inno.qiqihar_employer.pk, "author_1": inno.qiqihar_worker.pk, "share_1": "100"},
    )
    assert done.status_code == 302
    assert Innovation.objects.get().employer == inno.qiqihar_employer


def test_a_worker_still_types_the_authors(inno, as_user):
    page = as_user(inno.worker_user).get("/innovations/new/")
    form = page.context["form"]
    assert not form.pick_authors and form.author_rows() == []
    assert form["authors"].value() == "王铁军 100"
    assert 'name="employer_q"' not in page.content.decode()


def test_the_api_records_within_reach_only(inno):
    alice = api(inno.users.alice)
    body = BASE | {
        "employer_id": inno.harbin_employer.pk,
        "authors": [{"worker_id": inno.harbin_worker.pk, "share": 100}],
    }
    out = alice.post(
        "/api/innovations", body | {"employer_id": inno.qiqihar_employer.pk}, content_type="application/json"
    )
    assert out.status_code == 404
    outsider = body | {"authors": [{"worker_id": inno.qiqihar_worker.pk, "share": 100}]}
    refused = alice.post("/api/innovations", outsider, content_type="application/json")
    assert refused.status_code == 422
    assert str(inno.qiqihar_worker.pk) in refused.json()["detail"]
    assert api(inno.users.bob).post("/api/innovations", body, content_type="application/json").status_code == 404
    assert api(inno.users.charlie).post("/api/innovations", body, content_type="application/json").status_code in {
        403,
        404,
    }
    assert not Innovation.objects.exists()
    made = api(inno.users.staff).post("/api/innovations", body, content_type="application/json")
    assert made.status_code == 201
    assert made.json()["authors"] == [{"worker_id": inno.harbin_worker.pk, "name": "王铁军", "share": "100.00"}]
    assert Innovation.objects.get().submitted_by == inno.users.staff


def test_a_labour_competitions_team_is_linked(teams, as_user):
    inno = teams
    client = as_user(inno.users.alice)
    form = client.get(f"/innovations/new/?employer={inno.harbin_employer.pk}").context["form"]
    assert [t.pk for t in form.fields["labour_team"].queryset] == [inno.team.pk]
    row = {
        "employer": inno.harbin_employer.pk,
        "author_1": inno.harbin_worker.pk,
        "share_1": "100",
        "competition": inno.labour.pk,
    }
    # a written team for a labour competition's result where the employer entered teams: one of them, linked
    written = client.post("/innovations/new/", BASE | row | {"team": "焊接班"})
    assert written.status_code == 200 and not Innovation.objects.exists()
    assert "焊接攻关班" in str(written.context["form"].non_field_errors())
    typed = client.post("/innovations/new/", BASE | row | {"team": "焊接攻关班", "title": "按名称关联"})
    assert typed.status_code == 302
    assert Innovation.objects.get(title="按名称关联").labour_team == inno.team
    # the team without its competition is refused
    alone = client.post("/innovations/new/", BASE | row | {"competition": "", "labour_team": inno.team.pk})
    assert "labour_team" in alone.context["form"].errors
    done = client.post("/innovations/new/", BASE | row | {"labour_team": inno.team.pk})
    assert done.status_code == 302
    i = Innovation.objects.get(title=BASE["title"])
    assert (i.labour_team, i.team, i.team_name) == (inno.team, "", "焊接攻关班")
    assert "焊接攻关班" in client.get(i.get_absolute_url()).content.decode()
    assert sorted(inno.team.innovations.values_list("title", flat=True)) == sorted([BASE["title"], "按名称关联"])
    # free text elsewhere, as before
    client.post("/innovations/new/", BASE | row | {"competition": "", "team": "夜班", "title": "另一项"})
    assert Innovation.objects.get(title="另一项").team_name == "夜班"


def test_the_api_links_teams_within_reach(teams):
    inno = teams
    bob = inno.users.bob
    theirs = labour_competition(bob, inno.qiqihar, "齐齐哈尔重型装备劳动竞赛", "city")
    unit = labour.enter_unit(actor=bob, scope=Scope(bob), competition=theirs, employer=inno.qiqihar_employer)
    q_team = labour.add_team(actor=bob, scope=Scope(bob), unit=unit, name="齐齐哈尔装配班")
    body = BASE | {
        "employer_id": inno.harbin_employer.pk,
        "authors": [{"worker_id": inno.harbin_worker.pk, "share": 100}],
        "competition_id": inno.labour.pk,
    }
    alice = api(inno.users.alice)
    for other in (q_team.pk, 999999):  # another city's team, and none: the same answer
        out = alice.post("/api/innovations", body | {"labour_team_id": other}, content_type="application/json")
        assert out.status_code == 422
        assert "齐齐哈尔" not in out.content.decode()
    assert not Innovation.objects.exists()
    made = alice.post("/api/innovations", body | {"labour_team_id": inno.team.pk}, content_type="application/json")
    assert made.status_code == 201
    assert made.json()["labour_team_id"] == inno.team.pk


def test_the_form_costs_the_same_for_few_and_many_workers(inno, as_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(inno.users.alice)
    url = f"/innovations/new/?employer={inno.harbin_employer.pk}"

    def count() -> int:
        client.get(url)  # warm the session and caches
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(url)
        assert page.status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for n in range(4):
        sf.worker(inno.users.alice, inno.harbin_employer, f"新职工{n}")
    assert count() == few
