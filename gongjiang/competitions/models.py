from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongjiang.orgs.enums import UnionKind
from gongjiang.orgs.models import Employer, Union
from gongjiang.people.enums import Grade
from gongjiang.people.models import Occupation, Worker

from .enums import AspectKind, Audience, EntryState, Kind, Mode, ObjectionState, State, Tier


class Competition(models.Model):
    """A labour, skills or innovation competition run by an organising union (its scope)."""

    name = models.CharField(_("name"), max_length=120)
    tier = models.CharField(_("tier"), max_length=14, choices=Tier.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.SKILLS)
    organiser = models.ForeignKey(Union, verbose_name=_("organising union"), on_delete=models.PROTECT, related_name="+")
    committee = models.CharField(_("organising committee"), max_length=120, blank=True)
    co_organisers = models.CharField(_("co-organisers"), max_length=300, blank=True)
    host = models.CharField(_("host"), max_length=120, blank=True)
    series = models.CharField(_("series or brand"), max_length=60, blank=True)
    registration_closes_on = models.DateField(_("registration closes on"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    state = models.CharField(_("state"), max_length=14, choices=State.choices, default=State.DRAFT)
    avoid_same_region = models.BooleanField(_("judges also avoid competitors of their own region"), default=False)
    notice_working_days = models.PositiveSmallIntegerField(_("public notice (working days)"), default=5)
    trimmed_mean = models.BooleanField(_("drop the highest and lowest judgement score"), default=False)
    use_ws700 = models.BooleanField(_("also show the WorldSkills 700-point scale"), default=False)
    medal_count = models.PositiveSmallIntegerField(_("medals (gold, silver, bronze)"), default=3)
    merit_percent = models.PositiveSmallIntegerField(_("merit award for the top (%)"), default=50)
    notice_ends_on = models.DateField(_("public notice ends on"), null=True, blank=True)
    # The day the results became final: the policy rules in force that day decide what follows.
    finalised_on = models.DateField(_("final on"), null=True, blank=True)
    region_code = models.CharField(max_length=6)  # the organiser's; only read with the row, never searched
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("competition")
        verbose_name_plural = _("competitions")
        ordering = ["-starts_on", "-id"]
        # the list's order: its first page is a walk of this index, not a sort of every competition in reach;
        # the home page's "closing soon": the few competitions still taking registrations, by closing day
        indexes = [
            models.Index(F("starts_on").desc(), F("id").desc(), name="competition_newest"),
            models.Index(
                fields=["registration_closes_on"], condition=Q(state="registration"), name="competition_registering"
            ),
            # the cockpit's "public notices": the few competitions in notice, newest end first (walked
            # backwards and each checked against the subtree; before, every competition was scanned and sorted)
            models.Index(fields=["notice_ends_on"], condition=Q(state="notice"), name="competition_in_notice"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("competitions:detail", args=[self.pk])


class Event(models.Model):
    """A competition event (赛项) for one occupation and grade band."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="events")
    name = models.CharField(_("name"), max_length=120)
    occupation = models.ForeignKey(Occupation, verbose_name=_("occupation"), on_delete=models.PROTECT, related_name="+")
    grade_min = models.PositiveSmallIntegerField(_("lowest grade"), choices=Grade.choices, null=True, blank=True)
    grade_max = models.PositiveSmallIntegerField(_("highest grade"), choices=Grade.choices, null=True, blank=True)
    mode = models.CharField(_("individual or team"), max_length=10, choices=Mode.choices, default=Mode.INDIVIDUAL)
    team_size = models.PositiveSmallIntegerField(_("team size"), default=1)
    theory_weight = models.PositiveSmallIntegerField(_("theory weight (%)"), default=30)
    practical_weight = models.PositiveSmallIntegerField(_("practical weight (%)"), default=70)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    audience = models.CharField(_("who may enter"), max_length=10, choices=Audience.choices, default=Audience.EMPLOYED)
    signed_off_at = models.DateTimeField(_("marks signed off"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["competition", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(theory_weight__lte=100) & models.Q(practical_weight__lte=100),
                name="event_weights_at_most_100",
            )
        ]

    def __str__(self) -> str:
        return f"{self.competition} · {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("competitions:event", args=[self.pk])


class Entry(models.Model):
    """One worker entered in one event. ``union`` is the worker's enterprise union at entry time."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="entries")
    # indexed with what the statistics read of a person's entries (``entry_worker_covering``)
    worker = models.ForeignKey(
        Worker, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="entries", db_index=False
    )
    # indexed with the event (``entry_employer_event``), not alone
    employer = models.ForeignKey(
        Employer, verbose_name=_("employer"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    union = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(max_length=6)  # the employer's; only read with the row, never searched
    team = models.CharField(_("team"), max_length=60, blank=True)
    competitor_no = models.CharField(_("competitor number"), max_length=8, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=EntryState.choices, default=EntryState.REGISTERED)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)
    withdrawn_reason = models.CharField(_("reason for withdrawal"), max_length=200, blank=True)
    theory_score = models.DecimalField(_("theory score"), max_digits=5, decimal_places=2, null=True, blank=True)
    time_used = models.PositiveIntegerField(_("time used (seconds)"), null=True, blank=True)

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["event", "competitor_no", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "worker"], name="entry_one_per_worker_per_event"),
            models.UniqueConstraint(
                fields=["event", "competitor_no"],
                condition=~models.Q(competitor_no=""),
                name="entry_competitor_no_unique",
            ),
        ]
        # An event's page lists its entries in this order: an index walk of one page, however many
        # entered (a province-level event has thousands; sorting them all cost up to 0.4 s, issue 17).
        indexes = [
            models.Index(fields=["event", "state", "competitor_no", "id"], name="entry_event_page"),
            # the competitions an employer took part in (the innovation form's list): an index-only read of
            # its entries' events, where the employer's own index fetched every entry (the busiest
            # employer at province scale: 134,294 entries, 1.09 s to 70 ms)
            models.Index(fields=["employer", "event"], name="entry_employer_event"),
            # a person's entries with what the statistics count of them (the event, the union, the state):
            # the day's fill reads its 10,500 entrants' entries from the index alone (competitions 0012)
            models.Index(fields=["worker"], include=["event", "union", "state"], name="entry_worker_covering"),
        ]

    def __str__(self) -> str:
        return f"{self.event} · {self.worker}"


class Judge(models.Model):
    """An expert in a union's judge pool (专家库). ``user`` is the log-in used for marking."""

    pool = models.ForeignKey(Union, verbose_name=_("pool of"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=50)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="judge"
    )
    employer = models.ForeignKey(
        Employer, verbose_name=_("employer"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    affiliation = models.CharField(_("affiliation"), max_length=100, blank=True, help_text=_("e.g. a university"))
    region_code = models.CharField(_("region"), max_length=6)
    occupations = models.ManyToManyField(Occupation, verbose_name=_("occupations"), related_name="+")
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("judge")
        verbose_name_plural = _("judges")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Assignment(models.Model):
    """A judge assigned to an event; one chief judge per event."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="assignments")
    judge = models.ForeignKey(Judge, verbose_name=_("judge"), on_delete=models.PROTECT, related_name="assignments")
    is_chief = models.BooleanField(_("chief judge"), default=False)
    drawn = models.BooleanField(_("drawn at random"), default=False)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)

    class Meta:
        verbose_name = _("judge assignment")
        verbose_name_plural = _("judge assignments")
        ordering = ["-is_chief", "judge__name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "judge"], name="assignment_once_per_event"),
            models.UniqueConstraint(
                fields=["event"], condition=models.Q(is_chief=True), name="assignment_one_chief_per_event"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} · {self.judge}"


class Criterion(models.Model):
    """A criterion of an event's marking scheme (e.g. A 工艺 / B 尺寸精度)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("code"), max_length=4)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["event", "code"]
        constraints = [models.UniqueConstraint(fields=["event", "code"], name="criterion_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Aspect(models.Model):
    """One marked aspect: a measurement (objective, up to ``max_mark``) or a judgement (0–3 by three
    judges, each score with its written descriptor)."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="aspects")
    code = models.CharField(_("code"), max_length=8)
    description = models.CharField(_("description"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=AspectKind.choices)
    max_mark = models.DecimalField(_("maximum mark"), max_digits=5, decimal_places=2)
    descriptors = models.JSONField(_("score descriptors"), default=list, blank=True)

    class Meta:
        verbose_name = _("aspect")
        verbose_name_plural = _("aspects")
        ordering = ["criterion__code", "code"]
        constraints = [models.UniqueConstraint(fields=["criterion", "code"], name="aspect_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"


class Mark(models.Model):
    """One judge's mark for one competitor on one aspect: a mark for a measurement, a score 0–3
    for a judgement. Changes are audited with their reason."""

    aspect = models.ForeignKey(Aspect, on_delete=models.PROTECT, related_name="marks")
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="marks")
    judge = models.ForeignKey(Judge, on_delete=models.PROTECT, related_name="marks")
    value = models.DecimalField(_("mark"), max_digits=5, decimal_places=2)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mark")
        verbose_name_plural = _("marks")
        constraints = [models.UniqueConstraint(fields=["aspect", "entry", "judge"], name="mark_once_per_judge")]

    def __str__(self) -> str:
        return f"{self.aspect.code} #{self.entry_id} {self.value}"


class Result(models.Model):
    """An entry's published result: written when the competition goes to public notice (and again
    after a re-mark), final once the competition is final. Later parts read only final results."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="results")
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="result")
    rank = models.PositiveIntegerField(_("rank"))
    theory = models.DecimalField(_("theory score"), max_digits=5, decimal_places=2, null=True)
    # Six decimals of the exact scores (scoring.STORED_PLACES); the rank was decided on the exact
    # values, and pages and printed sheets show two decimals (the ``score`` filter).
    practical = models.DecimalField(_("practical score"), max_digits=9, decimal_places=6)
    total = models.DecimalField(_("total score"), max_digits=9, decimal_places=6)
    award = models.CharField(_("award"), max_length=10, blank=True)
    scaled = models.DecimalField(_("700-point scale"), max_digits=6, decimal_places=2, null=True)
    published_at = models.DateTimeField(_("published"))

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["event", "rank", "entry_id"]

    def __str__(self) -> str:
        return f"{self.entry} #{self.rank}"


class Objection(models.Model):
    """An objection (异议) to a published result, recorded during the public notice."""

    result = models.ForeignKey(Result, on_delete=models.PROTECT, related_name="objections")
    text = models.TextField(_("objection"))
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(_("raised"), auto_now_add=True)
    state = models.CharField(_("state"), max_length=10, choices=ObjectionState.choices, default=ObjectionState.OPEN)
    decision = models.TextField(_("decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-raised_at"]

    def __str__(self) -> str:
        return f"{self.result}: {self.text[:30]}"


class Certificate(models.Model):
    """A certificate for a final result, verifiable by anyone through its code. A reissue revokes
    the old certificate and points back to it; nothing is deleted."""

    result = models.ForeignKey(Result, on_delete=models.PROTECT, related_name="certificates")
    code = models.CharField(_("verification code"), max_length=12, unique=True)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revocation"), max_length=200, blank=True)
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by")

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["result"], condition=models.Q(revoked_at__isnull=True), name="certificate_one_valid_per_result"
            )
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("verify", args=[self.code])


class CalendarDay(models.Model):
    """A public holiday (a day off on a weekday) or a make-up working day (调休, a weekend day worked),
    as the State Council announces them each year; the public notice period counts working days by it."""

    day = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"), default=False)
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.name}"


class OrganisingRight(models.Model):
    """Which competition tiers a union may organise: policy data the province keeps, not code.

    A row for a union kind is the default for every union of that kind; a row for one union (an
    authorisation by the province) replaces its kind's default. A union may organise the row's
    highest tier and every tier below it; a union without any row organises nothing.
    """

    union_kind = models.CharField(_("union kind"), max_length=12, choices=UnionKind.choices, blank=True)
    union = models.OneToOneField(
        Union, verbose_name=_("union"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    highest_tier = models.CharField(_("highest tier"), max_length=14, choices=Tier.choices)
    basis = models.CharField(_("basis (document and clause)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("organising right")
        verbose_name_plural = _("organising rights")
        ordering = ["union_kind", "union__name"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(union__isnull=True) & ~models.Q(union_kind=""))
                | (models.Q(union__isnull=False) & models.Q(union_kind="")),
                name="organising_right_kind_or_union",
            ),
            models.UniqueConstraint(
                fields=["union_kind"], condition=~models.Q(union_kind=""), name="organising_right_one_per_kind"
            ),
        ]

    def __str__(self) -> str:
        who = self.union.name if self.union else UnionKind(self.union_kind).label
        return f"{who}: {Tier(self.highest_tier).label}"
