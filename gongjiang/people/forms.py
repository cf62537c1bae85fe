import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongjiang.core.forms import BootstrapMixin, QuickSelectMultiple, ShortListChoiceField
from gongjiang.core.validators import validate_id_number, validate_phone
from gongjiang.orgs.models import Employer
from gongjiang.orgs.rules import CHANGE_WORKERS
from gongjiang.orgs.scope import Scope

from .enums import Grade, GradeSource, HonourKind, HonourLevel, WorkerStatus
from .models import Occupation
from .services import WorkerData


class WorkerForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    id_number = forms.CharField(label=_("ID number"), max_length=18, validators=[validate_id_number])
    phone = forms.CharField(label=_("Mobile"), max_length=20, required=False, validators=[validate_phone])
    employer = ShortListChoiceField(
        label=_("Employer"),
        queryset=Employer.objects.none(),
        help_text=_("Not listed? Find it by name above the form."),
    )
    occupations = forms.ModelMultipleChoiceField(
        label=_("Occupations"), queryset=Occupation.objects.all(), required=False, widget=QuickSelectMultiple
    )
    status = forms.ChoiceField(label=_("Status"), choices=WorkerStatus.choices, initial=WorkerStatus.EMPLOYED)

    def __init__(self, *args: object, scope: Scope, find: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # Any employer in the user's reach is accepted (and none outside it); the drop-down lists
        # them all only when they are few (a province admin reaches 50,000), else those whose name
        # holds ``find``, and always the one already chosen.
        kept = self.data.get("employer") if self.is_bound else self.initial.get("employer")
        self.fields["employer"].narrow(
            Employer.objects.filter(scope.union_filter(CHANGE_WORKERS)).order_by("name"),
            find=lambda qs, term: qs.filter(name__contains=term),
            term=find,
            kept=kept,
        )
        self.fields["occupations"].widget.attrs["size"] = 6

    def clean_id_number(self) -> str:
        return validate_id_number(self.cleaned_data["id_number"])

    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone") or ""
        return validate_phone(phone) if phone else ""

    def to_data(self) -> WorkerData:
        d = self.cleaned_data
        return WorkerData(
            name=d["name"],
            id_number=d["id_number"],
            phone=d["phone"],
            employer=d["employer"],
            status=d["status"],
            occupations=tuple(d["occupations"]),
        )


class GradeForm(BootstrapMixin, forms.Form):
    occupation = forms.ModelChoiceField(label=_("Occupation"), queryset=Occupation.objects.all())
    grade = forms.TypedChoiceField(label=_("Grade"), choices=Grade.choices, coerce=int)
    source = forms.ChoiceField(label=_("Source"), choices=GradeSource.choices)
    certificate_no = forms.CharField(label=_("Certificate number"), max_length=40)
    awarded_on = forms.DateField(
        label=_("Awarded on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    issuer = forms.CharField(label=_("Issued by"), max_length=100, required=False)

    def clean_awarded_on(self) -> dt.date:
        day = self.cleaned_data["awarded_on"]
        if day > dt.date.today():  # noqa: DTZ011 (a calendar date)
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day


class HonourForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=pgettext_lazy("honour", "Title"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=HonourKind.choices)
    level = forms.TypedChoiceField(label=_("Level"), choices=HonourLevel.choices, coerce=int)
    year = forms.IntegerField(label=_("Year"), min_value=1950)
    conferred_by = forms.CharField(label=_("Conferred by"), max_length=100, required=False)

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if year > dt.date.today().year:  # noqa: DTZ011 (a calendar date)
            raise forms.ValidationError(_("The year cannot be in the future."))
        return year
