"""The forms of the labour pages; they validate at the edge and hand typed data to the services."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongjiang.core import crypto
from gongjiang.core.forms import (
    EMPLOYER_IN_REACH,
    BootstrapMixin,
    MultipleFileField,
    ShortListChoiceField,
    check_attachments,
    chosen,
)
from gongjiang.core.validators import validate_id_number
from gongjiang.orgs.models import Employer
from gongjiang.people.models import Worker

from .enums import Method
from .errors import LabourError
from .models import Indicator, Scheme, Unit
from .services import IndicatorData, RoundData, check_indicator

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_EVIDENCE = 5


class SchemeForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Scheme
        fields = ("period", "combine", "safety_veto", "red_flags")


class IndicatorForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Indicator
        fields = (
            "name",
            "category",
            "weight",
            "method",
            "formula",
            "target",
            "unit_of_measure",
            "higher_is_better",
            "deduction",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors:
            try:
                check_indicator(self.to_data())
            except LabourError as exc:
                raise ValidationError(str(exc)) from exc
        return data

    def to_data(self) -> IndicatorData:
        d = self.cleaned_data
        return IndicatorData(
            name=d["name"].strip(),
            category=d["category"],
            weight=d["weight"],
            method=d["method"],
            formula=d.get("formula") or "",
            target=d.get("target"),
            unit_of_measure=d.get("unit_of_measure") or "",
            higher_is_better=bool(d.get("higher_is_better")),
            deduction=d.get("deduction") if d.get("deduction") is not None else Decimal(10),
        )


class UnitForm(BootstrapMixin, forms.Form):
    employer = ShortListChoiceField(
        label=pgettext_lazy("labour", "Enterprise"),
        queryset=Employer.objects.none(),
        help_text=_("Not listed? Find it by name above the form."),
        error_messages=EMPLOYER_IN_REACH,
    )
    section = forms.CharField(
        label=_("Section (标段)"),
        max_length=60,
        required=False,
        help_text=_("Leave empty to enter the enterprise itself."),
    )

    def __init__(self, *args: Any, employers: Any, find: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any of ``employers`` is accepted (none else); the drop-down lists them all only when they
        # are few (a province official reaches 50,000), else those whose name holds ``find``, and
        # always the one already chosen.
        self.fields["employer"].narrow(
            employers,
            find=lambda qs, term: qs.filter(name__contains=term),
            term=find,
            kept=chosen(self, "employer"),
        )


class TeamForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=60)


class MemberForm(BootstrapMixin, forms.Form):
    id_number = forms.CharField(label=_("ID number"), max_length=18)

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit = unit

    def clean_id_number(self) -> Worker:
        number = validate_id_number(self.cleaned_data["id_number"])
        worker = Worker.objects.filter(
            id_number_hash=crypto.keyed_hash(number), employer_id=self.unit.employer_id
        ).first()
        if worker is None:
            raise ValidationError(_("No worker of %(employer)s has this ID number.") % {"employer": self.unit.employer})
        return worker


class RoundForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=40, help_text=_("e.g. 2026年第一季度"))
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    due_on = forms.DateField(label=_("Figures due on"), widget=DATE)
    weight = forms.DecimalField(
        label=_("Weight in the final standing"), max_digits=5, decimal_places=2, min_value=Decimal("0.01"), initial=1
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("A round ends after it starts."))
        return data

    def to_data(self) -> RoundData:
        return RoundData(**self.cleaned_data)


class VetoForm(BootstrapMixin, forms.Form):
    unit = forms.ModelChoiceField(label=pgettext_lazy("labour", "Unit"), queryset=Unit.objects.none())
    reason = forms.CharField(label=_("Accident"), max_length=200)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class EvidenceField(MultipleFileField):
    """Several files in one input, at most ``MAX_EVIDENCE``; each a document or an image."""

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        return check_attachments(super().clean(data, initial), MAX_EVIDENCE)


class FiguresForm(BootstrapMixin, forms.Form):
    """One row per indicator: the figure (or the committee's score), a note, evidence."""

    def __init__(
        self, *args: Any, indicators: list[Indicator], figures: dict[int, Any], committee: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for ind in indicators:
            figure = figures.get(ind.pk)
            judged = ind.method == Method.JUDGED
            label = f"{ind.name}" + (f"（{ind.unit_of_measure}）" if ind.unit_of_measure else "")
            self.fields[f"value_{ind.pk}"] = forms.DecimalField(
                label=label,
                max_digits=14,
                decimal_places=4,
                required=False,
                min_value=Decimal(0),
                max_value=Decimal(100) if judged else None,
                initial=figure.value if figure else None,
                disabled=judged and not committee,
                help_text=_("Score 0–100, entered by the committee") if judged else "",
            )
            self.fields[f"note_{ind.pk}"] = forms.CharField(
                label=pgettext_lazy("labour", "Note"),
                max_length=200,
                required=False,
                initial=figure.note if figure else "",
            )
            self.fields[f"evidence_{ind.pk}"] = EvidenceField(label=_("Evidence"), required=False)

    def rows(self) -> list[tuple[Indicator, Any, Any, Any]]:
        return [(i, self[f"value_{i.pk}"], self[f"note_{i.pk}"], self[f"evidence_{i.pk}"]) for i in self.indicators]

    def values(self) -> dict[int, tuple[Decimal | None, str]]:
        d = self.cleaned_data
        return {
            i.pk: (d.get(f"value_{i.pk}"), (d.get(f"note_{i.pk}") or "").strip())
            for i in self.indicators
            if not self.fields[f"value_{i.pk}"].disabled
        }

    def evidence(self) -> dict[int, list[Any]]:
        return {i.pk: self.cleaned_data.get(f"evidence_{i.pk}") or [] for i in self.indicators}
