"""Innovation studios (劳模和工匠人才创新工作室), their alliances (创新工作室联盟), the problem board
(难题榜) with its joint projects, yearly evaluation and the targets the unions are counted against."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongjiang.core.models import Attachment as AttachmentBase
from gongjiang.orgs.models import Employer, Union
from gongjiang.people.enums import HonourLevel
from gongjiang.people.models import Occupation, Worker

from .enums import (
    ActivityKind,
    AllianceState,
    ClaimState,
    ClosureReason,
    EvaluationOutcome,
    Level,
    MemberState,
    ProblemState,
    ProjectState,
    ResultKind,
    StudioState,
)

MONEY = {"max_digits": 14, "decimal_places": 2}


class LevelRequirement(models.Model):
    """What naming a studio at one level requires of its lead and its record; data, not code.

    Seeded by a data migration from 《关于深入开展劳模和工匠人才创新工作室创建工作的意见》; a provincial
    admin may change the rows when a new document says otherwise.
    """

    level = models.CharField(_("level"), max_length=12, choices=Level.choices, unique=True)
    min_honour_level = models.PositiveSmallIntegerField(_("lowest honour level"), choices=HonourLevel.choices)
    honour_kinds = models.CharField(
        _("honour kinds"), max_length=100, help_text=_("Comma-separated honour kinds that qualify a lead.")
    )
    min_team = models.PositiveSmallIntegerField(_("smallest team"), default=3)
    min_years_running = models.PositiveSmallIntegerField(_("years run well before naming"), default=0)
    document = models.CharField(_("policy document"), max_length=200, blank=True)
    clause = models.CharField(_("clause"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("studio level requirement")
        verbose_name_plural = _("studio level requirements")
        ordering = ["level"]

    def __str__(self) -> str:
        return self.get_level_display()

    @property
    def kinds(self) -> list[str]:
        return [k.strip() for k in self.honour_kinds.split(",") if k.strip()]


class Studio(models.Model):
    """A studio of one employer, led by one of its workers; ``union`` copies the employer's union."""

    name = models.CharField(_("name"), max_length=120)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    state = models.CharField(_("state"), max_length=10, choices=StudioState.choices, default=StudioState.APPLIED)
    employer = models.ForeignKey(Employer, verbose_name=_("employer"), on_delete=models.PROTECT, related_name="studios")
    union = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(max_length=6, db_index=True)
    lead = models.ForeignKey(Worker, verbose_name=_("lead"), on_delete=models.PROTECT, related_name="led_studios")
    field = models.CharField(pgettext_lazy("work", "field"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    occupations = models.ManyToManyField(Occupation, verbose_name=_("occupations"), blank=True, related_name="+")
    founded_on = models.DateField(_("founded on"))
    # The two items of the "六有" the record cannot show by itself; the applicant attests them.
    has_place_and_funds = models.BooleanField(_("has a place and funds"), default=False)
    has_rules = models.BooleanField(_("has working rules"), default=False)
    named_on = models.DateField(_("named on"), null=True, blank=True)
    named_by = models.ForeignKey(
        Union, verbose_name=_("named by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closure_reason = models.CharField(_("closure reason"), max_length=20, choices=ClosureReason.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("innovation studio")
        verbose_name_plural = _("innovation studios")
        ordering = ["-id"]
        indexes = [models.Index(fields=["union", "-id"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("studios:detail", args=[self.pk])


class StudioMember(models.Model):
    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="members")
    worker = models.ForeignKey(Worker, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role in the team"), max_length=50, blank=True)
    joined_on = models.DateField(_("joined on"))

    class Meta:
        verbose_name = _("studio member")
        verbose_name_plural = _("studio members")
        ordering = ["joined_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["studio", "worker"], name="studio_member_unique")]

    def __str__(self) -> str:
        return f"{self.studio} · {self.worker}"


class StudioResult(models.Model):
    """A recognised result: a patent, invention, standard, work method or award. Its economic benefit,
    if any, is an innovation (the innovations app) linked to the studio, reviewed and confirmed there."""

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="results")
    kind = models.CharField(_("kind"), max_length=12, choices=ResultKind.choices)
    title = models.CharField(pgettext_lazy("work", "title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    reference = models.CharField(_("number or reference"), max_length=60, blank=True)
    project = models.ForeignKey(
        "Project", verbose_name=_("project"), null=True, blank=True, on_delete=models.SET_NULL, related_name="results"
    )

    class Meta:
        verbose_name = _("studio result")
        verbose_name_plural = _("studio results")
        ordering = ["-year", "pk"]

    def __str__(self) -> str:
        return self.title


class StudioReport(models.Model):
    """The studio's yearly self-report (年度自评)."""

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField(_("year"))
    summary = models.TextField(_("summary"))
    people_trained = models.PositiveIntegerField(_("people trained"), default=0)
    self_score = models.PositiveSmallIntegerField(_("self-assessed score"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("yearly self-report")
        verbose_name_plural = _("yearly self-reports")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["studio", "year"], name="studio_report_unique")]

    def __str__(self) -> str:
        return f"{self.studio} {self.year}"


class Alliance(models.Model):
    """An alliance of studios, led by a union; the bar, the inactivity period and the waiting period
    before a delisted member may reapply are the lead union's published rules."""

    name = models.CharField(_("name"), max_length=120)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    lead_union = models.ForeignKey(
        Union, verbose_name=_("lead union"), on_delete=models.PROTECT, related_name="led_alliances"
    )
    region_code = models.CharField(max_length=6, db_index=True)
    founded_on = models.DateField(_("founded on"))
    founding_document = models.CharField(_("founding document"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    chair = models.ForeignKey(
        "Membership",
        verbose_name=pgettext_lazy("alliance", "chair"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    bar = models.DecimalField(_("pass mark"), max_digits=5, decimal_places=2, default=Decimal(60))
    # proposed by the lead union, then named (命名) by a union entitled to name the level, as studios are
    state = models.CharField(
        _("state"), max_length=10, choices=AllianceState.choices, default=AllianceState.NAMED, db_index=True
    )
    named_on = models.DateField(_("named on"), null=True, blank=True)
    named_by = models.ForeignKey(
        Union, verbose_name=_("named by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)
    inactive_months = models.PositiveSmallIntegerField(_("inactive after (months)"), default=12)
    waiting_months = models.PositiveSmallIntegerField(_("waiting period before reapplying (months)"), default=12)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("studio alliance")
        verbose_name_plural = _("studio alliances")
        ordering = ["-founded_on", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("studios:alliance_detail", args=[self.pk])


class Membership(models.Model):
    """A studio in an alliance, or an external member (a studio of another province, not in the union
    tree). Rows are never deleted: a delisted membership stays with its reason; reapplying adds a row."""

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="memberships")
    studio = models.ForeignKey(
        Studio, verbose_name=_("studio"), null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    external_name = models.CharField(_("external studio"), max_length=120, blank=True)
    external_employer = models.CharField(_("external employer"), max_length=120, blank=True)
    external_province = models.CharField(_("province"), max_length=30, blank=True)
    external_field = models.CharField(pgettext_lazy("work", "field"), max_length=120, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=MemberState.choices, default=MemberState.ACTIVE)
    joined_on = models.DateField(_("joined on"))
    warned_on = models.DateField(_("warned on"), null=True, blank=True)
    warning_reason = models.CharField(_("warning reason"), max_length=300, blank=True)
    delisted_on = models.DateField(_("delisted on"), null=True, blank=True)
    delisting_reason = models.CharField(_("delisting reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("alliance member")
        verbose_name_plural = _("alliance members")
        ordering = ["joined_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "studio"],
                condition=~Q(state=MemberState.DELISTED),
                name="membership_one_current_per_studio",
            ),
            models.CheckConstraint(
                condition=Q(studio__isnull=False) | ~Q(external_name=""), name="membership_studio_or_external"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.studio.name if self.studio_id else self.external_name  # type: ignore[union-attr]

    @property
    def employer_name(self) -> str:
        return self.studio.employer.name if self.studio_id else self.external_employer  # type: ignore[union-attr]

    @property
    def is_external(self) -> bool:
        return self.studio_id is None


class Activity(models.Model):
    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=10, choices=ActivityKind.choices)
    held_on = models.DateField(_("held on"))
    title = models.CharField(pgettext_lazy("work", "title"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    members = models.ManyToManyField(Membership, verbose_name=_("members taking part"), related_name="activities")

    class Meta:
        verbose_name = _("alliance activity")
        verbose_name_plural = _("alliance activities")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class Problem(models.Model):
    """A production problem (难题) a member posts on its alliance's board (揭榜挂帅)."""

    alliance = models.ForeignKey(
        Alliance, verbose_name=_("alliance"), on_delete=models.PROTECT, related_name="problems"
    )
    studio = models.ForeignKey(Studio, verbose_name=_("posted by"), on_delete=models.PROTECT, related_name="problems")
    title = models.CharField(pgettext_lazy("work", "title"), max_length=200)
    field = models.CharField(pgettext_lazy("work", "field"), max_length=120)
    description = models.TextField(_("description"))
    deadline = models.DateField(_("deadline"))
    reward = models.DecimalField(_("reward (yuan)"), **MONEY, null=True, blank=True)
    open_to_all = models.BooleanField(_("open to every alliance"), default=False)
    state = models.CharField(_("state"), max_length=12, choices=ProblemState.choices, default=ProblemState.OPEN)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    posted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("production problem")
        verbose_name_plural = _("production problems")
        ordering = ["-posted_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("studios:problem_detail", args=[self.pk])


class ProblemAttachment(AttachmentBase):
    """A drawing, photo or report that comes with a problem; a problem may have several."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="problems/%Y/")


class Claim(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="claims")
    studio = models.ForeignKey(Studio, verbose_name=_("studio"), on_delete=models.PROTECT, related_name="claims")
    plan = models.TextField(_("plan"))
    state = models.CharField(_("state"), max_length=10, choices=ClaimState.choices, default=ClaimState.PENDING)
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    claimed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["claimed_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["problem", "studio"], name="claim_once_per_studio")]

    def __str__(self) -> str:
        return f"{self.studio} → {self.problem}"


class Project(models.Model):
    """A studio's project, or a joint project born of an accepted claim (``problem`` set)."""

    title = models.CharField(pgettext_lazy("work", "title"), max_length=200)
    studio = models.ForeignKey(Studio, verbose_name=_("lead studio"), on_delete=models.PROTECT, related_name="projects")
    alliance = models.ForeignKey(
        Alliance, verbose_name=_("alliance"), null=True, blank=True, on_delete=models.PROTECT, related_name="projects"
    )
    problem = models.OneToOneField(
        Problem, verbose_name=_("problem"), null=True, blank=True, on_delete=models.PROTECT, related_name="project"
    )
    participants = models.ManyToManyField(
        Studio, verbose_name=_("participating studios"), related_name="joint_projects"
    )
    state = models.CharField(_("state"), max_length=10, choices=ProjectState.choices, default=ProjectState.UNDER_WAY)
    started_on = models.DateField(_("started on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    outcome = models.TextField(_("outcome"), blank=True)
    # The economic benefit is not typed here: it is the confirmed benefit of the innovations linked to
    # the project (the innovations app), so a result reached from several places counts once.
    patents = models.PositiveSmallIntegerField(_("patents"), default=0)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-started_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("studios:project_detail", args=[self.pk])


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(pgettext_lazy("work", "title"), max_length=200)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class Criterion(models.Model):
    """An evaluation criterion with its weight; ``alliance`` empty: the default set a new alliance copies."""

    alliance = models.ForeignKey(Alliance, null=True, blank=True, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("name"), max_length=60)
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["alliance", "name"], name="criterion_unique_name")]

    def __str__(self) -> str:
        return self.name


class Evaluation(models.Model):
    """One member's yearly evaluation by the alliance's lead union: scores 0–100 per criterion."""

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="evaluations")
    year = models.PositiveSmallIntegerField(_("year"))
    scores = models.JSONField(_("scores"), default=dict)
    total = models.DecimalField(_("weighted score"), max_digits=5, decimal_places=2)
    outcome = models.CharField(_("verdict"), max_length=10, choices=EvaluationOutcome.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scored_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-year", "pk"]
        constraints = [models.UniqueConstraint(fields=["membership", "year"], name="evaluation_once_a_year")]

    def __str__(self) -> str:
        return f"{self.membership} {self.year}"


class Target(models.Model):
    """How many alliances a union's subtree is to form: in ``year`` alone, or (cumulative) by its end."""

    union = models.ForeignKey(Union, verbose_name=_("union"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    alliances = models.PositiveSmallIntegerField(_("alliances"))
    cumulative = models.BooleanField(_("counted up to the end of the year"), default=False)
    document = models.CharField(_("policy document"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("alliance target")
        verbose_name_plural = _("alliance targets")
        ordering = ["-year", "union__kind", "union__name"]
        constraints = [models.UniqueConstraint(fields=["union", "year", "cumulative"], name="target_unique")]

    def __str__(self) -> str:
        return f"{self.union} {self.year}: {self.alliances}"
