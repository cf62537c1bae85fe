"""The submission form (usable on a phone: authors are typed as lines) and the review forms."""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongjiang.competitions.models import Competition
from gongjiang.core.forms import BootstrapMixin, MultipleFileField, check_attachments
from gongjiang.orgs.models import Employer
from gongjiang.people.models import Worker
from gongjiang.studios.models import Project, Studio

from .enums import Grade, Kind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal(0)}
_LINE = re.compile(r"^(?P<name>[^\s/／,，]+)(?:[/／](?P<last4>\d{3}[\dXx]))?[\s,，]+(?P<share>\d+(?:\.\d{1,2})?)\s*%?$")


def parse_authors(text: str, employer: Employer | None) -> list[tuple[Worker, Decimal]]:
    """Lines “name share” (or “name/last four digits of the ID number share” when two workers of the
    employer share a name); each names a worker of the employer. Errors say which line and why."""
    authors: list[tuple[Worker, Decimal]] = []
    errors = []
    for n, raw in enumerate((line.strip() for line in text.splitlines()), start=1):
        if not raw:
            continue
        m = _LINE.match(raw)
        if m is None:
            errors.append(_("Line %(n)s: write the name, then the share in %%, e.g. “张明 60”.") % {"n": n})
            continue
        try:
            share = Decimal(m["share"])
        except InvalidOperation:
            errors.append(_("Line %(n)s: the share is not a number.") % {"n": n})
            continue
        found = list(Worker.objects.filter(employer=employer, name=m["name"])[:3]) if employer else []
        if m["last4"]:
            found = [w for w in found if w.id_last4.upper() == m["last4"].upper()]
        if not found:
            errors.append(_("Line %(n)s: the employer has no worker “%(name)s”.") % {"n": n, "name": m["name"]})
        elif len(found) > 1:
            errors.append(
                _(
                    "Line %(n)s: the employer has several workers named “%(name)s”; add “/” and the last four digits of the ID number."
                )
                % {"n": n, "name": m["name"]}
            )
        else:
            authors.append((found[0], share))
    if errors:
        raise forms.ValidationError(errors)
    return authors


class InnovationForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=pgettext_lazy("work", "Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    employer = forms.ModelChoiceField(label=_("Employer"), queryset=Employer.objects.none())
    authors = forms.CharField(
        label=_("Authors and shares (%)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One author a line: name and share, e.g. “张明 60”; the shares add up to 100."),
    )
    team = forms.CharField(label=_("Team (班组)"), max_length=120, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}))
    method_name = forms.CharField(
        label=_("Named operating method"),
        max_length=120,
        required=False,
        help_text=_("For an operating method named after a worker, e.g. “张明焊接操作法”."),
    )
    named_after = forms.CharField(label=_("Named after (an author)"), max_length=40, required=False)
    competition = forms.ModelChoiceField(
        label=_("From the competition"), queryset=Competition.objects.none(), required=False
    )
    studio = forms.ModelChoiceField(label=_("From the studio"), queryset=Studio.objects.none(), required=False)
    project = forms.ModelChoiceField(
        label=_("From the studio, alliance or problem-board project"), queryset=Project.objects.none(), required=False
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Drawings, photos or reports: PDF, image or Office files, up to 20 MB each."),
    )

    def __init__(
        self,
        *args: Any,
        employers: QuerySet[Employer],
        competitions: QuerySet[Competition],
        studios: QuerySet[Studio],
        projects: QuerySet[Project],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = employers
        only = list(employers[:2])
        if len(only) == 1:
            self.fields["employer"].initial = only[0].pk
        self.fields["competition"].queryset = competitions
        self.fields["studio"].queryset = studios
        self.fields["project"].queryset = projects

    def clean_attachments(self) -> list[Any]:
        return check_attachments(self.cleaned_data.get("attachments") or [])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        employer = data.get("employer")
        if "authors" in data and employer is not None:
            try:
                data["author_list"] = parse_authors(data["authors"], employer)
            except forms.ValidationError as exc:
                self.add_error("authors", exc)
        named = (data.get("named_after") or "").strip()
        if data.get("method_name") and not named:
            self.add_error("named_after", _("Say which author the method is named after."))
        if named and "author_list" in data:
            match = [w for w, _s in data["author_list"] if w.name == named]
            if not match:
                self.add_error("named_after", _("The method is named after one of the authors above."))
            else:
                data["named_worker"] = match[0]
        return data


class CheckForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class AppraiseForm(BootstrapMixin, forms.Form):
    grade = forms.ChoiceField(label=_("Grade"), choices=Grade.choices)
    experts = forms.CharField(label=_("Appraising experts"), max_length=200)
    opinion = forms.CharField(label=_("Appraisal opinion"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class CalculateForm(BootstrapMixin, forms.Form):
    annual_saving = forms.DecimalField(label=_("Annual saving (yuan)"), initial=0, **MONEY)
    added_output = forms.DecimalField(label=_("Annual added output (yuan)"), initial=0, **MONEY)
    years = forms.DecimalField(
        label=_("Period (years)"), initial=1, max_digits=4, decimal_places=1, min_value=Decimal("0.5")
    )
    deductions = forms.DecimalField(label=_("Deductions (yuan)"), initial=0, **MONEY)
    method = forms.CharField(
        label=_("How the figures were arrived at"),
        max_length=300,
        help_text=_("E.g. the cost per unit before and after, the units a year, what the change cost."),
    )


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class NoticeForm(BootstrapMixin, forms.Form):
    until = forms.DateField(label=_("Public notice until"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["until"].initial = timezone.localdate() + dt.timedelta(days=7)


class ObjectionForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("Objection"), widget=forms.Textarea(attrs={"rows": 3}))


class ResolveForm(BootstrapMixin, forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("0", _("Dismissed: the result stands")), ("1", _("Upheld: the result is not accepted"))],
        coerce=lambda v: v == "1",
    )
    resolution = forms.CharField(label=_("Answer"), max_length=300)


class AttachmentsForm(forms.Form):
    attachments = MultipleFileField(label=_("Attachments"))

    def clean_attachments(self) -> list[Any]:
        return check_attachments(self.cleaned_data.get("attachments") or [])
