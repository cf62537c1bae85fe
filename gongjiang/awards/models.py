"""Decisions that follow from results, the payout ledger with its budgets, and honour programmes.

Scope: a decision, a ledger line or a nomination is about one worker (or one union, for a
subsidy; or one unit or team, for a unit's or a team's honour) and is seen by whoever covers that
worker's (the unit's, the team's employer's) union; reviewing a competition's
decisions belongs to its organiser's subtree; approving and paying belong to the programme's
owner (the provincial federation unless a programme names a union).
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongjiang.competitions.models import Result
from gongjiang.orgs.models import Employer, Union
from gongjiang.orgs.queries import cities_of
from gongjiang.people.enums import Grade
from gongjiang.people.models import Honour, Occupation, SkillGrade, Worker
from gongjiang.policy.engine import explain
from gongjiang.policy.enums import Nominee
from gongjiang.policy.models import Programme, Rule

from .enums import CycleState, DecisionKind, DecisionState, LineState, NominationState, ObjectionState

MONEY = {"max_digits": 12, "decimal_places": 2}


class Decision(models.Model):
    """What a rule proposes for one final result, and the official's review of it."""

    kind = models.CharField(_("kind"), max_length=10, choices=DecisionKind.choices)
    rule = models.ForeignKey(Rule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="decisions")
    result = models.ForeignKey(Result, on_delete=models.PROTECT, related_name="decisions")
    worker = models.ForeignKey(Worker, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="decisions")
    union = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="+")  # the worker's
    owner = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="+")  # the organiser, who reviews
    decided_on = models.DateField(_("facts as of"))
    reason_code = models.CharField(max_length=30)
    reason_params = models.JSONField(default=dict)
    ceiling = models.DecimalField(_("proposed amount"), null=True, blank=True, **MONEY)
    amount = models.DecimalField(_("granted amount"), null=True, blank=True, **MONEY)
    grade = models.PositiveSmallIntegerField(_("grade"), choices=Grade.choices, null=True, blank=True)
    occupation = models.ForeignKey(Occupation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(pgettext_lazy("honour", "title"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=DecisionState.choices, default=DecisionState.PROPOSED)
    review_note = models.TextField(_("review note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    skill_grade = models.OneToOneField(
        SkillGrade, null=True, blank=True, on_delete=models.PROTECT, related_name="decision"
    )
    honour = models.OneToOneField(Honour, null=True, blank=True, on_delete=models.PROTECT, related_name="decision")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["result", "kind", "rule"], name="decision_once_per_rule"),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__lte=models.F("ceiling")), name="decision_within_ceiling"
            ),
        ]
        indexes = [models.Index(fields=["union", "state"]), models.Index(fields=["owner", "state"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.worker}"

    def get_absolute_url(self) -> str:
        return reverse("awards:decision", args=[self.pk])

    @property
    def reason(self) -> str:
        return explain(self.reason_code, self.reason_params)


class Budget(models.Model):
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="budgets"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("budget"), **MONEY)

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        ordering = ["-year", "programme__code"]
        constraints = [models.UniqueConstraint(fields=["programme", "year"], name="budget_once_per_year")]

    def __str__(self) -> str:
        return f"{self.programme} {self.year}"


class LedgerLine(models.Model):
    """One payment (or reversal) moving proposed → approved → paid, or rejected. Never deleted."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="lines"
    )
    year = models.PositiveSmallIntegerField(_("budget year"))
    union = models.ForeignKey(Union, verbose_name=_("union"), on_delete=models.PROTECT, related_name="+")
    # The union's city (``orgs.queries.cities_of``), copied when the line is written: every line in a
    # city or county official's reach carries their city, so their ledger walks ``line_city_newest``
    # (issue 17). Filled by ``save``; a ``bulk_create`` must fill it itself.
    city = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="+", db_index=False, editable=False)
    worker = models.ForeignKey(Worker, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_lines")
    payee = models.CharField(_("payee"), max_length=200)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    state = models.CharField(_("state"), max_length=10, choices=LineState.choices, default=LineState.PROPOSED)
    rule = models.ForeignKey(Rule, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    # What the line pays for: at most one line each (a reversal is the only second line).
    decision = models.OneToOneField(Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="line")
    nomination = models.OneToOneField(
        "Nomination", null=True, blank=True, on_delete=models.PROTECT, related_name="line"
    )
    source = models.CharField(max_length=60, blank=True)  # e.g. "alliance:12" for a subsidy
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversal")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("paid by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    payment_ref = models.CharField(_("payment reference"), max_length=60, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rejected by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    reject_reason = models.TextField(_("reason for rejection"), blank=True)

    class Meta:
        verbose_name = _("ledger line")
        verbose_name_plural = _("ledger lines")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(approved_by=models.F("proposed_by")), name="line_approver_not_proposer"
            ),
            models.CheckConstraint(condition=~Q(paid_by=models.F("approved_by")), name="line_payer_not_approver"),
            models.CheckConstraint(
                condition=Q(reverses__isnull=True, amount__gt=0) | Q(reverses__isnull=False, amount__lt=0),
                name="line_sign",
            ),
            models.CheckConstraint(condition=~Q(state="paid") | Q(paid_by__isnull=False), name="line_paid_by_someone"),
            models.UniqueConstraint(fields=["source"], condition=~Q(source=""), name="line_once_per_source"),
        ]
        indexes = [
            models.Index(fields=["programme", "year", "state"]),
            models.Index(fields=["union", "-id"]),
            # The home page's to-dos read the few lines still open, never the whole ledger (issue 17):
            # lines to approve and to pay, with what their counts filter on (index-only scans).
            models.Index(
                fields=["programme", "union", "proposed_by"], condition=Q(state="proposed"), name="line_to_approve"
            ),
            models.Index(
                fields=["programme", "union", "approved_by"], condition=Q(state="approved"), name="line_to_pay"
            ),
            # The ledger's totals per state for one budget year; with the union and the programme a
            # city official's totals (``union IN reach OR programme IN theirs``) read the index alone.
            models.Index(fields=["year", "state", "union", "programme", "amount"], name="line_year_totals"),
            # A city's lines newest first: a city or county official's ledger (``queries.ledger_rows``).
            models.Index(fields=["city", "-id"], name="line_city_newest"),
            # One union's totals per state for one budget year: a county official's totals, union by union
            # (``queries.ReachNewestLines.year_totals``), index-only.
            models.Index(fields=["union", "year", "state", "amount"], name="line_union_year_totals"),
            # One city's totals per state for one budget year: a city federation's official's totals,
            # read by the city (``queries.city_year_totals``), index-only.
            models.Index(fields=["city", "year", "state", "amount"], name="line_city_year_totals"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.payee} {self.amount}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.city_id is None and self.union_id is not None:
            self.city_id = cities_of([self.union_id]).get(self.union_id)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("awards:line", args=[self.pk])


class ReachLineTotal(models.Model):
    """For each union and each budget year and state: the sum and the number of the ledger lines paid
    to that union or any union below it (its closure's descendants, itself included). What an official
    with one root reads for the ledger's year totals, a few rows whatever the number of lines
    (``queries.reach_year_totals``, issue 17): the year's sum over the reach grew with the year's
    lines (50,710 at province scale: 13.7 ms for the province, 19.9 ms through an industrial union's
    reach).

    Kept exact in the writer's own transaction by the database itself (awards 0011), whatever wrote
    the lines (the services, ``bulk_create``, COPY): on PostgreSQL statement triggers with transition
    tables, on SQLite row triggers, on the ledger (insert; update of the union, year, state or amount;
    delete, which no path does) and on the closure table (a union attached under an ancestor brings
    its lines; a link removed takes them away). Each statement upserts its deltas in key order, so
    two writers lock the rows they share in the same order. ``lines`` tells a state with no line (a
    row left at zero) from one whose lines sum to zero; readers skip ``lines = 0``."""

    # (no index of its own: the unique constraint's index leads with it)
    ancestor = models.ForeignKey(Union, on_delete=models.CASCADE, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=10, choices=LineState.choices)
    total = models.DecimalField(max_digits=18, decimal_places=2)
    lines = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ancestor", "year", "state"], name="reach_line_total_unique")]

    def __str__(self) -> str:
        return f"{self.ancestor_id} {self.year} {self.state}: {self.total} ({self.lines})"


class HonourCycle(models.Model):
    """One round of an honour programme (e.g. 龙江大工匠 2026) under the rule version in force."""

    rule = models.ForeignKey(Rule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="cycles")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(pgettext_lazy("honour", "title"), max_length=100)
    quota = models.PositiveIntegerField(_("quota"))
    state = models.CharField(_("state"), max_length=12, choices=CycleState.choices, default=CycleState.NOMINATING)
    notice_ends_on = models.DateField(_("public notice ends on"), null=True, blank=True)
    # the last day unions may nominate; none for cycles opened before cycles had one
    nominations_close_on = models.DateField(_("nominations close on"), null=True, blank=True)
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("expert reviewers"), blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("honour cycle")
        verbose_name_plural = _("honour cycles")
        ordering = ["-year", "title"]
        constraints = [models.UniqueConstraint(fields=["title", "year"], name="cycle_once_per_year")]

    def __str__(self) -> str:
        return f"{self.title} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("awards:cycle", args=[self.pk])


class Allocation(models.Model):
    cycle = models.ForeignKey(HonourCycle, on_delete=models.CASCADE, related_name="allocations")
    union = models.ForeignKey(Union, verbose_name=_("union"), on_delete=models.PROTECT, related_name="+")
    quota = models.PositiveIntegerField(_("quota"))

    class Meta:
        verbose_name = _("quota allocation")
        verbose_name_plural = _("quota allocations")
        ordering = ["union__name"]
        constraints = [models.UniqueConstraint(fields=["cycle", "union"], name="allocation_once")]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.union} · {self.quota}"


class Nomination(models.Model):
    """One nominee of an honour cycle: a worker, a unit (an employer) or a team of an employer, as the
    cycle's rule says (its ``nominee`` term). A team is named by its employer and its name; a team of a
    labour competition (``labour.Team``) is linked from the commendation that proposed it, above us."""

    cycle = models.ForeignKey(
        HonourCycle, verbose_name=_("honour cycle"), on_delete=models.PROTECT, related_name="nominations"
    )
    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="nominations")
    subject = models.CharField(_("conferred on"), max_length=8, choices=Nominee.choices, default=Nominee.PERSON)
    worker = models.ForeignKey(
        Worker, verbose_name=_("nominee"), null=True, blank=True, on_delete=models.PROTECT, related_name="nominations"
    )
    # the unit itself, or the team's employer
    employer = models.ForeignKey(
        Employer,
        verbose_name=pgettext_lazy("nominee", "unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    team_name = models.CharField(pgettext_lazy("nominee", "team"), max_length=120, blank=True)
    # the nominee as named when nominated (a team with its employer): what lists, figures and the roll read
    nominee_name = models.CharField(_("nominee"), max_length=240, blank=True)
    union = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="+")  # the worker's or the employer's
    statement = models.TextField(_("deeds and reasons"))
    materials = models.FileField(_("supporting materials"), upload_to="nominations/%Y/", blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=NominationState.choices, default=NominationState.SUBMITTED
    )
    score = models.DecimalField(_("review score"), max_digits=5, decimal_places=2, null=True, blank=True)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("nominated by"), on_delete=models.PROTECT, related_name="+"
    )
    nominated_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    honour = models.OneToOneField(Honour, null=True, blank=True, on_delete=models.PROTECT, related_name="nomination")

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["-score", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(subject="person", worker__isnull=False, employer__isnull=True, team_name="")
                    | Q(subject="unit", worker__isnull=True, employer__isnull=False, team_name="")
                    | (Q(subject="team", worker__isnull=True, employer__isnull=False) & ~Q(team_name=""))
                ),
                name="nomination_names_its_nominee",
            ),
            models.UniqueConstraint(
                fields=["cycle", "worker"], condition=Q(subject="person"), name="nomination_once_per_cycle"
            ),
            models.UniqueConstraint(
                fields=["cycle", "employer"], condition=Q(subject="unit"), name="nomination_unit_once_per_cycle"
            ),
            models.UniqueConstraint(
                fields=["cycle", "employer", "team_name"],
                condition=Q(subject="team"),
                name="nomination_team_once_per_cycle",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.nominee}"

    def get_absolute_url(self) -> str:
        return reverse("awards:nomination", args=[self.pk])

    @property
    def nominee(self) -> str:
        """The worker's name, the unit's name, or the team's name with its employer's."""
        if self.nominee_name:
            return self.nominee_name
        if self.subject == Nominee.PERSON:
            return self.worker.name if self.worker_id else ""
        if self.subject == Nominee.TEAM:
            return f"{self.team_name}（{self.employer.name}）"
        return self.employer.name

    @property
    def employer_name(self) -> str:
        """The unit, the team's employer, or the worker's employer."""
        if self.subject == Nominee.PERSON:
            return self.worker.employer.name if self.worker_id and self.worker.employer_id else ""
        return self.employer.name


class Review(models.Model):
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [models.UniqueConstraint(fields=["nomination", "reviewer"], name="review_once_per_reviewer")]

    def __str__(self) -> str:
        return f"{self.nomination} · {self.score}"


class NominationObjection(models.Model):
    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="objections")
    text = models.TextField(_("objection"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("raised by"), on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(_("state"), max_length=10, choices=ObjectionState.choices, default=ObjectionState.OPEN)
    decision = models.TextField(_("decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return self.text[:40]
