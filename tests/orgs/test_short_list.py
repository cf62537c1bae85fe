"""Drop-downs over every union or employer in reach list a short list (issue 17: 50,000 options
took 40 s to render), while any row in reach is still accepted."""

import pytest

from gongjiang.core import forms as core_forms
from gongjiang.orgs.forms import AccountForm
from gongjiang.orgs.scope import Scope


def _listed(form: AccountForm) -> set[str]:
    return {str(value) for value, _label in form.fields["union"].widget.choices if value != ""}


def test_few_unions_are_all_listed(org):
    form = AccountForm(scope=Scope(org.users.prov))
    assert str(org.harbin_employer.union_id) in _listed(form)


def test_many_unions_list_those_above_the_enterprises_or_those_found(org, monkeypatch):
    monkeypatch.setattr(core_forms, "SHORT_LIST", 3)
    prov = Scope(org.users.prov)
    listed = _listed(AccountForm(scope=prov))
    assert str(org.harbin.pk) in listed and str(org.harbin_employer.union_id) not in listed
    found = _listed(AccountForm(scope=prov, find=org.harbin_employer.union.name[:4]))
    assert str(org.harbin_employer.union_id) in found
    # an enterprise union not listed is still accepted, and kept in the list when the form comes back
    data = {
        "username": "newstaff",
        "display_name": "新干事",
        "password": "x" * 4,
        "union": org.harbin_employer.union_id,
    }
    form = AccountForm(data, scope=prov)
    form.is_valid()
    assert "union" not in form.errors
    assert str(org.harbin_employer.union_id) in _listed(form)


@pytest.mark.parametrize("url", ["/orgs/accounts/?union_q=哈尔滨", "/competitions/judges/?employer_q=哈尔滨"])
def test_find_by_name_pages(org, as_user, url):
    response = as_user(org.users.prov).get(url)
    assert response.status_code == 200
    assert 'name="union_q"' in response.text or 'name="employer_q"' in response.text
