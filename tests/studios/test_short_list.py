"""The studio form's employer and the alliance form's lead union list a short list (issue 17), accept
any row in the user's reach and none outside it."""

import pytest

from gongjiang.core import forms as core_forms
from gongjiang.studios.models import Alliance, Studio
from tests.reach import add_employers, options, page_cost

EMPLOYER_NOT_IN_REACH = "请选择本工会管辖范围内的用人单位；可在表单上方按名称查找。"
UNION_NOT_IN_REACH = "请选择本工会管辖范围内的工会；可在表单上方按名称查找。"


def test_studio_form_refuses_an_employer_outside_the_reach_and_writes_nothing(org, as_user):
    client = as_user(org.users.alice)
    before = Studio.objects.count()
    data = {
        "name": "新工作室",
        "level": "enterprise",
        "employer": org.qiqihar_employer.pk,
        "lead": "",
        "field": "焊接",
        "founded_on": "2020-01-01",
    }
    response = client.post("/studios/new/", data)
    assert response.status_code == 200
    assert response.context["form"].errors["employer"] == [EMPLOYER_NOT_IN_REACH]
    assert str(org.qiqihar_employer.pk) not in options(response.text, "employer")
    assert Studio.objects.count() == before


def test_alliance_form_refuses_a_lead_union_outside_the_reach_and_writes_nothing(org, as_user):
    client = as_user(org.users.alice)
    before = Alliance.objects.count()
    data = {
        "name": "新联盟",
        "level": "city",
        "lead_union": org.qiqihar.pk,
        "founded_on": "2020-01-01",
        "founding_document": "哈工发〔2020〕1号",
        "bar": "60",
        "inactive_months": "12",
        "waiting_months": "12",
    }
    response = client.post("/studios/alliances/new/", data)
    assert response.status_code == 200
    assert response.context["form"].errors["lead_union"] == [UNION_NOT_IN_REACH]
    assert Alliance.objects.count() == before


@pytest.mark.parametrize(
    ("url", "param", "field"),
    [("/studios/new/", "employer_q", "employer"), ("/studios/alliances/new/", "union_q", "lead_union")],
)
def test_find_box_swaps_in_rows_in_reach_and_works_without_script(org, as_user, monkeypatch, url, param, field):
    monkeypatch.setattr(core_forms, "SHORT_LIST", 1)
    client = as_user(org.users.alice)
    mine = org.harbin_employer if field == "employer" else org.harbin_employer.union
    theirs = org.qiqihar_employer if field == "employer" else org.qiqihar_employer.union
    page = client.get(url)
    assert f'name="{param}"' in page.text
    found = client.get(url, {param: mine.name[:5]}, headers={"HX-Request": "true"})
    assert found.text.startswith("<select") and f'id="id_{field}"' in found.text
    assert options(found.text) == [str(mine.pk)]
    # another city's row is never found, not even when sent as the chosen one
    other = client.get(url, {param: theirs.name[:5], field: theirs.pk}, headers={"HX-Request": "true"})
    assert options(other.text) == []
    # without script the box reloads the whole page with the term
    plain = client.get(url, {param: mine.name[:5]})
    assert "<form" in plain.text and options(plain.text, field) == [str(mine.pk)]


@pytest.mark.parametrize("url", ["/studios/new/", "/studios/alliances/new/"])
def test_page_lists_a_bounded_number_of_options_whatever_the_reach(org, as_user, monkeypatch, url):
    client = as_user(org.users.alice)
    add_employers(org.daoli, 5)
    monkeypatch.setattr(core_forms, "SHORT_LIST", 3)
    few = page_cost(client, url)
    add_employers(org.daoli, 395, first=2000)
    assert page_cost(client, url) == few
    monkeypatch.undo()
    listed, _queries = page_cost(client, url)
    assert listed <= few[0] + core_forms.SHORT_LIST
