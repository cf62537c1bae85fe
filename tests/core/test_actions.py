"""core.actions: the one shape of a form or a button that calls a service."""

import pytest
from django import forms
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory

from gongjiang.awards.services import AwardError
from gongjiang.colleges.services import CollegeError
from gongjiang.competitions.services import CompetitionError
from gongjiang.core.actions import act, submit
from gongjiang.core.errors import DomainError
from gongjiang.imports.base import FileError
from gongjiang.orgs.services import OrgError
from gongjiang.people.services import PeopleError
from gongjiang.policy.services import PolicyError
from gongjiang.studios.services import StudiosError


class NameForm(forms.Form):
    name = forms.CharField()


def _request(method: str, data: dict | None = None):
    rf = RequestFactory()
    request = rf.post("/x/", data or {}) if method == "POST" else rf.get("/x/")
    request._messages = CookieStorage(request)
    return request


def _messages(request) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in request._messages]


def test_get_draws_the_page_and_never_calls():
    calls = []
    request = _request("GET")
    form = NameForm(None)
    assert submit(request, form, lambda: calls.append(1), success="saved", then="/done/") is None
    assert calls == []
    assert _messages(request) == []


def test_invalid_form_draws_the_page_and_never_calls():
    calls = []
    request = _request("POST", {})
    form = NameForm(request.POST)
    assert submit(request, form, lambda: calls.append(1), success="saved", then="/done/") is None
    assert calls == []
    assert "name" in form.errors


def test_domain_error_goes_to_the_form_not_to_messages():
    request = _request("POST", {"name": "x"})
    form = NameForm(request.POST)

    def refuse():
        raise StudiosError("Not allowed.")

    assert submit(request, form, refuse, success="saved", then="/done/") is None
    assert form.non_field_errors() == ["Not allowed."]
    assert _messages(request) == []


def test_domain_error_can_belong_to_a_field():
    request = _request("POST", {"name": "x"})
    form = NameForm(request.POST)

    def refuse():
        raise PeopleError("Taken.")

    assert submit(request, form, refuse, success="saved", field="name") is None
    assert form.errors == {"name": ["Taken."]}


def test_success_redirects_with_the_message():
    request = _request("POST", {"name": "x"})
    form = NameForm(request.POST)
    response = submit(request, form, lambda: form.cleaned_data["name"], success="saved", then="/done/")
    assert response is not None
    assert (response.status_code, response["Location"]) == (302, "/done/")
    assert _messages(request) == [("success", "saved")]


def test_success_may_use_what_the_service_returned():
    request = _request("POST", {"name": "x"})
    form = NameForm(request.POST)
    response = submit(
        request,
        form,
        lambda: "/made/x/",
        success=lambda made: f"made {made}",
    )
    assert response is not None
    assert response["Location"] == "/made/x/"  # by default, to what the service returned
    assert _messages(request) == [("success", "made /made/x/")]


def test_success_without_a_message():
    request = _request("POST", {"name": "x"})
    form = NameForm(request.POST)
    response = submit(request, form, lambda: None, success=None, then=lambda _none: "/jobs/1/")
    assert response is not None
    assert response["Location"] == "/jobs/1/"
    assert _messages(request) == []


def test_other_exceptions_are_not_swallowed():
    request = _request("POST", {"name": "x"})
    form = NameForm(request.POST)

    def crash():
        raise ValueError("bug")

    with pytest.raises(ValueError, match="bug"):
        submit(request, form, crash, success="saved", then="/done/")


def test_act_reports_a_refusal_or_the_success():
    request = _request("POST")

    def refuse():
        raise AwardError("No budget.")

    assert act(request, refuse, "paid") is False
    assert act(request, lambda: 3, lambda n: f"{n} issued") is True
    assert _messages(request) == [("error", "No budget."), ("success", "3 issued")]


@pytest.mark.parametrize(
    "error",
    [AwardError, CollegeError, CompetitionError, FileError, OrgError, PeopleError, PolicyError, StudiosError],
)
def test_every_domain_error_is_a_domain_error(error):
    assert issubclass(error, DomainError)
