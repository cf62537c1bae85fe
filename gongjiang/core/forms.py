from collections.abc import Callable, Iterator
from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import lockout
from .validators import validate_attachment


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


class QuickSelectMixin:
    """A drop-down whose options are written in Python, one ``format_html`` each, instead of two
    template includes each (Django's option templates): a form with a few hundred options spent
    most of a page's time there."""

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> str:
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        selected = SafeString(" selected")
        parts = []
        for group, options, _index in widget["optgroups"]:
            html = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((o["value"], selected if o["selected"] else "", o["label"]) for o in options),
            )
            parts.append(format_html('<optgroup label="{}">{}</optgroup>', group, html) if group else html)
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            format_html_join("", "{}", ((part,) for part in parts)),
        )


class QuickSelect(QuickSelectMixin, forms.Select):
    pass


class QuickSelectMultiple(QuickSelectMixin, forms.SelectMultiple):
    pass


SHORT_LIST = 300
MAX_KEPT = 1000  # chosen rows listed besides the short list (a college's partners); a post of more is cut

# A short list's refusal of a row outside the user's reach (or no longer there), for ``error_messages``.
EMPLOYER_IN_REACH = {
    "invalid_choice": gettext_lazy("Choose an employer within your union's reach; find it by name above the form.")
}
UNION_IN_REACH = {
    "invalid_choice": gettext_lazy("Choose a union within your union's reach; find it by name above the form.")
}


class _ShortListIterator(ModelChoiceIterator):
    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.short_list():
            yield self.choice(obj)

    def __len__(self) -> int:
        return len(self.field.short_list()) + (self.field.empty_label is not None)

    def __bool__(self) -> bool:
        return True


class ShortListMixin:
    """A choice among possibly many rows (every union or employer in a province admin's reach:
    50,000) whose drop-down lists a short list only, while any row of ``queryset`` is accepted.

    The drop-down holds every row when there are at most ``SHORT_LIST``; else the rows matching
    ``find`` (a name the user searched for), or, without one, ``fallback`` (e.g. the unions above
    the enterprises), each capped at ``SHORT_LIST``; the values already chosen are always kept.
    Rendering 50,000 options took 40 s a page at province scale.
    """

    queryset: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.find: Callable[[Any], Any] | None = None
        self.fallback: Callable[[Any], Any] | None = None
        self.term = ""
        self.kept: Any = None
        self._short: list[Any] | None = None
        self.truncated = False

    def narrow(
        self,
        queryset: Any,
        *,
        find: "Callable[[Any], Any]",
        term: str = "",
        fallback: "Callable[[Any], Any] | None" = None,
        kept: Any = None,
    ) -> None:
        """Accept every row of ``queryset``; list the short list described above. ``kept``: the
        value chosen so far, an id or a row, or a list of them."""
        self.queryset = queryset
        self.find, self.fallback, self.term, self.kept = find, fallback, term.strip(), kept
        self._short = None

    def short_list(self) -> list[Any]:
        if self._short is None:
            self._short = self._make_short_list()
        return self._short

    def _make_short_list(self) -> list[Any]:
        qs = self.queryset
        if self.find is not None and self.term:
            rows = list(self.find(qs, self.term)[: SHORT_LIST + 1])
        elif qs.order_by().values("pk")[: SHORT_LIST + 1].count() <= SHORT_LIST:  # few: all of them
            rows = list(qs)
        else:  # counted, not sorted: ordering 50,000 unions to keep the first 301 took 0.3 s
            rows = list(self.fallback(qs)[: SHORT_LIST + 1]) if self.fallback else []
        self.truncated = len(rows) > SHORT_LIST
        rows = rows[:SHORT_LIST]
        listed = {row.pk for row in rows}
        missing = [pk for pk in _ids(self.kept) if pk not in listed][:MAX_KEPT]
        if missing:
            rows = [*qs.filter(pk__in=missing), *rows]
        return rows


def _ids(kept: Any) -> list[int]:
    """The ids in ``kept``: an id or a row (an edit form's initial), or a list of them."""
    values = kept if isinstance(kept, (list, tuple, set, frozenset, QuerySet)) else [kept]
    ids = (str(getattr(value, "pk", value) or "") for value in values)
    return [int(pk) for pk in ids if pk.isdigit() and len(pk) <= 18]  # a posted id past a bigint: none


class ShortListChoiceField(ShortListMixin, forms.ModelChoiceField):
    """One row among many (:class:`ShortListMixin`)."""

    iterator = _ShortListIterator
    widget = QuickSelect


class ShortListMultipleChoiceField(ShortListMixin, forms.ModelMultipleChoiceField):
    """Several rows among many (:class:`ShortListMixin`)."""

    iterator = _ShortListIterator
    widget = QuickSelectMultiple

    def _check_values(self, value: Any) -> Any:
        # an id past a bigint names no row (SQLite's driver raised OverflowError on it)
        if any(str(pk).isdigit() and len(str(pk)) > 18 for pk in value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super()._check_values(value)


def chosen(form: forms.BaseForm, name: str) -> Any:
    """A field's value so far: posted (every value of a multiple choice), else the initial one."""
    if form.is_bound:
        data = form.data
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name)
    return form.initial.get(name)


MAX_ATTACHMENTS = 10  # files in one multiple-file input


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none and not required)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self, data, initial=None):  # type: ignore[no-untyped-def]
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def check_attachments(files: list, limit: int = MAX_ATTACHMENTS) -> list:  # type: ignore[type-arg]
    """At most ``limit`` files, each a document or an image (:func:`validators.validate_attachment`)."""
    if len(files) > limit:
        raise forms.ValidationError(_("Attach at most %(n)s files.") % {"n": limit})
    for f in files:
        validate_attachment(f)
    return files
