from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongjiang.core.forms import (
    UNION_IN_REACH,
    BootstrapMixin,
    QuickSelect,
    QuickSelectMultiple,
    ShortListChoiceField,
    chosen,
)
from gongjiang.core.models import User
from gongjiang.orgs.enums import UnionKind
from gongjiang.orgs.models import Employer, Region, Union
from gongjiang.orgs.queries import employers_for_user
from gongjiang.orgs.rules import MANAGE_COMPETITIONS
from gongjiang.orgs.scope import Scope
from gongjiang.people.enums import Grade
from gongjiang.people.models import Occupation

from . import services, tiers
from .enums import AspectKind, Audience, Kind, Mode, Tier
from .models import Criterion, Event, Judge
from .queries import assignable_judges
from .services import CompetitionData

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CompetitionForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    tier = forms.ChoiceField(label=_("Tier"), choices=Tier.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, initial=Kind.SKILLS)
    organiser = ShortListChoiceField(
        label=_("Organising union"),
        queryset=Union.objects.none(),
        help_text=_("Not listed? Find it by name above the form."),
        error_messages=UNION_IN_REACH,
    )
    committee = forms.CharField(label=_("Organising committee"), max_length=120, required=False)
    co_organisers = forms.CharField(label=_("Co-organisers"), max_length=300, required=False)
    host = forms.CharField(label=_("Host"), max_length=120, required=False)
    series = forms.CharField(label=_("Series or brand"), max_length=60, required=False)
    registration_closes_on = forms.DateField(label=_("Registration closes on"), widget=DATE)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    avoid_same_region = forms.BooleanField(label=_("Judges also avoid competitors of their own region"), required=False)
    notice_working_days = forms.IntegerField(
        label=_("Public notice (working days)"), min_value=1, max_value=30, initial=5
    )
    trimmed_mean = forms.BooleanField(label=_("Drop the highest and lowest judgement score"), required=False)
    use_ws700 = forms.BooleanField(label=_("Also show the WorldSkills 700-point scale"), required=False)
    medal_count = forms.IntegerField(label=_("Medals (gold, silver, bronze)"), min_value=0, max_value=3, initial=3)
    merit_percent = forms.IntegerField(label=_("Merit award for the top (%)"), min_value=0, max_value=100, initial=50)

    def __init__(self, *args: object, scope: Scope, find: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        organisers = Union.objects.filter(scope.union_filter(MANAGE_COMPETITIONS, "pk")).order_by("kind", "name")
        # Any union in reach may organise (none outside it); the drop-down lists them all only when
        # they are few (a province official reaches 50,000), else the unions above the enterprises,
        # or those whose name holds ``find``, and always the one already chosen.
        self.fields["organiser"].narrow(
            organisers,
            find=lambda qs, term: qs.filter(name__contains=term),
            term=find,
            fallback=lambda qs: qs.exclude(kind=UnionKind.GRASSROOTS),
            kept=self.data.get("organiser") if self.is_bound else self.initial.get("organiser"),
        )
        # Only the tiers the user's unions may organise (the province's organising rights), the
        # lowest of them first chosen; an existing competition keeps its own tier on the list.
        offered = tiers.offered_tiers(organisers)
        current = self.initial.get("tier")
        if current:
            offered.add(current)
        self.fields["tier"].choices = [(t, Tier(t).label) for t in tiers.TIER_ORDER if t in offered]
        if not current:
            self.fields["tier"].initial = tiers.lowest(offered)

    def clean(self) -> dict:
        data = super().clean() or {}
        organiser, tier = data.get("organiser"), data.get("tier")
        if organiser and tier and tier != self.initial.get("tier") and tier not in tiers.allowed_tiers(organiser):
            try:
                services.check_tier(organiser, tier)
            except services.CompetitionError as exc:
                self.add_error("tier", str(exc))
        closes, starts, ends = data.get("registration_closes_on"), data.get("starts_on"), data.get("ends_on")
        if closes and starts and closes > starts:
            self.add_error("registration_closes_on", _("Registration must close on or before the start."))
        if starts and ends and starts > ends:
            self.add_error("ends_on", _("The end cannot come before the start."))
        return data

    def to_data(self) -> CompetitionData:
        return CompetitionData(**self.cleaned_data)


class EventForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    occupation = forms.ModelChoiceField(label=_("Occupation"), queryset=Occupation.objects.all())
    grade_min = forms.TypedChoiceField(
        label=_("Lowest grade"), choices=[("", "—"), *Grade.choices], coerce=int, empty_value=None, required=False
    )
    grade_max = forms.TypedChoiceField(
        label=_("Highest grade"), choices=[("", "—"), *Grade.choices], coerce=int, empty_value=None, required=False
    )
    mode = forms.ChoiceField(label=_("Individual or team"), choices=Mode.choices)
    team_size = forms.IntegerField(label=_("Team size"), min_value=1, max_value=20, initial=1)
    theory_weight = forms.IntegerField(label=_("Theory weight (%)"), min_value=0, max_value=100, initial=30)
    practical_weight = forms.IntegerField(label=_("Practical weight (%)"), min_value=0, max_value=100, initial=70)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, required=False)
    min_age = forms.IntegerField(label=_("Minimum age"), min_value=14, max_value=80, required=False)
    max_age = forms.IntegerField(label=_("Maximum age"), min_value=14, max_value=80, required=False)
    audience = forms.ChoiceField(label=_("Who may enter"), choices=Audience.choices)

    def clean(self) -> dict:
        data = super().clean() or {}
        theory, practical = data.get("theory_weight"), data.get("practical_weight")
        if theory is not None and practical is not None and theory + practical != 100:
            self.add_error("practical_weight", _("The theory and practical weights must add up to 100."))
        return data


class JudgeForm(BootstrapMixin, forms.Form):
    pool = forms.ModelChoiceField(label=_("Pool of"), queryset=Union.objects.none(), widget=QuickSelect)
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    employer = ShortListChoiceField(
        label=_("Employer"),
        queryset=Employer.objects.none(),
        required=False,
        help_text=_("Judges never mark competitors of their own employer. Not listed? Find it by name above the form."),
    )
    affiliation = forms.CharField(label=_("Affiliation"), max_length=100, required=False)
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.exclude(level="province"), widget=QuickSelect
    )
    occupations = forms.ModelMultipleChoiceField(
        label=_("Occupations"), queryset=Occupation.objects.all(), widget=QuickSelectMultiple
    )
    username = forms.CharField(
        label=_("Log-in for marking"), required=False, help_text=_("An existing account's username.")
    )

    def __init__(self, *args: object, scope: Scope, find: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["pool"].queryset = Union.objects.filter(scope.union_filter(MANAGE_COMPETITIONS, "pk")).exclude(
            kind="grassroots"
        )
        # only employers inside the user's reach; an expert from elsewhere is described by affiliation.
        # Any of them is accepted; the drop-down lists them all only when they are few (a province
        # admin reaches 50,000), else those whose name holds ``find``.
        self.fields["employer"].narrow(
            employers_for_user(scope).select_related(None).order_by("name"),
            find=lambda qs, term: qs.filter(name__contains=term),
            term=find,
            kept=self.data.get("employer") if self.is_bound else None,
        )
        self.fields["occupations"].widget.attrs["size"] = 6

    def clean_username(self) -> User | None:
        username = self.cleaned_data.get("username", "").strip()
        if not username:
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            raise forms.ValidationError(_("No account has this username."))
        if hasattr(user, "judge"):
            raise forms.ValidationError(_("This account already belongs to a judge."))
        return user


# The judge picker's refusal of a judge outside the user's pools (or not one the event may take).
JUDGE_IN_REACH = {
    "invalid_choice": _(
        "Choose an active judge of a pool this competition may use, not yet assigned to the event; "
        "find the judge by name above."
    )
}


def _judge_by_name(qs: QuerySet[Judge], term: str) -> QuerySet[Judge]:
    """Judges whose name, employer's name or affiliation holds ``term``."""
    return qs.filter(Q(name__contains=term) | Q(employer__name__contains=term) | Q(affiliation__contains=term))


def judge_label(judge: Judge) -> str:
    where = judge.employer.name if judge.employer_id else judge.affiliation  # type: ignore[union-attr]
    return f"{judge.name} · {where}" if where else judge.name


class AssignJudgeForm(BootstrapMixin, forms.Form):
    """A judge assigned to an event by hand: any judge the user may assign (``assignable_judges``; a
    province's pools may hold thousands) is accepted, none outside them; the drop-down lists them all
    when they are few, else the judges of the event's occupation, or those found by name, employer or
    affiliation (the page's find box)."""

    judge = ShortListChoiceField(
        label=_("Judge"),
        queryset=Judge.objects.none(),
        empty_label=_("Choose a judge from the pool"),
        error_messages=JUDGE_IN_REACH,
    )

    def __init__(self, *args: object, scope: Scope, event: Event, find: str = "", **kwargs: object) -> None:
        kwargs.setdefault("auto_id", "assign_%s")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["judge"]
        field.narrow(
            assignable_judges(scope, event).select_related("employer").order_by("name", "pk"),
            find=_judge_by_name,
            term=find,
            fallback=(lambda qs: qs.filter(occupations=event.occupation_id)) if event.occupation_id else None,
            kept=chosen(self, "judge"),
        )
        field.label_from_instance = judge_label
        field.widget.attrs.update({"aria-label": str(field.label), "class": "form-select form-select-sm"})


class CriterionForm(BootstrapMixin, forms.Form):
    prefix = "criterion"
    code = forms.RegexField(label=_("Code"), regex=r"^[A-Z]{1,2}$", max_length=2, help_text=_("e.g. A"))
    name = forms.CharField(label=_("Name"), max_length=100)


class AspectForm(BootstrapMixin, forms.Form):
    prefix = "aspect"
    criterion = forms.ModelChoiceField(label=_("Criterion"), queryset=Criterion.objects.none())
    code = forms.RegexField(label=_("Code"), regex=r"^[A-Z]{1,2}\d{1,2}$", max_length=4, help_text=_("e.g. A1"))
    description = forms.CharField(label=_("Description"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=AspectKind.choices)
    max_mark = forms.DecimalField(label=_("Maximum mark"), min_value=Decimal("0.01"), max_digits=5, decimal_places=2)
    descriptor_0 = forms.CharField(label=_("Score 0 means"), max_length=200, required=False)
    descriptor_1 = forms.CharField(label=_("Score 1 means"), max_length=200, required=False)
    descriptor_2 = forms.CharField(label=_("Score 2 means"), max_length=200, required=False)
    descriptor_3 = forms.CharField(label=_("Score 3 means"), max_length=200, required=False)

    def __init__(self, *args: object, event: Any, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["criterion"].queryset = Criterion.objects.filter(event=event)

    def to_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "criterion": d["criterion"],
            "code": d["code"],
            "description": d["description"],
            "kind": d["kind"],
            "max_mark": d["max_mark"],
            "descriptors": [d[f"descriptor_{i}"] for i in range(4)],
        }


class OrganisingRightForm(BootstrapMixin, forms.Form):
    """The province sets a kind's default, or authorises one union, up to a highest tier."""

    union_kind = forms.ChoiceField(
        label=_("Every union of the kind"), choices=[("", "—"), *UnionKind.choices], required=False
    )
    union = forms.ModelChoiceField(
        label=_("Or one union"),
        queryset=Union.objects.filter(kind__in=[UnionKind.CITY, UnionKind.INDUSTRY, UnionKind.COUNTY]).order_by(
            "kind", "name"
        ),
        required=False,
    )
    highest_tier = forms.ChoiceField(label=_("Highest tier it may organise"), choices=Tier.choices)
    basis = forms.CharField(label=_("Basis (document and clause)"), max_length=200, required=False)

    def clean(self) -> dict:
        data = super().clean() or {}
        if bool(data.get("union_kind")) == bool(data.get("union")):
            raise forms.ValidationError(_("Choose a kind of union or one union."))
        return data
