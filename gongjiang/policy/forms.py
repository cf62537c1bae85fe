import datetime as dt
import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongjiang.competitions.enums import Tier
from gongjiang.core.forms import BootstrapMixin
from gongjiang.people.enums import Grade, HonourKind, HonourLevel

from .enums import DocumentKind, DocumentStatus, Nominee
from .models import PolicyDocument, Programme
from .services import DocumentData


class DocumentForm(BootstrapMixin, forms.Form):
    doc_no = forms.CharField(label=_("Document number"), max_length=60)
    title = forms.CharField(label=pgettext_lazy("document", "Title"), max_length=200)
    issuer = forms.CharField(label=_("Issuer"), max_length=120)
    issued_on = forms.DateField(label=_("Issued on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    status = forms.ChoiceField(label=_("Status"), choices=DocumentStatus.choices)
    full_text = forms.CharField(label=_("Full text"), widget=forms.Textarea(attrs={"rows": 12}), required=False)

    def to_data(self) -> DocumentData:
        return DocumentData(**{k: (v.strip() if isinstance(v, str) else v) for k, v in self.cleaned_data.items()})


class GoalForm(BootstrapMixin, forms.Form):
    honour_level = forms.TypedChoiceField(label=_("Level of honour"), choices=HonourLevel.choices, coerce=int)
    title = forms.CharField(label=pgettext_lazy("honour", "Title"), max_length=50)
    persons = forms.IntegerField(label=_("Persons"), min_value=1, max_value=1000000)
    by_year = forms.IntegerField(label=_("By the year"), min_value=2000, max_value=2100)
    document = forms.ModelChoiceField(label=_("Policy document"), queryset=PolicyDocument.objects.all())
    clause = forms.CharField(label=_("Clause"), max_length=60, required=False)


class AttachmentForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("Attachment"))


# The fields of each rule kind's terms: (name, form field). Conditions shared by competition rules first.
_CONDITIONS = {
    "tier": lambda: forms.ChoiceField(label=_("Competition level"), choices=Tier.choices),
    "workers_only": lambda: forms.BooleanField(label=_("Workers only (no students)"), required=False),
    "in_province": lambda: forms.CharField(
        label=_("Employer in province (two-digit code, empty for anywhere)"), max_length=2, required=False
    ),
}
_TITLE = {
    "title": lambda: forms.CharField(label=pgettext_lazy("honour", "Title"), max_length=100),
    "honour_kind": lambda: forms.ChoiceField(label=_("Kind of honour"), choices=HonourKind.choices),
    "level": lambda: forms.TypedChoiceField(label=_("Level of honour"), choices=HonourLevel.choices, coerce=int),
}
TERM_FIELDS: dict[str, dict[str, Any]] = {
    "reward": _CONDITIONS
    | {
        "ranks": None,  # one amount field a rank: see RuleForm.rank_fields
        "ceiling": lambda: forms.BooleanField(label=_("The amounts are ceilings"), required=False, initial=True),
    },
    "promotion": _CONDITIONS
    | {
        "rank_max": lambda: forms.IntegerField(label=_("Ranks 1 to"), min_value=1, required=False),
        "top_percent": lambda: forms.IntegerField(
            label=_("Or the top percent of the field"), min_value=1, max_value=100, required=False
        ),
        "grade": lambda: forms.TypedChoiceField(label=_("Grade granted"), choices=Grade.choices, coerce=int),
        "step_if_held": lambda: forms.BooleanField(
            label=_("One grade up if already held"), required=False, initial=True
        ),
        "cap": lambda: forms.TypedChoiceField(label=_("Never above"), choices=Grade.choices, coerce=int),
    },
    "title": _CONDITIONS | {"rank_max": lambda: forms.IntegerField(label=_("Ranks 1 to"), min_value=1)} | _TITLE,
    "honour": {
        "nominee": lambda: forms.ChoiceField(label=_("Conferred on"), choices=Nominee.choices, initial=Nominee.PERSON),
        "quota": lambda: forms.IntegerField(label=_("Quota per cycle"), min_value=1),
        "amount": lambda: forms.DecimalField(label=_("One-time amount (yuan)"), decimal_places=2, min_value=0),
        "once_per_person": lambda: forms.BooleanField(label=_("Once per person"), required=False, initial=True),
    }
    | _TITLE,
    "subsidy": {
        "subject": lambda: forms.ChoiceField(label=_("Subsidised"), choices=[("alliance", _("Studio alliance"))]),
        "level": lambda: forms.ChoiceField(
            label=_("Level"),
            choices=[
                ("national", _("National level")),
                ("provincial", _("Provincial level")),
                ("city", _("City level")),
            ],
        ),
        "amount": lambda: forms.DecimalField(label=_("One-time amount (yuan)"), decimal_places=2, min_value=0),
    },
}


# A reward rule offers this many rank amounts, or as many as the version it follows had.
RANKS_OFFERED = 5


def _rank_field(rank: int) -> forms.CharField:
    return forms.CharField(
        label=_("Amount for rank %(rank)s (yuan)") % {"rank": rank},
        required=False,
        max_length=20,
        help_text=_("Empty: no reward for this rank.") if rank == 1 else "",
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


class RuleForm(BootstrapMixin, forms.Form):
    """A rule version: its citation and period, then the terms of its kind as plain fields."""

    name = forms.CharField(label=_("Name"), max_length=120)
    document = forms.ModelChoiceField(label=_("Document"), queryset=PolicyDocument.objects.all())
    clause = forms.CharField(label=_("Clause"), max_length=60)
    effective_from = forms.DateField(
        label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    programme = forms.ModelChoiceField(label=_("Paid from programme"), queryset=Programme.objects.all(), required=False)

    def __init__(self, *args: Any, kind: str, code_field: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        if code_field:
            self.fields = {
                "code": forms.SlugField(
                    label=_("Rule code (letters, digits and dashes; kept by every version)"), max_length=40
                ),
                **self.fields,
            }
        for name, make in TERM_FIELDS[kind].items():
            if name == "ranks":
                held = [int(k[5:]) for k in (kwargs.get("initial") or {}) if k.startswith("rank_")]
                for rank in range(1, max([RANKS_OFFERED, *held]) + 1):
                    self.fields[f"rank_{rank}"] = _rank_field(rank)
            else:
                self.fields[f"t_{name}"] = make()
        if kind in {"promotion", "title"}:
            del self.fields["programme"]
        self.style_fields()

    @staticmethod
    def initial_for(rule: Any) -> dict[str, Any]:
        initial = {
            "name": rule.name,
            "document": rule.document_id,
            "clause": rule.clause,
            "programme": rule.programme_id,
            "effective_from": dt.date.today(),  # noqa: DTZ011 (a calendar date)
        }
        for key, value in rule.terms.items():
            if key == "ranks":
                initial |= {f"rank_{rank}": amount for rank, amount in value.items()}
            else:
                initial[f"t_{key}"] = value
        return initial

    def terms(self) -> dict[str, Any]:
        terms = {k[2:]: v for k, v in self.cleaned_data.items() if k.startswith("t_")}
        if "ranks" in TERM_FIELDS[self.kind]:
            terms["ranks"] = {
                k[5:]: v.strip().replace(",", "").replace("，", "")
                for k, v in self.cleaned_data.items()
                if k.startswith("rank_") and v and v.strip()
            }
        return json.loads(json.dumps(terms, default=str))
