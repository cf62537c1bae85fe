"""The college form's union and partner employers list short lists (issue 17), accept rows in the
user's reach and none outside it."""

import pytest

from gongjiang.colleges.models import College
from gongjiang.core import forms as core_forms
from tests.reach import add_employers, options, page_cost

EMPLOYER_NOT_IN_REACH = "请选择本工会管辖范围内的用人单位；可在表单上方按名称查找。"
UNION_NOT_IN_REACH = "请选择本工会管辖范围内的工会；可在表单上方按名称查找。"


def _data(union: int, employers: list[int]) -> dict:
    return {
        "name": "哈尔滨装备制造工匠学院",
        "industry": "装备制造",
        "union": union,
        "employers": employers,
        "plan_classes": 0,
        "plan_days": 0,
        "plan_places": 0,
    }


@pytest.mark.parametrize("outside", ["union", "employers"])
def test_a_row_outside_the_reach_is_refused_and_nothing_written(org, as_user, outside):
    client = as_user(org.users.alice)
    union = org.qiqihar.pk if outside == "union" else org.harbin.pk
    employers = [org.harbin_employer.pk] + ([org.qiqihar_employer.pk] if outside == "employers" else [])
    response = client.post("/colleges/new/", _data(union, employers))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [outside]
    if outside == "union":
        assert errors["union"] == [UNION_NOT_IN_REACH]
    assert str(org.qiqihar_employer.pk) not in options(response.text, "employers")
    assert not College.objects.exists()


def test_partners_off_the_short_list_are_accepted_and_kept_on_edit(org, as_user, monkeypatch):
    monkeypatch.setattr(core_forms, "SHORT_LIST", 1)
    client = as_user(org.users.alice)
    add_employers(org.daoli, 2)
    assert options(client.get("/colleges/new/").text, "employers") == []  # many: none until found
    partners = [
        org.harbin_employer.pk,
        *org.daoli.children.exclude(employer=org.harbin_employer).values_list("employer__pk", flat=True),
    ]
    response = client.post("/colleges/new/", _data(org.harbin_employer.union_id, partners))
    college = College.objects.get()
    assert response.status_code == 302
    assert college.union_id == org.harbin_employer.union_id
    assert set(college.employers.values_list("pk", flat=True)) == set(partners)
    edit = client.get(f"/colleges/{college.pk}/edit/").text
    assert set(options(edit, "employers")) == {str(pk) for pk in partners}
    assert str(org.harbin_employer.union_id) in options(edit, "union")


@pytest.mark.parametrize(("param", "field"), [("union_q", "union"), ("employer_q", "employers")])
def test_find_boxes_swap_in_rows_in_reach_and_work_without_script(org, as_user, monkeypatch, param, field):
    monkeypatch.setattr(core_forms, "SHORT_LIST", 1)
    client = as_user(org.users.alice)
    assert f'name="{param}"' in client.get("/colleges/new/").text
    mine = org.harbin_employer if field == "employers" else org.harbin_employer.union
    theirs = org.qiqihar_employer if field == "employers" else org.qiqihar_employer.union
    found = client.get("/colleges/new/", {param: mine.name[:5]}, headers={"HX-Request": "true"})
    assert found.text.startswith("<select") and f'id="id_{field}"' in found.text
    assert options(found.text) == [str(mine.pk)]
    other = client.get("/colleges/new/", {param: theirs.name[:5], field: theirs.pk}, headers={"HX-Request": "true"})
    assert options(other.text) == []
    plain = client.get("/colleges/new/", {param: mine.name[:5]})
    assert options(plain.text, field) == [str(mine.pk)]


def test_page_lists_a_bounded_number_of_options_whatever_the_reach(org, as_user, monkeypatch):
    client = as_user(org.users.prov)
    add_employers(org.daoli, 5)
    monkeypatch.setattr(core_forms, "SHORT_LIST", 3)
    few = page_cost(client, "/colleges/new/")
    add_employers(org.daoli, 395, first=2000)
    assert page_cost(client, "/colleges/new/") == few
    monkeypatch.undo()
    listed, _queries = page_cost(client, "/colleges/new/")
    assert listed <= few[0] + 2 * core_forms.SHORT_LIST


def test_a_posted_id_past_any_row_is_refused_not_an_error(org, as_user):
    response = as_user(org.users.alice).post("/colleges/new/", _data(org.harbin.pk, ["9" * 30, org.harbin_employer.pk]))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["employers"]
    assert not College.objects.exists()
