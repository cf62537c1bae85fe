"""The labour unit form's employer lists a short list (issue 17), accepts any employer the user may
enter and none else."""

from gongjiang.core import forms as core_forms
from gongjiang.labour.models import Unit
from tests.reach import add_employers, options, page_cost

EMPLOYER_NOT_IN_REACH = "请选择本工会管辖范围内的用人单位；可在表单上方按名称查找。"


def test_an_employer_outside_the_reach_is_refused_and_nothing_written(labour, as_user):
    client = as_user(labour.users.alice)
    before = Unit.objects.count()
    url = f"/labour/{labour.harbin_labour.pk}/units/new/"
    response = client.post(url, {"employer": labour.qiqihar_employer.pk, "section": "二标"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"employer": [EMPLOYER_NOT_IN_REACH]}
    assert str(labour.qiqihar_employer.pk) not in options(response.text, "employer")
    assert Unit.objects.count() == before


def test_an_employer_off_the_short_list_is_entered(labour, as_user, monkeypatch):
    monkeypatch.setattr(core_forms, "SHORT_LIST", 1)
    add_employers(labour.daoli, 2)
    client = as_user(labour.users.alice)
    url = f"/labour/{labour.harbin_labour.pk}/units/new/"
    assert options(client.get(url).text, "employer") == []
    response = client.post(url, {"employer": labour.harbin_employer.pk, "section": "二标"})
    assert response.status_code == 302
    assert (
        Unit.objects.filter(competition=labour.harbin_labour, section="二标").get().employer == labour.harbin_employer
    )


def test_find_box_swaps_in_employers_in_reach_and_works_without_script(labour, as_user, monkeypatch):
    monkeypatch.setattr(core_forms, "SHORT_LIST", 1)
    add_employers(labour.daoli, 2)
    client = as_user(labour.users.alice)
    url = f"/labour/{labour.harbin_labour.pk}/units/new/"
    assert 'name="employer_q"' in client.get(url).text
    found = client.get(url, {"employer_q": "哈尔滨锅炉"}, headers={"HX-Request": "true"})
    assert found.text.startswith("<select") and 'id="id_employer"' in found.text
    assert options(found.text) == [str(labour.harbin_employer.pk)]
    other = client.get(
        url, {"employer_q": "齐齐哈尔", "employer": labour.qiqihar_employer.pk}, headers={"HX-Request": "true"}
    )
    assert options(other.text) == []
    assert options(client.get(url, {"employer_q": "哈尔滨锅炉"}).text, "employer") == [str(labour.harbin_employer.pk)]


def test_page_lists_a_bounded_number_of_options_whatever_the_reach(labour, as_user, monkeypatch):
    client = as_user(labour.users.prov)
    url = f"/labour/{labour.highway.pk}/units/new/"
    add_employers(labour.daoli, 5)
    monkeypatch.setattr(core_forms, "SHORT_LIST", 3)
    few = page_cost(client, url)
    add_employers(labour.daoli, 395, first=2000)
    assert page_cost(client, url) == few
    monkeypatch.undo()
    listed, _queries = page_cost(client, url)
    assert listed <= few[0] + core_forms.SHORT_LIST
