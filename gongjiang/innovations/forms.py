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
from gongjiang.core.forms import BootstrapMixin, MultipleFileField, ShortListChoiceField, check_attachments
from gongjiang.labour.models import Team
from gongjiang.orgs.models import Employer
from gongjiang.people.models import Worker
from gongjiang.studios.models import Project, Studio

from .enums import Grade, Kind
from .queries import origins_of

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


AUTHOR_ROWS = 6  # authors an official picks, each with a share


def _by_name(qs: QuerySet[Any], term: str) -> QuerySet[Any]:
    return qs.filter(name__contains=term)


# The refusal of a competition the employer did not take part in, or one the submitter may not name.
COMPETITION_TAKEN_PART = {
    "invalid_choice": _(
        "Choose a competition the employer took part in, among those you may name; find it by name above."
    )
}


class InnovationForm(BootstrapMixin, forms.Form):
    """A worker types the authors as lines (“name share”: usable on a phone). A union official (one who
    reviews innovations: enterprise, city or province union) picks the employer among those in reach, found
    by name, and the authors among that employer's workers, each with a share (``pick_authors``): the
    drop-downs list a short list (``ShortListChoiceField``) and accept nothing outside the reach."""

    title = forms.CharField(label=pgettext_lazy("work", "Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    employer = ShortListChoiceField(
        label=_("Employer"),
        queryset=Employer.objects.none(),
        help_text=_("Type part of the name in the search box to find it."),
    )
    authors = forms.CharField(
        label=_("Authors and shares (%)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One author a line: name and share, e.g. “张明 60”; the shares add up to 100."),
        required=False,
    )
    labour_team = forms.ModelChoiceField(
        label=_("Team (班组) in the labour competition"),
        queryset=Team.objects.none(),
        required=False,
        help_text=_("A result from a labour competition names the team entered there, if any."),
    )
    team = forms.CharField(
        label=_("Team (班组)"),
        max_length=120,
        required=False,
        help_text=_("Otherwise, the team's name as written."),
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}))
    method_name = forms.CharField(
        label=_("Named operating method"),
        max_length=120,
        required=False,
        help_text=_("For an operating method named after a worker, e.g. “张明焊接操作法”."),
    )
    named_after = forms.CharField(label=_("Named after (an author)"), max_length=40, required=False)
    competition = ShortListChoiceField(
        label=_("From the competition"),
        queryset=Competition.objects.none(),
        required=False,
        help_text=_("The competitions the employer took part in, newest first; not listed? Find it by name above."),
        error_messages=COMPETITION_TAKEN_PART,
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
        pick_authors: bool = False,
        employer_q: str = "",
        worker_q: str = "",
        competition_q: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.pick_authors = pick_authors
        chosen = self.data.get("employer") if self.is_bound else self.initial.get("employer")
        employer_field = self.fields["employer"]
        if not pick_authors and not self.is_bound:
            only = list(employers[:2])
            if len(only) == 1:
                employer_field.initial = chosen = only[0].pk
        employer_field.narrow(
            employers.select_related(None).order_by("name", "pk"), find=_by_name, term=employer_q, kept=chosen
        )
        self.employer = employers.filter(pk=int(chosen)).first() if str(chosen or "").isdigit() else None
        competitions, studios, projects = origins_of(self.employer, competitions, studios, projects)
        # any competition the employer took part in (a large employer's history runs to thousands at
        # province scale); the drop-down lists them all when few, else the newest or those found by name
        self.fields["competition"].narrow(
            competitions.order_by("-starts_on", "-pk"),
            find=_by_name,
            term=competition_q,
            fallback=lambda qs: qs,
            kept=(self.data if self.is_bound else self.initial).get("competition"),
        )
        self.fields["studio"].queryset = studios
        self.fields["project"].queryset = projects
        # the employer's teams in the labour competitions the submitter may name
        team_field = self.fields["labour_team"]
        team_field.queryset = (
            Team.objects.filter(unit__employer=self.employer, unit__competition__in=competitions)
            .select_related("unit__competition")
            .order_by("unit__competition__name", "unit__section", "name")
            if self.employer is not None
            else Team.objects.none()
        )
        team_field.label_from_instance = lambda t: f"{t.unit.competition.name} · {t.unit.section or '—'} · {t.name}"
        if pick_authors:
            # the chosen employer's workers only (the employer itself lies within reach, or is refused)
            workers = (
                Worker.objects.filter(employer=self.employer).order_by("name", "pk")
                if self.employer is not None
                else Worker.objects.none()
            )
            for n in range(1, AUTHOR_ROWS + 1):
                field = ShortListChoiceField(
                    label=_("Author %(n)s") % {"n": n}, queryset=Worker.objects.none(), required=False
                )
                field.narrow(
                    workers,
                    find=_by_name,
                    term=worker_q,
                    kept=(self.data if self.is_bound else self.initial).get(f"author_{n}"),
                )
                self.fields[f"author_{n}"] = field
                self.fields[f"share_{n}"] = forms.DecimalField(
                    label=_("Share (%)"), max_digits=5, decimal_places=2, min_value=Decimal("0.01"), required=False
                )
            self.style_fields()
            self.fields["authors"].label = _("Or as lines")
            self.fields["authors"].help_text = _(
                "Or pick them above; a line here names a worker of the employer, e.g. “张明 60”."
            )

    def author_rows(self) -> list[tuple[Any, Any]]:
        """The author pickers with their shares; the rows list the same workers, read once."""
        if not self.pick_authors:
            return []
        first = self.fields["author_1"]
        listed = first.short_list()
        ids = {str(w.pk) for w in listed}
        for n in range(2, AUTHOR_ROWS + 1):
            field = self.fields[f"author_{n}"]
            if field._short is None and str(field.kept or "") in ids | {""}:
                field._short, field.truncated = listed, first.truncated
        return [(self[f"author_{n}"], self[f"share_{n}"]) for n in range(1, AUTHOR_ROWS + 1)]

    def clean_attachments(self) -> list[Any]:
        return check_attachments(self.cleaned_data.get("attachments") or [])

    def _picked(self, data: dict[str, Any]) -> list[tuple[Worker, Decimal]]:
        picked = []
        for n in range(1, AUTHOR_ROWS + 1):
            worker, share = data.get(f"author_{n}"), data.get(f"share_{n}")
            if worker is None and share is None:
                continue
            if worker is None or share is None:
                self.add_error(f"share_{n}" if share is None else f"author_{n}", _("Name the author and the share."))
                continue
            picked.append((worker, share))
        return picked

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        employer = data.get("employer")
        if employer is not None:
            authors = self._picked(data) if self.pick_authors else []
            try:
                authors += parse_authors(data.get("authors") or "", employer)
            except forms.ValidationError as exc:
                self.add_error("authors", exc)
            else:
                if not authors:
                    self.add_error(None, _("Name at least one author."))
                data["author_list"] = authors
        team = data.get("labour_team")
        competition = data.get("competition")
        if team is not None and (competition is None or team.unit.competition_id != competition.pk):
            self.add_error("labour_team", _("The team is one entered in the labour competition chosen above."))
        elif team is not None and employer is not None and team.unit.employer_id != employer.pk:
            self.add_error("labour_team", _("The team is one of the employer's in that competition."))
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
