"""Competitions as projects (issue 15 §1): 立项申报 reviewed and recommended level by level, the yearly
竞赛目录, the province's quotas, 阶段总结 and 年终表彰.

Scope: an application belongs to its applying union; it is seen by whoever covers that union and by
the unions it has been sent up to (``at`` and every union on its trail). A catalogued competition's
stage reports and commendations follow its application.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongjiang.awards.models import HonourCycle, Nomination
from gongjiang.competitions.enums import Kind, Tier
from gongjiang.competitions.models import Competition
from gongjiang.core.models import Attachment as AttachmentBase
from gongjiang.labour.models import Team
from gongjiang.orgs.enums import UnionKind
from gongjiang.orgs.models import Employer, Union
from gongjiang.people.models import Worker
from gongjiang.policy.models import PolicyDocument

from .enums import ApplicationState, CommendationState, StepAction, SubjectKind

MONEY = {"max_digits": 14, "decimal_places": 2}


class ApprovalRight(models.Model):
    """Which kind of union approves the 立项 of a tier (policy data, citing its basis). A tier with no
    row is not applied for on this platform (national and WorldSkills competitions are approved by
    national bodies). The approving union must also hold the organising right of the tier
    (competitions.tiers), so these rows cannot give a union more than the province's organising rights."""

    tier = models.CharField(_("tier"), max_length=14, choices=Tier.choices, unique=True)
    approver_kind = models.CharField(_("approved by"), max_length=12, choices=UnionKind.choices)
    basis = models.CharField(_("basis (document and clause)"), max_length=200)

    class Meta:
        verbose_name = _("approval right")
        verbose_name_plural = _("approval rights")
        ordering = ["tier"]

    def __str__(self) -> str:
        return f"{self.get_tier_display()} → {self.get_approver_kind_display()}"


class Quota(models.Model):
    """How many projects of a tier a union may run in a year, set by the province, citing a document."""

    union = models.ForeignKey(Union, verbose_name=_("union"), on_delete=models.PROTECT, related_name="+")
    tier = models.CharField(_("tier"), max_length=14, choices=Tier.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    limit = models.PositiveIntegerField(_("projects allowed"))
    document = models.ForeignKey(PolicyDocument, verbose_name=_("document"), on_delete=models.PROTECT, related_name="+")
    clause = models.CharField(_("clause"), max_length=60, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("project quota")
        verbose_name_plural = _("project quotas")
        ordering = ["-year", "union__name", "tier"]
        constraints = [models.UniqueConstraint(fields=["union", "tier", "year"], name="catalogue_quota_once")]

    def __str__(self) -> str:
        return f"{self.union} {self.year} {self.get_tier_display()} ≤ {self.limit}"

    @property
    def citation(self) -> str:
        return f"{self.document.doc_no} {self.clause}".strip()


class Application(models.Model):
    """A union's 立项申报 to run a competition; once approved it is an entry of the year's 竞赛目录."""

    applicant = models.ForeignKey(Union, verbose_name=_("applying union"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.LABOUR)
    tier = models.CharField(_("tier"), max_length=14, choices=Tier.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    leading_body = models.CharField(_("leading body"), max_length=200)
    indicators = models.TextField(_("indicators"))
    budget = models.DecimalField(_("budget (yuan)"), **MONEY)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    plan = models.FileField(_("implementation plan"), upload_to="catalogue/plans/%Y/", blank=True)
    plan_name = models.CharField(max_length=200, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=ApplicationState.choices, default=ApplicationState.DRAFT
    )
    # the union whose review it waits for (None in draft, returned or approved)
    at = models.ForeignKey(
        Union, verbose_name=_("waiting at"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # the union entitled to approve it (ApprovalRight and organising rights), fixed when it is sent up
    approver = models.ForeignKey(
        Union, verbose_name=_("approving union"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    competition = models.OneToOneField(
        Competition,
        verbose_name=_("competition"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="catalogue_entry",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("project application")
        verbose_name_plural = _("project applications")
        ordering = ["-year", "-id"]
        indexes = [models.Index(fields=["applicant", "year"]), models.Index(fields=["at", "state"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalogue:application", args=[self.pk])


class Step(models.Model):
    """One step of an application's approval trail."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="steps")
    union = models.ForeignKey(Union, verbose_name=_("union"), on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=10, choices=StepAction.choices)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.application} · {self.get_action_display()}"


class StageReport(models.Model):
    """A 阶段总结 due on a set day for a catalogued competition, and the organiser's report."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="stage_reports")
    title = models.CharField(pgettext_lazy("report", "title"), max_length=120)
    due_on = models.DateField(_("due on"))
    summary = models.TextField(_("summary"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("stage report")
        verbose_name_plural = _("stage reports")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["due_on", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.application} · {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("catalogue:stage_report", args=[self.pk])


class StageAttachment(AttachmentBase):
    report = models.ForeignKey(StageReport, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="catalogue/stages/%Y/")


class Commendation(models.Model):
    """年终表彰: a unit (employer), a team or a person the organiser commends, reviewed by the union above
    it; optionally proposed for a higher honour the platform runs (an honour cycle whose rule confers on
    the same kind of subject), which becomes a nomination in that cycle when the commendation is approved."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="commendations")
    subject = models.CharField(_("commended"), max_length=8, choices=SubjectKind.choices)
    employer = models.ForeignKey(
        Employer, verbose_name=_("employer"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A team (班组) of a labour competition's unit: the team itself, its name and employer copied beside it.
    # Skills contests and teams not kept on the platform give the employer and the name only.
    team = models.ForeignKey(
        Team,
        verbose_name=pgettext_lazy("labour", "team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commendations",
    )
    team_name = models.CharField(_("team"), max_length=120, blank=True)
    worker = models.ForeignKey(
        Worker, verbose_name=_("worker"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    citation = models.TextField(_("deeds"))
    honour_cycle = models.ForeignKey(
        HonourCycle,
        verbose_name=_("recommended for"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    nomination = models.OneToOneField(
        Nomination, null=True, blank=True, on_delete=models.PROTECT, related_name="commendation"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=CommendationState.choices, default=CommendationState.PROPOSED
    )
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)

    class Meta:
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")
        ordering = ["application", "subject", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(subject="unit", employer__isnull=False)
                    | models.Q(subject="team", employer__isnull=False) & ~models.Q(team_name="")
                    | models.Q(subject="person", worker__isnull=False)
                ),
                name="commendation_subject_named",
            ),
            models.CheckConstraint(
                condition=models.Q(team__isnull=True) | models.Q(subject="team"), name="commendation_team_is_a_team"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_subject_display()} · {self.label}"

    @property
    def label(self) -> str:
        if self.subject == SubjectKind.PERSON and self.worker_id:
            return self.worker.name
        if self.subject == SubjectKind.TEAM:
            return f"{self.team_name}（{self.employer.name}）" if self.employer_id else self.team_name
        return self.employer.name if self.employer_id else ""
