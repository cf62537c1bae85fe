from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongjiang.awards.enums import CycleState
from gongjiang.awards.models import HonourCycle
from gongjiang.competitions.enums import Kind, Tier
from gongjiang.core.forms import BootstrapMixin, MultipleFileInput, check_attachments
from gongjiang.core.validators import validate_attachment
from gongjiang.labour.models import Team
from gongjiang.orgs.models import Union
from gongjiang.policy.models import PolicyDocument

from .enums import SubjectKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_ATTACHMENTS = 10


class ApplicationForm(BootstrapMixin, forms.Form):
    applicant = forms.ModelChoiceField(label=_("Applying union"), queryset=Union.objects.none())
    name = forms.CharField(label=_("Project name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, initial=Kind.LABOUR)
    tier = forms.ChoiceField(label=_("Level"), choices=())
    leading_body = forms.CharField(label=_("Leading body"), max_length=200)
    indicators = forms.CharField(label=_("Indicators"), widget=forms.Textarea(attrs={"rows": 4}))
    budget = forms.DecimalField(label=_("Budget (yuan)"), min_value=0, max_digits=14, decimal_places=2)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    plan = forms.FileField(label=_("Implementation plan (实施方案)"), required=False)

    def __init__(self, *args: object, unions, tiers: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["applicant"].queryset = unions
        if unions.count() == 1:
            self.fields["applicant"].initial = unions.first()
        self.fields["tier"].choices = [(t, Tier(t).label) for t in tiers]

    def clean_plan(self):
        plan = self.cleaned_data.get("plan")
        if plan:
            validate_attachment(plan)
        return plan

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["starts_on"] > data["ends_on"]:
            self.add_error("ends_on", _("The period must start before it ends."))
        return data


class QuotaForm(BootstrapMixin, forms.Form):
    union = forms.ModelChoiceField(label=_("Union"), queryset=Union.objects.none())
    tier = forms.ChoiceField(label=_("Level"), choices=Tier.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    limit = forms.IntegerField(label=_("Projects allowed"), min_value=0, max_value=10000)
    document = forms.ModelChoiceField(label=_("Document"), queryset=PolicyDocument.objects.order_by("-issued_on"))
    clause = forms.CharField(label=_("Clause"), max_length=60, required=False)


class StageDueForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=pgettext_lazy("report", "Title"), max_length=120)
    due_on = forms.DateField(label=_("Due on"), widget=DATE)


class StageReportForm(BootstrapMixin, forms.Form):
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 6}))
    attachments = forms.FileField(label=_("Attachments"), required=False, widget=MultipleFileInput())

    def __init__(self, *args: object, files_list: list | None = None, **kwargs: object) -> None:  # type: ignore[type-arg]
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.files_list = files_list or []

    def clean_attachments(self) -> list:  # type: ignore[type-arg]
        return check_attachments(self.files_list, MAX_ATTACHMENTS)


class CommendationForm(BootstrapMixin, forms.Form):
    subject = forms.ChoiceField(label=_("Commended"), choices=SubjectKind.choices)
    employer = forms.CharField(
        label=_("Employer (full name)"), max_length=100, required=False, help_text=_("For a unit or a team.")
    )
    team = forms.ModelChoiceField(
        label=pgettext_lazy("labour", "Team"),
        queryset=Team.objects.none(),
        required=False,
        help_text=_("A team entered in this labour competition."),
    )
    team_name = forms.CharField(
        label=_("Team name"),
        max_length=120,
        required=False,
        help_text=_("For a team of a project that is not a labour competition on the platform."),
    )
    worker = forms.CharField(label=_("Worker (name)"), max_length=50, required=False, help_text=_("For a person."))
    citation = forms.CharField(label=_("Deeds"), widget=forms.Textarea(attrs={"rows": 4}))
    honour_cycle = forms.ModelChoiceField(
        label=_("Also recommend for"),
        queryset=HonourCycle.objects.filter(state=CycleState.NOMINATING).order_by("-year", "title"),
        required=False,
        help_text=_(
            "A higher honour this platform runs, conferred on the same kind of subject (a unit, a team or a "
            "person): the subject is nominated in it once the commendation is approved."
        ),
    )

    def __init__(self, *args: Any, teams: "QuerySet[Team] | None" = None, **kwargs: Any) -> None:
        """``teams``: the labour competition's teams to choose from; None for other projects, which name
        a team by its employer and name instead."""
        super().__init__(*args, **kwargs)
        if teams is None:
            del self.fields["team"]
        else:
            self.fields["team"].queryset = teams
            self.fields["team"].label_from_instance = lambda t: f"{t.name}（{t.unit}）"
            del self.fields["team_name"]
            self.fields["employer"].help_text = _("For a unit.")
        self.style_fields()
