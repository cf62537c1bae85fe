"""Labour competitions (劳动竞赛): the units and teams entered in a ``Competition`` of kind labour,
its indicator scheme, its assessment rounds, the figures units report and the published standings.

Every row reaches a union: a unit through its employer's enterprise union (``Unit.union``), the
rest through their competition's organiser (the committee) or their unit.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongjiang.competitions.models import Competition
from gongjiang.core.models import Attachment as AttachmentBase
from gongjiang.orgs.models import Employer, Union
from gongjiang.people.models import Worker

from .enums import Category, Combine, FigureState, Formula, Method, Period, RoundState

SCORE = {"max_digits": 12, "decimal_places": 4}
PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class Scheme(models.Model):
    """A competition's indicator scheme (考核方案) and its rules."""

    competition = models.OneToOneField(Competition, on_delete=models.CASCADE, related_name="labour_scheme")
    period = models.CharField(_("assessment period"), max_length=10, choices=Period.choices, default=Period.QUARTERLY)
    combine = models.CharField(_("final standing"), max_length=10, choices=Combine.choices, default=Combine.AVERAGE)
    safety_veto = models.BooleanField(_("a safety accident vetoes the unit (一票否决)"), default=True)
    red_flags = models.PositiveSmallIntegerField(
        _("red flags per round"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )

    class Meta:
        verbose_name = _("indicator scheme")
        verbose_name_plural = _("indicator schemes")

    def __str__(self) -> str:
        return str(self.competition)


class Indicator(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("name"), max_length=60)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices, default=Category.OWN)
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    method = models.CharField(_("scored"), max_length=10, choices=Method.choices, default=Method.MEASURED)
    formula = models.CharField(_("formula"), max_length=10, choices=Formula.choices, blank=True)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=4, null=True, blank=True)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=20, blank=True)
    higher_is_better = models.BooleanField(_("a higher figure is better"), default=True)
    deduction = models.DecimalField(_("deduction per failure"), max_digits=6, decimal_places=2, default=Decimal(10))
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["scheme", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["scheme", "name"], name="labour_indicator_name_unique")]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A unit entered in a labour competition: an enterprise, or a section (标段) of a project it runs."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="labour_units")
    employer = models.ForeignKey(
        Employer, verbose_name=pgettext_lazy("labour", "enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    section = models.CharField(_("section (标段)"), max_length=60, blank=True)
    union = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="+")  # the employer's union
    region_code = models.CharField(max_length=6, db_index=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("labour", "unit")
        verbose_name_plural = pgettext_lazy("labour", "units")
        ordering = ["competition", "employer__name", "section", "pk"]
        constraints = [models.UniqueConstraint(fields=["competition", "employer", "section"], name="labour_unit_once")]

    def __str__(self) -> str:
        return f"{self.employer.name} {self.section}".strip()

    def get_absolute_url(self) -> str:
        return reverse("labour:unit", args=[self.pk])


class Team(models.Model):
    """A team (班组) of a unit, with its members."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("team name"), max_length=60)
    members = models.ManyToManyField(Worker, verbose_name=_("members"), related_name="labour_teams", blank=True)

    class Meta:
        verbose_name = pgettext_lazy("labour", "team")
        verbose_name_plural = pgettext_lazy("labour", "teams")
        ordering = ["unit", "name"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="labour_team_name_unique")]

    def __str__(self) -> str:
        return self.name


class Round(models.Model):
    """An assessment round (a month or a quarter)."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="labour_rounds")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=40)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    due_on = models.DateField(_("figures due on"))
    weight = models.DecimalField(_("weight in the final standing"), max_digits=5, decimal_places=2, default=Decimal(1))
    state = models.CharField(_("state"), max_length=8, choices=RoundState.choices, default=RoundState.OPEN)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")
        ordering = ["competition", "number"]
        constraints = [models.UniqueConstraint(fields=["competition", "number"], name="labour_round_number_unique")]

    def __str__(self) -> str:
        return f"{self.competition} · {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("labour:round", args=[self.pk])


class Figure(models.Model):
    """One unit's figure for one indicator in one round: a measured value, or the committee's score."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="figures")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="figures")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="figures")
    value = models.DecimalField(_("figure"), max_digits=14, decimal_places=4, null=True, blank=True)
    note = models.CharField(pgettext_lazy("labour", "note"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=FigureState.choices, default=FigureState.REPORTED)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(auto_now=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        constraints = [
            models.UniqueConstraint(fields=["round", "unit", "indicator"], name="labour_figure_once"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.indicator} · {self.value}"


class Evidence(AttachmentBase):
    """A document or photo that backs a figure."""

    figure = models.ForeignKey(Figure, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to="labour/%Y/")

    class Meta(AttachmentBase.Meta):
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")


class Veto(models.Model):
    """A safety accident that vetoes a unit in a round (一票否决), when the scheme says so."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="vetoes")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="vetoes")
    reason = models.CharField(_("accident"), max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("veto")
        verbose_name_plural = _("vetoes")
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="labour_veto_once")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.reason}"


class Standing(models.Model):
    """A unit's place in a closed round, as published (红旗榜)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="standings")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="standings")
    rank = models.PositiveIntegerField(_("rank"))
    score = models.DecimalField(pgettext_lazy("labour", "score"), **SCORE)  # type: ignore[arg-type]
    vetoed = models.BooleanField(_("vetoed"), default=False)
    red_flag = models.BooleanField(_("red flag"), default=False)

    class Meta:
        verbose_name = _("standing")
        verbose_name_plural = _("standings")
        ordering = ["round", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], name="labour_standing_once"),
            models.UniqueConstraint(fields=["round", "rank"], name="labour_standing_rank_once"),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.rank} · {self.unit}"


class FinalStanding(models.Model):
    """A unit's place in the final standing (总排名), published once by the committee when the last round
    has closed: the rounds combined by the scheme's rule, a unit vetoed in any round last. Publishing it
    finishes the competition (its move to final), so these rows never change afterwards."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="labour_final_standings")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="final_standings")
    rank = models.PositiveIntegerField(_("rank"))
    score = models.DecimalField(pgettext_lazy("labour", "score"), **SCORE)  # type: ignore[arg-type]
    vetoed = models.BooleanField(_("vetoed"), default=False)

    class Meta:
        verbose_name = _("final place")
        verbose_name_plural = _("final places")
        ordering = ["competition", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "unit"], name="labour_final_standing_once"),
            models.UniqueConstraint(fields=["competition", "rank"], name="labour_final_rank_once"),
        ]

    def __str__(self) -> str:
        return f"{self.competition} · {self.rank} · {self.unit}"
