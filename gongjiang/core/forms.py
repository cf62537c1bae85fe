from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest

from . import lockout


class LockoutMixin:
    """Refuse attempts while the (account, address) pair is locked or the account slowed down
    (core.lockout); record failures. Shared by the site's and the operations admin's log-in."""

    request: HttpRequest | None
    cleaned_data: dict
    user_cache: object

    def clean(self) -> dict:
        username = self.cleaned_data.get("username") or ""
        password = self.cleaned_data.get("password")
        ip = lockout.client_ip(self.request)
        if username and (wait := lockout.seconds_to_wait(username, ip)):
            raise forms.ValidationError(lockout.locked_message(wait), code="locked")
        if username and password:
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                lockout.record_failure(username, ip)
                raise self.get_invalid_login_error()  # type: ignore[attr-defined]
            self.confirm_login_allowed(self.user_cache)  # type: ignore[attr-defined]
            lockout.clear_failures(username, ip)
        return self.cleaned_data


class LockoutAuthenticationForm(LockoutMixin, AuthenticationForm):
    """The site's log-in form."""


class AdminLockoutAuthenticationForm(LockoutMixin, AdminAuthenticationForm):
    """The operations admin's log-in form (staff only), under the same lock-out."""


class BootstrapMixin:
    """Give every widget Bootstrap's class; the renderer's templates do the rest."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        self.style_fields()

    def style_fields(self) -> None:
        """Style every field (again, after a form adds fields of its own; idempotent)."""
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                css = "form-select"
            else:
                css = "form-control"
            classes = widget.attrs.get("class", "").split()
            if css not in classes:
                widget.attrs["class"] = " ".join([*classes, css])
