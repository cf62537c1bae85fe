"""Workers' innovation results (职工创新成果) and their economic benefit (经济效益).

One row per result, whichever competition, studio or problem-board project it came from: that is
what makes the benefit count once. ``union`` copies the employer's union (the scope)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongjiang.competitions.models import Competition
from gongjiang.core.models import Attachment as AttachmentBase
from gongjiang.labour.models import Team
from gongjiang.orgs.models import Employer, Union
from gongjiang.people.models import Worker
from gongjiang.studios.models import Project, Studio

from .enums import Grade, Kind, State

MONEY = {"max_digits": 14, "decimal_places": 2}


class Innovation(models.Model):
    title = models.CharField(pgettext_lazy("work", "title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"))
    employer = models.ForeignKey(
        Employer, verbose_name=_("employer"), on_delete=models.PROTECT, related_name="innovations"
    )
    union = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(max_length=6)
    team = models.CharField(_("team (班组)"), max_length=120, blank=True)  # as written, when not from a labour one
    # the team (班组) entered in the labour competition the result came from, if any
    labour_team = models.ForeignKey(
        Team,
        verbose_name=_("team in the labour competition"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="innovations",
    )
    # A named operating method (以职工名字命名的先进操作法): the name it carries and the worker it is named after.
    method_name = models.CharField(_("name of the operating method"), max_length=120, blank=True)
    named_after = models.ForeignKey(
        Worker,
        verbose_name=_("named after"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="named_methods",
    )
    # Where it came from, if anywhere: one result may be reached from all three.
    competition = models.ForeignKey(
        Competition,
        verbose_name=_("competition"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="innovations",
    )
    studio = models.ForeignKey(
        Studio, verbose_name=_("studio"), null=True, blank=True, on_delete=models.PROTECT, related_name="innovations"
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("studio or alliance project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="innovations",
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    check_note = models.CharField(_("check note"), max_length=300, blank=True)
    grade = models.CharField(_("grade"), max_length=6, choices=Grade.choices, blank=True)
    experts = models.CharField(_("appraising experts"), max_length=200, blank=True)
    appraisal = models.TextField(_("appraisal opinion"), blank=True)
    appraised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The benefit: (annual saving + added output) x years - deductions, the inputs kept with it.
    annual_saving = models.DecimalField(_("annual saving (yuan)"), **MONEY, default=Decimal(0))
    added_output = models.DecimalField(_("annual added output (yuan)"), **MONEY, default=Decimal(0))
    years = models.DecimalField(_("period (years)"), max_digits=4, decimal_places=1, default=Decimal(1))
    deductions = models.DecimalField(_("deductions (yuan)"), **MONEY, default=Decimal(0))
    method = models.CharField(_("calculation method"), max_length=300, blank=True)
    benefit = models.DecimalField(_("economic benefit (yuan)"), **MONEY, null=True, blank=True)
    calculated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_on = models.DateField(_("benefit confirmed on"), null=True, blank=True)
    notice_until = models.DateField(_("public notice until"), null=True, blank=True)
    recognised_on = models.DateField(_("recognised on"), null=True, blank=True)
    reject_reason = models.CharField(_("reason not accepted"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("innovation result")
        verbose_name_plural = _("innovation results")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["union", "-id"]),
            models.Index(fields=["confirmed_on"], name="innovation_confirmed_on"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(benefit__isnull=True) | Q(benefit__gte=0), name="innovation_benefit_ge0"
            ),
            models.CheckConstraint(
                condition=Q(method_name="") | Q(named_after__isnull=False), name="innovation_named_method_has_worker"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("innovations:detail", args=[self.pk])

    @property
    def team_name(self) -> str:
        """The team: the labour competition's team it links to, else the name as written."""
        return self.labour_team.name if self.labour_team_id else self.team

    @property
    def alliance_id(self) -> int | None:
        return self.project.alliance_id if self.project_id else None  # type: ignore[union-attr]


class Author(models.Model):
    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="authors")
    worker = models.ForeignKey(Worker, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="innovations")
    share = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["innovation", "worker"], name="innovation_author_once"),
            models.CheckConstraint(condition=Q(share__gt=0) & Q(share__lte=100), name="innovation_share_range"),
        ]

    def __str__(self) -> str:
        return f"{self.worker} {self.share}%"


class Attachment(AttachmentBase):
    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="innovations/%Y/")


class Objection(models.Model):
    """An objection raised during the public notice; an open one holds recognition back."""

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="objections")
    text = models.TextField(_("objection"))
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(auto_now_add=True)
    upheld = models.BooleanField(_("upheld"), null=True)
    resolution = models.CharField(_("resolution"), max_length=300, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text[:40]
