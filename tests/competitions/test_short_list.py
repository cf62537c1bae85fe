"""The competition form's organiser lists a short list (issue 17), accepts any union in the user's
reach and none outside it; the tiers it offers are read without loading every union in reach."""

import pytest

from gongjiang.competitions.models import Competition
from gongjiang.core import forms as core_forms
from tests.reach import add_employers, options, page_cost

UNION_NOT_IN_REACH = "请选择本工会管辖范围内的工会；可在表单上方按名称查找。"


def _data(organiser: int) -> dict:
    return {
        "name": "道里区焊工比武",
        "tier": "enterprise",
        "kind": "labour",
        "organiser": organiser,
        "registration_closes_on": "2026-11-20",
        "starts_on": "2026-11-30",
        "ends_on": "2026-12-02",
        "notice_working_days": 5,
        "medal_count": 3,
        "merit_percent": 50,
    }


def test_an_organiser_outside_the_reach_is_refused_and_nothing_written(org, as_user):
    client = as_user(org.users.alice)
    response = client.post("/competitions/new/", _data(org.longsha.pk))
    assert response.status_code == 200
    assert response.context["form"].errors == {"organiser": [UNION_NOT_IN_REACH]}
    assert str(org.longsha.pk) not in options(response.text, "organiser")
    assert not Competition.objects.exists()


def test_an_enterprise_union_off_the_short_list_may_organise(org, as_user, monkeypatch):
    monkeypatch.setattr(core_forms, "SHORT_LIST", 1)
    client = as_user(org.users.alice)
    assert str(org.harbin_employer.union_id) not in options(client.get("/competitions/new/").text, "organiser")
    response = client.post("/competitions/new/", _data(org.harbin_employer.union_id))
    competition = Competition.objects.get()
    assert response["Location"] == f"/competitions/{competition.pk}/"
    assert competition.organiser_id == org.harbin_employer.union_id
    # its edit form keeps the organiser listed though it is off the short list
    edit = client.get(f"/competitions/{competition.pk}/edit/")
    assert str(org.harbin_employer.union_id) in options(edit.text, "organiser")


@pytest.mark.parametrize("edit", [False, True])
def test_find_box_swaps_in_unions_in_reach_and_works_without_script(org, as_user, monkeypatch, edit):
    monkeypatch.setattr(core_forms, "SHORT_LIST", 1)
    client = as_user(org.users.alice)
    url = "/competitions/new/"
    if edit:
        client.post(url, _data(org.daoli.pk))
        url = f"/competitions/{Competition.objects.get().pk}/edit/"
    assert 'name="union_q"' in client.get(url).text
    mine = org.harbin_employer.union
    found = client.get(url, {"union_q": mine.name[:5]}, headers={"HX-Request": "true"})
    assert found.text.startswith("<select") and 'id="id_organiser"' in found.text
    assert set(options(found.text)) - {str(org.daoli.pk)} == {str(mine.pk)}
    other = client.get(url, {"union_q": "齐齐哈尔", "organiser": org.qiqihar.pk}, headers={"HX-Request": "true"})
    assert set(options(other.text)) <= {str(org.daoli.pk)}  # the edited competition's own organiser only
    plain = client.get(url, {"union_q": mine.name[:5]})
    assert str(mine.pk) in options(plain.text, "organiser")


def test_page_lists_a_bounded_number_of_options_whatever_the_reach(org, as_user, monkeypatch):
    client = as_user(org.users.prov)
    add_employers(org.daoli, 5)
    monkeypatch.setattr(core_forms, "SHORT_LIST", 3)
    few = page_cost(client, "/competitions/new/")
    add_employers(org.daoli, 395, first=2000)
    assert page_cost(client, "/competitions/new/") == few
    monkeypatch.undo()
    listed, _queries = page_cost(client, "/competitions/new/")
    assert listed <= few[0] + core_forms.SHORT_LIST


def test_the_tiers_offered_are_those_of_the_unions_in_reach(org, as_user):
    from gongjiang.competitions import tiers
    from gongjiang.orgs.models import Union

    every = Union.objects.all()
    by_union = {t for ts in tiers.allowed_by_union(every).values() for t in ts}
    assert tiers.offered_tiers(every) == by_union
    harbin = Union.objects.filter(pk__in=[org.daoli.pk, org.harbin_employer.union_id])
    assert tiers.offered_tiers(harbin) == {"enterprise"}
