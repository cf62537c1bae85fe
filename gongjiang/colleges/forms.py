from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongjiang.core.forms import (
    EMPLOYER_IN_REACH,
    UNION_IN_REACH,
    BootstrapMixin,
    ShortListChoiceField,
    ShortListMultipleChoiceField,
    chosen,
)
from gongjiang.core.validators import validate_id_number
from gongjiang.orgs.enums import UnionKind
from gongjiang.orgs.models import Employer, Union
from gongjiang.orgs.rules import MANAGE_COLLEGES
from gongjiang.orgs.scope import Scope
from gongjiang.people.enums import Grade
from gongjiang.people.models import Occupation
from gongjiang.policy.models import PolicyDocument

from .enums import TeacherKind
from .models import College, Course, Teacher, Unit
from .queries import citable_events
from .services import CohortData

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _by_name(qs: Any, term: str) -> Any:
    return qs.filter(name__contains=term)


class CollegeForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    industry = forms.CharField(label=_("Industry"), max_length=50)
    union = ShortListChoiceField(
        label=_("Run by"),
        queryset=Union.objects.none(),
        help_text=_("Not listed? Find it by name above the form."),
        error_messages=UNION_IN_REACH,
    )
    universities = forms.CharField(
        label=_("Partner universities"), max_length=300, required=False, help_text=_("Separate them with 、")
    )
    employers = ShortListMultipleChoiceField(
        label=_("Partner employers"),
        queryset=Employer.objects.none(),
        required=False,
        help_text=_("Not listed? Find it by name above the form."),
        error_messages=EMPLOYER_IN_REACH,
    )
    plan_year = forms.IntegerField(label=_("Plan year"), min_value=2000, max_value=2100, required=False)
    plan_classes = forms.IntegerField(label=_("Classes planned"), min_value=0, max_value=1000, initial=0)
    plan_days = forms.IntegerField(label=_("Days per class"), min_value=0, max_value=365, initial=0)
    plan_places = forms.IntegerField(label=_("Trainee places planned"), min_value=0, max_value=1000000, initial=0)
    plan_document = forms.ModelChoiceField(
        label=_("Plan document"),
        queryset=PolicyDocument.objects.all(),
        required=False,
        help_text=_("The policy document the plan comes from; a plan is measured against only when it cites one."),
    )

    def __init__(self, *args: Any, scope: Scope, union_q: str = "", employer_q: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any union and employers in reach are accepted (none outside it); the drop-downs list them
        # all only when they are few (a province official reaches 50,000), else the unions above the
        # enterprises, or the rows whose name holds the term found, and always those already chosen.
        self.fields["union"].narrow(
            Union.objects.filter(scope.union_filter(MANAGE_COLLEGES, "pk")).order_by("kind", "name"),
            find=_by_name,
            term=union_q,
            fallback=lambda qs: qs.exclude(kind=UnionKind.GRASSROOTS),
            kept=chosen(self, "union"),
        )
        self.fields["employers"].narrow(
            Employer.objects.filter(scope.union_filter(MANAGE_COLLEGES)).order_by("name"),
            find=_by_name,
            term=employer_q,
            kept=chosen(self, "employers"),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        planned = data.get("plan_classes") or data.get("plan_places")
        if planned and not data.get("plan_document"):
            self.add_error("plan_document", _("A plan cites the policy document it comes from."))
        if planned and not data.get("plan_year"):
            self.add_error("plan_year", _("A plan names its year."))
        return data


class TeacherForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    kind = forms.ChoiceField(label=_("Kind"), choices=TeacherKind.choices)
    affiliation = forms.CharField(label=_("Affiliation"), max_length=100, required=False)
    subjects = forms.CharField(label=_("Subjects"), max_length=200, required=False)
    availability = forms.CharField(
        label=_("Availability"), max_length=200, required=False, help_text=_("e.g. weekends, or May to October")
    )
    active = forms.BooleanField(label=pgettext_lazy("teacher", "Active"), required=False, initial=True)
    id_number = forms.CharField(
        label=_("ID number of their worker record"),
        required=False,
        validators=[validate_id_number],
        help_text=_("Links the teacher to their worker record (name and ID number must match), so their honours show."),
    )
    unlink = forms.BooleanField(label=_("Unlink the worker record"), required=False)

    def clean_id_number(self) -> str:
        value = self.cleaned_data.get("id_number") or ""
        return validate_id_number(value) if value else ""

    def fields_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {k: d[k] for k in ("name", "kind", "affiliation", "subjects", "availability", "active")}


class CourseForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=pgettext_lazy("work", "Title"), max_length=120)
    occupation = forms.ModelChoiceField(label=_("Occupation"), queryset=Occupation.objects.all(), required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class UnitEditForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=pgettext_lazy("work", "Title"), max_length=120)
    hours = forms.DecimalField(label=_("Training hours"), min_value=Decimal("0.5"), max_value=500, decimal_places=1)


class DeriveForm(BootstrapMixin, forms.Form):
    event = forms.ModelChoiceField(label=_("Competition event"), queryset=None)  # type: ignore[arg-type]
    title = forms.CharField(label=_("Course title"), max_length=120)
    hours_per_unit = forms.DecimalField(
        label=_("Training hours per unit"), min_value=Decimal("0.5"), max_value=200, decimal_places=1, initial=8
    )

    def __init__(self, *args: Any, college: College, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        events = citable_events(college).filter(criteria__isnull=False).distinct().order_by("-competition__starts_on")
        self.fields["event"].queryset = events
        self.fields["event"].label_from_instance = lambda e: f"{e.competition.name} · {e.name}"


class UnitForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=pgettext_lazy("work", "Title"), max_length=120)
    hours = forms.DecimalField(label=_("Training hours"), min_value=Decimal("0.5"), max_value=500, decimal_places=1)
    event = forms.ModelChoiceField(label=_("Cites event"), queryset=None, required=False)  # type: ignore[arg-type]
    criteria = forms.CharField(
        label=_("Cites criteria (codes)"), max_length=100, required=False, help_text=_("e.g. A B, of the cited event")
    )

    def __init__(self, *args: Any, course: Course, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = citable_events(course.college).order_by("-competition__starts_on")
        self.fields["event"].label_from_instance = lambda e: f"{e.competition.name} · {e.name}"

    def clean(self) -> dict:
        data = super().clean() or {}
        codes = (data.get("criteria") or "").replace(",", " ").replace("，", " ").replace("、", " ").split()
        event = data.get("event")
        found = []
        if codes:
            if event is None:
                self.add_error("event", _("Name the event whose criteria the unit cites."))
                return data
            by_code = {c.code.upper(): c for c in event.criteria.all()}
            unknown = [c for c in codes if c.upper() not in by_code]
            if unknown:
                self.add_error(
                    "criteria",
                    _("The event has no criterion %(codes)s.") % {"codes": "、".join(unknown)},
                )
            found = [by_code[c.upper()] for c in codes if c.upper() in by_code]
        data["criterion_objects"] = found
        return data


class CohortForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=120)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=10000)
    required_hours = forms.DecimalField(
        label=_("Hours required for completion"), min_value=0, max_value=1000, decimal_places=1
    )
    pass_mark = forms.DecimalField(
        label=_("Assessment pass mark"), min_value=0, max_value=100, decimal_places=2, initial=60
    )
    teachers = forms.ModelMultipleChoiceField(
        label=_("Teachers"), queryset=Teacher.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, college: College, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["teachers"].queryset = college.teachers.filter(active=True)

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["starts_on"] > data["ends_on"]:
            self.add_error("ends_on", _("The end cannot come before the start."))
        return data

    def to_data(self) -> CohortData:
        d = self.cleaned_data
        return CohortData(
            name=d["name"],
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
            place=d["place"],
            capacity=d["capacity"],
            required_hours=d["required_hours"],
            pass_mark=d["pass_mark"],
            teachers=tuple(d["teachers"]),
        )


class SessionForm(BootstrapMixin, forms.Form):
    day = forms.DateField(label=_("Date"), widget=DATE)
    starts_at = forms.TimeField(label=_("Starts at"), widget=TIME)
    hours = forms.DecimalField(label=_("Training hours"), min_value=Decimal("0.5"), max_value=24, decimal_places=1)
    topic = forms.CharField(label=_("Topic"), max_length=120)
    unit = forms.ModelChoiceField(label=pgettext_lazy("course", "Unit"), queryset=Unit.objects.none(), required=False)
    teacher = forms.ModelChoiceField(label=_("Teacher"), queryset=Teacher.objects.none(), required=False)

    def __init__(self, *args: Any, course: Course, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = course.units.all()
        self.fields["teacher"].queryset = course.college.teachers.filter(active=True)


class GradeFromCompletionForm(BootstrapMixin, forms.Form):
    occupation = forms.ModelChoiceField(label=_("Occupation"), queryset=Occupation.objects.all())
    grade = forms.TypedChoiceField(label=_("Grade"), choices=Grade.choices, coerce=int)
    certificate_no = forms.CharField(label=_("Certificate number"), max_length=40)
    awarded_on = forms.DateField(label=_("Awarded on"), widget=DATE)
    issuer = forms.CharField(label=_("Issued by"), max_length=100, required=False)
