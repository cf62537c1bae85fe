"""The submission form's "from the competition" (issue 17): a short list of what the chosen employer took
part in (every one when few; else the newest, or those found by name); any of them is accepted, any
other competition refused with a message and nothing written. A large employer's history runs to
thousands of competitions at province scale, every one an option before."""

import datetime as dt

import pytest

from gongjiang.competitions.models import Competition
from gongjiang.core import forms as core_forms
from gongjiang.innovations.models import Innovation
from tests.reach import options

COMPETITION_REFUSED = "请选择该单位参加过、且您可以选择的竞赛；可在上方按名称查找。"
HTMX = {"HX-Request": "true"}
BASE = {"title": "集箱焊缝预热工装", "kind": "renovation", "description": "预热均匀"}


def add_competitions(union, n: int, *, first: int = 1000) -> list[Competition]:
    """``n`` competitions organised by ``union`` (an enterprise union: its employer took part), named
    甲竞赛01000…, the later ones newer, written in bulk."""
    return Competition.objects.bulk_create(
        Competition(
            name=f"甲竞赛{i:05d}",
            tier="enterprise",
            kind="skills",
            organiser=union,
            registration_closes_on=dt.date(2020, 1, 1) + dt.timedelta(days=i),
            starts_on=dt.date(2020, 1, 10) + dt.timedelta(days=i),
            ends_on=dt.date(2020, 1, 20) + dt.timedelta(days=i),
            state="final",
            region_code=union.region_id,
        )
        for i in range(first, first + n)
    )


@pytest.fixture
def qiqihar_comp(inno):
    """A competition Qiqihar's employer organised: outside Harbin's reach."""
    return add_competitions(inno.qiqihar_employer.union, 1, first=9000)[0]


def test_the_list_holds_what_the_employer_took_part_in_when_few(inno, as_user, qiqihar_comp):
    client = as_user(inno.users.alice)
    page = client.get("/innovations/new/", {"employer": inno.harbin_employer.pk})
    assert options(page.text, "competition") == [str(inno.labour.pk)]
    assert 'name="competition_q"' in page.text
    # no employer chosen: nothing to list, no find box
    empty = client.get("/innovations/new/")
    assert options(empty.text, "competition") == [] and 'name="competition_q"' not in empty.text


def test_the_list_stays_short_and_finds_any_competition_of_the_employer(inno, as_user, monkeypatch):
    client = as_user(inno.users.alice)
    many = add_competitions(inno.harbin_employer.union, 400)
    monkeypatch.setattr(core_forms, "SHORT_LIST", 3)
    page = client.get("/innovations/new/", {"employer": inno.harbin_employer.pk})
    # many: the newest three (the labour competition of 2026 first)
    assert options(page.text, "competition") == [str(inno.labour.pk), str(many[-1].pk), str(many[-2].pk)]
    assert 'id="competition-more"' in page.text
    monkeypatch.undo()
    # a competition far down the list is found as one types: htmx takes this block from the page
    found = client.get(
        "/innovations/new/", {"employer": inno.harbin_employer.pk, "competition_q": "甲竞赛01000"}, headers=HTMX
    )
    assert options(found.text, "competition") == [str(many[0].pk)]
    assert 'id="competition-pick"' in found.text
    # the one chosen so far stays listed (and selected) whatever the term
    kept = client.get(
        "/innovations/new/",
        {"employer": inno.harbin_employer.pk, "competition_q": "甲竞赛01001", "competition": many[0].pk},
    )
    assert options(kept.text, "competition") == [str(many[0].pk), str(many[1].pk)]
    assert f'value="{many[0].pk}" selected' in kept.text
    # the one found is saved with the innovation
    done = client.post(
        "/innovations/new/",
        BASE | {"employer": inno.harbin_employer.pk, "authors": "王铁军 100", "competition": many[0].pk},
    )
    assert done.status_code == 302
    assert Innovation.objects.get().competition_id == many[0].pk


def test_the_find_box_never_lists_a_competition_outside_the_reach(inno, as_user, qiqihar_comp):
    client = as_user(inno.users.alice)
    for term in ("甲竞赛09000", "竞赛"):
        found = client.get(
            "/innovations/new/",
            {"employer": inno.harbin_employer.pk, "competition_q": term, "competition": qiqihar_comp.pk},
            headers=HTMX,
        )
        assert str(qiqihar_comp.pk) not in options(found.text, "competition")
        assert "甲竞赛09000" not in found.text.replace('value="甲竞赛09000"', "")  # echoed in the box only
    # Qiqihar's employer itself is out of reach: nothing of its history is listed
    other = client.get("/innovations/new/", {"employer": inno.qiqihar_employer.pk})
    assert options(other.text, "competition") == []


def test_a_competition_outside_the_history_or_the_reach_is_refused_and_nothing_written(inno, as_user, qiqihar_comp):
    client = as_user(inno.users.alice)
    # Qiqihar's; one of Harbin's the boiler works never took part in; none at all
    city_only = add_competitions(inno.harbin, 1, first=8000)[0]
    for bad in (qiqihar_comp.pk, city_only.pk, 10**20, "x"):
        response = client.post(
            "/innovations/new/",
            BASE | {"employer": inno.harbin_employer.pk, "authors": "王铁军 100", "competition": bad},
        )
        assert response.status_code == 200
        assert response.context["form"].errors == {"competition": [COMPETITION_REFUSED]}, bad
        assert str(qiqihar_comp.pk) not in options(response.text, "competition")
    # a worker submitting their own: the same
    worker = as_user(inno.worker_user)
    response = worker.post("/innovations/new/", BASE | {"authors": "王铁军 100", "competition": qiqihar_comp.pk})
    assert response.context["form"].errors["competition"] == [COMPETITION_REFUSED]
    assert not Innovation.objects.exists()


def test_a_worker_finds_a_competition_of_their_employer(inno, as_user, monkeypatch):
    many = add_competitions(inno.harbin_employer.union, 5)
    monkeypatch.setattr(core_forms, "SHORT_LIST", 2)
    client = as_user(inno.worker_user)
    page = client.get("/innovations/new/")
    assert len(options(page.text, "competition")) == 2 and 'name="competition_q"' in page.text
    found = client.get("/innovations/new/", {"competition_q": "甲竞赛01002"})
    assert options(found.text, "competition") == [str(many[2].pk)]
