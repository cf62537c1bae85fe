"""The studio form's employer and the alliance form's lead union list a short list (issue 17), accept
any row in the user's reach and none outside it."""

import datetime as dt

import pytest

from gongjiang.core import forms as core_forms
from gongjiang.studios.models import Alliance, Membership, Studio
from tests.reach import add_employers, add_studios, options, page_cost

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


# The alliance form's first member studios and the alliance page's "add member": every named studio in
# reach (a province official: 4,000) accepted, a short list found by the studio's or its employer's name.

STUDIO_NOT_IN_REACH = "请选择本工会管辖范围内已命名的工作室；可在表单上方按名称查找。"
ALLIANCE = {
    "name": "新联盟",
    "level": "city",
    "founded_on": "2020-01-01",
    "founding_document": "哈工发〔2020〕1号",
    "bar": "60",
    "inactive_months": "12",
    "waiting_months": "12",
}


@pytest.fixture
def studios(org):
    """A named studio in each city, and a named alliance led by Harbin."""
    from gongjiang.orgs.scope import Scope
    from gongjiang.studios import services

    from . import factories as f

    org.harbin_studio = f.studio(org.users.alice, org.harbin_employer, "锅炉焊接创新工作室", "锅炉焊接")
    org.qiqihar_studio = f.studio(org.users.prov, org.qiqihar_employer, "齐市焊接创新工作室", "焊接")
    org.alliance = services.create_alliance(
        actor=org.users.alice,
        scope=Scope(org.users.alice),
        data=services.AllianceData(
            name="哈尔滨焊接联盟",
            level="city",
            lead_union=org.harbin,
            founded_on=dt.date(2025, 4, 1),
            founding_document="哈工发〔2025〕3号",
        ),
    )
    return org


def test_alliance_form_lists_a_bounded_number_of_studios_whatever_the_reach(studios, as_user, monkeypatch):
    client = as_user(studios.users.alice)
    add_studios(studios.harbin_employer, studios.harbin_worker, 2)
    add_studios(studios.harbin_employer, studios.harbin_worker, 5, first=3000, state="applied")
    monkeypatch.setattr(core_forms, "SHORT_LIST", 3)
    few = options(client.get("/studios/alliances/new/").text, "studios")
    assert len(few) == 3  # Harbin's three named studios (not those applied for): few enough to list whole
    add_studios(studios.harbin_employer, studios.harbin_worker, 400, first=2000)
    many = client.get("/studios/alliances/new/")
    assert options(many.text, "studios") == []  # many: found by name
    assert 'name="studio_q"' in many.text
    monkeypatch.undo()
    # at the real bound too: 403 named studios are more than a short list holds
    assert options(client.get("/studios/alliances/new/").text, "studios") == []
    found = client.get("/studios/alliances/new/", {"studio_q": "甲工作室0"})
    assert len(options(found.text, "studios")) == core_forms.SHORT_LIST


def test_alliance_form_finds_studios_by_name_or_employer_and_keeps_those_chosen(studios, as_user, monkeypatch):
    monkeypatch.setattr(core_forms, "SHORT_LIST", 1)
    added = add_studios(studios.harbin_employer, studios.harbin_worker, 3)
    client = as_user(studios.users.alice)
    url, htmx = "/studios/alliances/new/", {"HX-Request": "true"}
    found = client.get(url, {"studio_q": "锅炉焊接"}, headers=htmx)
    assert found.text.startswith("<select") and 'id="id_studios"' in found.text
    assert options(found.text) == [str(studios.harbin_studio.pk)]
    # the employer's name finds its studios; those chosen so far stay listed (and selected)
    kept = client.get(url, {"studio_q": "甲工作室01001", "studios": [studios.harbin_studio.pk]}, headers=htmx)
    assert set(options(kept.text)) == {str(studios.harbin_studio.pk), str(added[1].pk)}
    assert f'value="{studios.harbin_studio.pk}" selected' in kept.text
    # Qiqihar's studio is never found, not even by its own name or sent as chosen
    other = client.get(url, {"studio_q": "齐市", "studios": [studios.qiqihar_studio.pk]}, headers=htmx)
    assert options(other.text) == []
    # without script the Find button reloads the page with the term
    plain = client.get(url, {"studio_q": "甲工作室01002"})
    assert options(plain.text, "studios") == [str(added[2].pk)]
    # a studio found by name (not in the short list) is saved as a first member
    response = client.post(url, {**ALLIANCE, "lead_union": studios.harbin.pk, "studios": [added[2].pk]})
    assert response.status_code == 302
    assert list(Alliance.objects.get(name="新联盟").memberships.values_list("studio_id", flat=True)) == [added[2].pk]


def test_alliance_form_refuses_a_studio_outside_the_reach_and_writes_nothing(studios, as_user):
    client = as_user(studios.users.alice)
    before = (Alliance.objects.count(), Membership.objects.count())
    for bad in (studios.qiqihar_studio.pk, 10**20):
        data = {**ALLIANCE, "lead_union": studios.harbin.pk, "studios": [studios.harbin_studio.pk, bad]}
        response = client.post("/studios/alliances/new/", data)
        assert response.status_code == 200
        assert response.context["form"].errors["studios"] == [STUDIO_NOT_IN_REACH]
        assert str(studios.qiqihar_studio.pk) not in options(response.text, "studios")
    assert (Alliance.objects.count(), Membership.objects.count()) == before


def test_alliance_page_lists_a_bounded_number_of_studios_to_add_and_finds_them(studios, as_user, monkeypatch):
    client = as_user(studios.users.alice)
    url = f"/studios/alliances/{studios.alliance.pk}/"
    monkeypatch.setattr(core_forms, "SHORT_LIST", 3)
    assert options(client.get(url).text, "studio") == [str(studios.harbin_studio.pk)]
    added = add_studios(studios.harbin_employer, studios.harbin_worker, 400)
    page = client.get(url)
    assert options(page.text, "studio") == [] and 'name="studio_q"' in page.text
    found = client.get(url, {"studio_q": "甲工作室01399"}, headers={"HX-Request": "true"})
    assert found.text.startswith("<select") and options(found.text) == [str(added[-1].pk)]
    assert options(client.get(url, {"studio_q": "齐市"}).text, "studio") == []
    # the studio found is added
    client.post(f"{url}members/", {"studio": added[-1].pk})
    assert studios.alliance.memberships.filter(studio=added[-1]).exists()


def test_alliance_page_refuses_to_add_a_studio_outside_the_reach_and_writes_nothing(studios, as_user):
    client = as_user(studios.users.alice)
    before = Membership.objects.count()
    url = f"/studios/alliances/{studios.alliance.pk}/"
    for bad in (studios.qiqihar_studio.pk, 10**20, "x"):
        response = client.post(f"{url}members/", {"studio": bad}, follow=True)
        assert [str(m) for m in response.context["messages"]] == [STUDIO_NOT_IN_REACH]
    assert Membership.objects.count() == before
