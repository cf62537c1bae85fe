from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from . import lockout


class LockoutAuthenticationForm(AuthenticationForm):
    """The standard log-in form, refusing accounts and addresses with too many recent failures."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Too many failed attempts. Try again in 15 minutes."),
    }

    def clean(self) -> dict:
        username = self.cleaned_data.get("username") or ""
        password = self.cleaned_data.get("password")
        ip = self.request.META.get("REMOTE_ADDR") if self.request else None
        if username and lockout.is_locked(username, ip):
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        if username and password:
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                lockout.record_failure(username, ip)
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
            lockout.clear_failures(username)
        return self.cleaned_data


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
