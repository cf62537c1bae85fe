"""The one shape of a page that calls a service: a form that submits to it, or a button that runs it.

A service refuses a broken business rule by raising a :class:`~gongjiang.core.errors.DomainError`
whose message is in the user's language; these helpers show that message where the user looks (on
the form, or as a message after a button) and otherwise say what was done. Each view keeps only what
differs: the form, the service call, the success message and where to go next.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .errors import DomainError

T = TypeVar("T")


def submit(
    request: HttpRequest,
    form: forms.BaseForm,
    call: Callable[[], T],
    *,
    success: str | Callable[[T], str] | None,
    then: Any = None,
    field: str | None = None,
) -> HttpResponse | None:
    """Bind → call the service → on a domain error add it to the form → else a success message and a
    redirect.

    ``call`` runs only on a POST whose form is valid (so it may read ``form.cleaned_data``). ``success``
    is the message, a function of what the service returned, or None for no message; ``then`` is where to redirect (a model,
    a URL or a URL name, as for :func:`django.shortcuts.redirect`), a function of what the service
    returned, or by default what the service returned (the record it made or changed); ``field`` is the
    form field a refusal belongs to (None: the form as a whole). Returns None when the page is to be drawn again: a GET, an invalid form, or a refusal,
    which then shows among the form's errors."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = call()
    except DomainError as exc:
        form.add_error(field, str(exc))
        return None
    if success is not None:
        messages.success(request, success(result) if callable(success) else success)
    target: Any = result if then is None else then(result) if callable(then) else then
    return redirect(target)


def act(request: HttpRequest, call: Callable[[], T], success: str | Callable[[T], str] | None) -> bool:
    """Run a service from a button: a refusal becomes an error message, anything else ``success`` (the
    message, a function of what the service returned, or None when the page shows the change itself).
    True when the service ran."""
    try:
        result = call()
    except DomainError as exc:
        messages.error(request, str(exc))
        return False
    if success is not None:
        messages.success(request, success(result) if callable(success) else success)
    return True
