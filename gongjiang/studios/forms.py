from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongjiang.core import crypto
from gongjiang.core.forms import (
    EMPLOYER_IN_REACH,
    UNION_IN_REACH,
    BootstrapMixin,
    MultipleFileField,
    ShortListChoiceField,
    ShortListMultipleChoiceField,
    check_attachments,
    chosen,
)
from gongjiang.core.validators import validate_id_number
from gongjiang.orgs.enums import UnionKind
from gongjiang.orgs.models import Employer, Union
from gongjiang.orgs.rules import APPLY_STUDIOS, MANAGE_STUDIOS
from gongjiang.orgs.scope import Scope
from gongjiang.people.enums import WorkerStatus
from gongjiang.people.models import Occupation, Worker

from .enums import CURRENT_MEMBER_STATES, ActivityKind, ClosureReason, Level, ResultKind, StudioState
from .models import Membership, Studio
from .services import AllianceData, ProblemData, StudioData


def _by_name(qs: QuerySet[Any], term: str) -> QuerySet[Any]:
    return qs.filter(name__contains=term)


def _studio_by_name(qs: QuerySet[Any], term: str) -> QuerySet[Any]:
    """Studios whose name, or whose employer's name, holds ``term``."""
    return qs.filter(Q(name__contains=term) | Q(employer__name__contains=term))


# A short list's refusal of a studio outside the user's reach (or not named), for ``error_messages``.
STUDIO_IN_REACH = {
    "invalid_choice": _("Choose named studios within your union's reach; find them by name above the form.")
}


def named_studios_in_reach(scope: Scope) -> QuerySet[Studio]:
    """The named studios a user's union manages (a province official: every one, 4,000 at province
    scale): those an alliance may take in as members."""
    return (
        Studio.objects.filter(scope.union_filter(MANAGE_STUDIOS), state=StudioState.NAMED)
        .select_related("employer")
        .order_by("employer__name", "name")
    )


def studio_label(studio: Studio) -> str:
    return f"{studio.name}（{studio.employer.name}）"


def worker_by_id(value: str, workers: QuerySet[Worker]) -> Worker:
    """The worker with this 居民身份证号码 among ``workers`` (found by its keyed hash)."""
    try:
        value = validate_id_number(value)
    except ValidationError as exc:
        raise forms.ValidationError(exc.messages) from exc
    worker = workers.filter(id_number_hash=crypto.keyed_hash(value)).first()
    if worker is None:
        raise forms.ValidationError(_("No employed worker of this employer has this ID number."))
    return worker


class InlineMixin:
    """Forms laid out in one row without labels: each input carries its label as placeholder and aria-label."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():  # type: ignore[attr-defined]
            field.widget.attrs.setdefault("placeholder", str(field.label))
            field.widget.attrs.setdefault("aria-label", str(field.label))


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal(0)}


class StudioForm(BootstrapMixin, forms.Form):
    """An application for a studio: the lead is picked by the 18-digit ID's last four digits' list."""

    name = forms.CharField(label=_("Name"), max_length=120)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices, initial=Level.ENTERPRISE)
    employer = ShortListChoiceField(
        label=_("Employer"),
        queryset=Employer.objects.none(),
        help_text=_("Not listed? Find it by name above the form."),
        error_messages=EMPLOYER_IN_REACH,
    )
    lead = forms.CharField(
        label=_("Lead's ID number"), max_length=18, help_text=_("An employed worker of the employer.")
    )
    field = forms.CharField(label=_("Field"), max_length=120, help_text=_("e.g. 红松种植, 大型锻件锻造"))
    occupations = forms.ModelMultipleChoiceField(
        label=_("Occupations"), queryset=Occupation.objects.all(), required=False
    )
    founded_on = forms.DateField(label=_("Founded on"), widget=DATE)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    has_place_and_funds = forms.BooleanField(label=_("Has a place and funds"), required=False)
    has_rules = forms.BooleanField(label=_("Has working rules"), required=False)

    def __init__(self, *args: object, scope: Scope, find: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # Any employer in reach is accepted (none outside it); the drop-down lists them all only when
        # they are few (a province official reaches 50,000), else those whose name holds ``find``,
        # and always the one already chosen.
        self.fields["employer"].narrow(
            Employer.objects.filter(scope.union_filter(APPLY_STUDIOS)).order_by("name"),
            find=_by_name,
            term=find,
            kept=self.data.get("employer") if self.is_bound else self.initial.get("employer"),
        )
        self.fields["occupations"].widget.attrs["size"] = 5

    def clean(self) -> dict:
        data = super().clean() or {}
        employer = data.get("employer")
        if employer and data.get("lead"):
            workers = Worker.objects.filter(employer=employer, status=WorkerStatus.EMPLOYED)
            try:
                data["lead"] = worker_by_id(data["lead"], workers)
            except forms.ValidationError as exc:
                self.add_error("lead", exc)
        if (founded := data.get("founded_on")) and founded > timezone.localdate():
            self.add_error("founded_on", _("The date cannot be in the future."))
        return data

    def to_data(self) -> StudioData:
        d = dict(self.cleaned_data)
        d["occupations"] = tuple(d["occupations"])
        return StudioData(**d)


class ProfileForm(BootstrapMixin, forms.Form):
    field = forms.CharField(label=_("Field"), max_length=120)
    occupations = forms.ModelMultipleChoiceField(
        label=_("Occupations"), queryset=Occupation.objects.all(), required=False
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    has_place_and_funds = forms.BooleanField(label=_("Has a place and funds"), required=False)
    has_rules = forms.BooleanField(label=_("Has working rules"), required=False)


class LeadForm(BootstrapMixin, forms.Form):
    lead = forms.CharField(label=_("New lead's ID number"), max_length=18)
    note = forms.CharField(label=_("Why"), max_length=200, required=False)

    def __init__(self, *args: object, studio: Studio, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.studio = studio

    def clean_lead(self) -> Worker:
        workers = Worker.objects.filter(employer=self.studio.employer, status=WorkerStatus.EMPLOYED)
        return worker_by_id(self.cleaned_data["lead"], workers)


class CloseForm(BootstrapMixin, forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=ClosureReason.choices)


class TeamMemberForm(InlineMixin, BootstrapMixin, forms.Form):
    prefix = "member"
    worker = forms.CharField(label=_("Worker's ID number"), max_length=18)
    role = forms.CharField(label=_("Role in the team"), max_length=50, required=False)

    def __init__(self, *args: object, studio: Studio, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.studio = studio

    def clean_worker(self) -> Worker:
        workers = Worker.objects.filter(employer=self.studio.employer, status=WorkerStatus.EMPLOYED)
        return worker_by_id(self.cleaned_data["worker"], workers)


class ProjectForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=pgettext_lazy("work", "Title"), max_length=200)
    started_on = forms.DateField(label=_("Started on"), widget=DATE)
    closed_on = forms.DateField(label=_("Closed on"), widget=DATE, required=False)
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    patents = forms.IntegerField(label=_("Patents"), min_value=0, initial=0)

    def clean(self) -> dict:
        data = super().clean() or {}
        started, closed = data.get("started_on"), data.get("closed_on")
        if started and closed and closed < started:
            self.add_error("closed_on", _("A project cannot close before it starts."))
        return data


class ResultForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ResultKind.choices)
    title = forms.CharField(label=pgettext_lazy("work", "Title"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    reference = forms.CharField(label=_("Number or reference"), max_length=60, required=False)


class ReportForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 6}))
    people_trained = forms.IntegerField(label=_("People trained"), min_value=0, initial=0)
    self_score = forms.IntegerField(label=_("Self-assessed score"), min_value=0, max_value=100, required=False)


class AllianceForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices, initial=Level.CITY)
    lead_union = ShortListChoiceField(
        label=_("Lead union"),
        queryset=Union.objects.none(),
        help_text=_("Not listed? Find it by name above the form."),
        error_messages=UNION_IN_REACH,
    )
    founded_on = forms.DateField(label=_("Founded on"), widget=DATE)
    founding_document = forms.CharField(label=_("Founding document"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    bar = forms.DecimalField(label=_("Pass mark"), min_value=0, max_value=100, initial=60, decimal_places=2)
    inactive_months = forms.IntegerField(label=_("Inactive after (months)"), min_value=1, max_value=60, initial=12)
    waiting_months = forms.IntegerField(
        label=_("Waiting period before reapplying (months)"), min_value=0, max_value=120, initial=12
    )
    studios = ShortListMultipleChoiceField(
        label=_("First member studios"),
        queryset=Studio.objects.none(),
        required=False,
        help_text=_("Not listed? Find them by name, or by their employer's name, above the form."),
        error_messages=STUDIO_IN_REACH,
    )

    def __init__(self, *args: object, scope: Scope, find: str = "", studio_find: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # Any union in reach may lead (none outside it); the drop-down lists them all only when they
        # are few, else the unions above the enterprises, or those whose name holds ``find``.
        self.fields["lead_union"].narrow(
            Union.objects.filter(scope.union_filter(MANAGE_STUDIOS, "pk")).order_by("kind", "name"),
            find=_by_name,
            term=find,
            fallback=lambda qs: qs.exclude(kind=UnionKind.GRASSROOTS),
            kept=self.data.get("lead_union") if self.is_bound else self.initial.get("lead_union"),
        )
        # Any named studio in reach may be a first member (none outside it); the list holds them all
        # only when they are few (a province official reaches 4,000), else those found by their name
        # or their employer's, and always those already chosen.
        self.fields["studios"].narrow(
            named_studios_in_reach(scope), find=_studio_by_name, term=studio_find, kept=chosen(self, "studios")
        )
        self.fields["studios"].label_from_instance = studio_label
        self.fields["studios"].widget.attrs["size"] = 8

    def clean_founded_on(self):  # type: ignore[no-untyped-def]
        founded = self.cleaned_data["founded_on"]
        if founded > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return founded

    def to_data(self) -> AllianceData:
        d = {k: v for k, v in self.cleaned_data.items() if k != "studios"}
        return AllianceData(**d)


class AddMemberForm(BootstrapMixin, forms.Form):
    """The lead union adds one named studio of its reach to an alliance: a short list (a province
    official reaches 4,000 named studios), found by the studio's or its employer's name."""

    studio = ShortListChoiceField(
        label=_("Studio"), queryset=Studio.objects.none(), empty_label=None, error_messages=STUDIO_IN_REACH
    )

    def __init__(self, *args: object, scope: Scope, exclude: "list[int]", find: str = "", **kwargs: object) -> None:
        kwargs.setdefault("auto_id", "add_%s")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["studio"]
        field.narrow(
            named_studios_in_reach(scope).exclude(pk__in=exclude),
            find=_studio_by_name,
            term=find,
            kept=chosen(self, "studio"),
        )
        field.label_from_instance = studio_label
        field.widget.attrs["aria-label"] = str(field.label)


class ExternalMemberForm(InlineMixin, BootstrapMixin, forms.Form):
    prefix = "external"
    name = forms.CharField(label=_("External studio"), max_length=120)
    employer = forms.CharField(label=_("Its employer"), max_length=120)
    province = forms.CharField(label=_("Province"), max_length=30)
    field = forms.CharField(label=_("Field"), max_length=120, required=False)


class ActivityForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    title = forms.CharField(label=pgettext_lazy("work", "Title"), max_length=200)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    members = forms.ModelMultipleChoiceField(
        label=_("Members taking part"), queryset=Membership.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: object, members: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["members"].queryset = members
        self.fields["members"].widget.attrs["class"] = "form-check-input"


class ProblemForm(BootstrapMixin, forms.Form):
    studio = forms.ModelChoiceField(label=_("Posting studio"), queryset=Studio.objects.none())
    title = forms.CharField(label=pgettext_lazy("work", "Title"), max_length=200)
    field = forms.CharField(label=_("Field"), max_length=120)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}))
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Drawings, photos or reports: PDF, image or Office files, up to 20 MB each."),
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
    reward = forms.DecimalField(label=_("Reward (yuan)"), required=False, **MONEY)  # type: ignore[arg-type]
    open_to_all = forms.BooleanField(label=_("Open to members of every alliance"), required=False)

    def __init__(self, *args: object, studios: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["studio"].queryset = studios
        only = list(studios[:2])  # type: ignore[index]
        if len(only) == 1:
            self.fields["studio"].initial = only[0].pk

    def clean_deadline(self):  # type: ignore[no-untyped-def]
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("The deadline has already passed."))
        return deadline

    def clean_attachments(self):  # type: ignore[no-untyped-def]
        return check_attachments(self.cleaned_data.get("attachments") or [])

    def to_data(self) -> ProblemData:
        d = {k: v for k, v in self.cleaned_data.items() if k not in {"studio", "attachments"}}
        return ProblemData(**d)


class AttachmentsForm(forms.Form):
    attachments = MultipleFileField(label=_("Attachments"))

    def clean_attachments(self):  # type: ignore[no-untyped-def]
        return check_attachments(self.cleaned_data.get("attachments") or [])


# The claim form's refusal of a studio the user does not act for, or one that may not claim the problem.
CLAIMING_STUDIO = {
    "invalid_choice": _(
        "Choose a named studio you act for that may still claim this problem (a member of its alliance, "
        "or of any alliance when it is open to all); find it by name above."
    )
}


def _current_members(alliance_id: int) -> QuerySet[Any]:
    return Membership.objects.filter(alliance_id=alliance_id, state__in=CURRENT_MEMBER_STATES).values("studio_id")


class ClaimForm(BootstrapMixin, forms.Form):
    """揭榜: a studio the user acts for offers a plan. Any studio that may claim the problem
    (``queries.claimable_studios``: for a problem open to every alliance, a province official acts for
    every member studio, 2,855 at province scale) is accepted, none other; the drop-down lists them all
    when they are few, else the problem's own alliance's, or those found by their or their employer's name."""

    studio = ShortListChoiceField(
        label=_("Claiming studio"),
        queryset=Studio.objects.none(),
        help_text=_("Not listed? Find it by name, or by its employer's name, above."),
        error_messages=CLAIMING_STUDIO,
    )
    plan = forms.CharField(label=_("How the studio would solve it"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(
        self, *args: object, studios: QuerySet[Studio], alliance_id: int, find: str = "", **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["studio"]
        kept = chosen(self, "studio")
        if not self.is_bound and not kept:
            only = list(studios.order_by().values_list("pk", flat=True)[:2])
            if len(only) == 1:  # the only one: chosen already
                self.initial["studio"] = kept = only[0]
        field.narrow(
            studios.select_related("employer").order_by("employer__name", "name"),
            find=_studio_by_name,
            term=find,
            fallback=lambda qs: qs.filter(pk__in=_current_members(alliance_id)),
            kept=kept,
        )
        field.label_from_instance = studio_label


class CloseProjectForm(BootstrapMixin, forms.Form):
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 4}))
    patents = forms.IntegerField(label=_("Patents"), min_value=0, initial=0)
    closed_on = forms.DateField(label=_("Closed on"), widget=DATE)


class MilestoneForm(InlineMixin, BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(label=_("Due on"), widget=DATE)


class TargetsForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2017, max_value=2100)
    alliances = forms.IntegerField(label=_("Alliances per city and industrial union"), min_value=1, initial=1)
    document = forms.CharField(label=_("Policy document"), max_length=200, required=False)
