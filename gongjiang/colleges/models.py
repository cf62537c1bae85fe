"""Craftsman colleges (工匠学院): colleges, their staff and teachers, courses whose units may cite a
competition's marking scheme, training classes with capacity and a waiting list, attendance,
assessment, completions and their certificates."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongjiang.competitions.models import Criterion, Event
from gongjiang.orgs.models import Employer, Union
from gongjiang.people.models import Occupation, SkillGrade, Worker
from gongjiang.policy.models import PolicyDocument

from .enums import CohortState, EnrolmentStatus, TeacherKind


class College(models.Model):
    """A craftsman college, run by a union (its scope)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    industry = models.CharField(_("industry"), max_length=50)
    union = models.ForeignKey(Union, verbose_name=_("run by"), on_delete=models.PROTECT, related_name="+")
    universities = models.CharField(_("partner universities"), max_length=300, blank=True)
    employers = models.ManyToManyField(
        Employer, verbose_name=_("partner employers"), blank=True, related_name="partner_colleges"
    )
    plan_year = models.PositiveSmallIntegerField(_("plan year"), null=True, blank=True)
    plan_classes = models.PositiveSmallIntegerField(_("classes planned"), default=0)
    plan_days = models.PositiveSmallIntegerField(_("days per class"), default=0)
    plan_places = models.PositiveIntegerField(_("trainee places planned"), default=0)
    # the document the plan comes from: a plan's figures are a target only when it cites one
    plan_document = models.ForeignKey(
        PolicyDocument,
        verbose_name=_("plan document"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("college")
        verbose_name_plural = _("colleges")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("colleges:detail", args=[self.pk])


class CollegeStaff(models.Model):
    """A college admin's link to the college they run; they see this college and nothing else."""

    college = models.ForeignKey(College, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="college_links")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("college staff")
        verbose_name_plural = _("college staff")
        constraints = [models.UniqueConstraint(fields=["college", "user"], name="college_staff_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.college}"


class Teacher(models.Model):
    """A teacher of a college; linked to their worker record where they have one, so their honours show."""

    college = models.ForeignKey(College, on_delete=models.CASCADE, related_name="teachers")
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=14, choices=TeacherKind.choices)
    affiliation = models.CharField(_("affiliation"), max_length=100, blank=True)
    worker = models.ForeignKey(
        Worker, verbose_name=_("worker record"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subjects = models.CharField(_("subjects"), max_length=200, blank=True)
    availability = models.CharField(_("availability"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("teacher")
        verbose_name_plural = _("teachers")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["college", "name"], name="teacher_name_unique_per_college")]

    def __str__(self) -> str:
        return self.name


class Course(models.Model):
    """A course: syllabus units with training hours (学时). ``event`` is set when the course was
    derived from a competition event's marking scheme."""

    college = models.ForeignKey(College, on_delete=models.CASCADE, related_name="courses")
    title = models.CharField(pgettext_lazy("work", "title"), max_length=120)
    occupation = models.ForeignKey(
        Occupation, verbose_name=_("occupation"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("description"), blank=True)
    event = models.ForeignKey(
        Event,
        verbose_name=_("derived from event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="derived_courses",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["college", "title"]
        constraints = [models.UniqueConstraint(fields=["college", "title"], name="course_title_unique_per_college")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("colleges:course", args=[self.pk])


class Unit(models.Model):
    """A syllabus unit; it may cite the competition event and marking-scheme criteria it was derived from."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="units")
    position = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(pgettext_lazy("work", "title"), max_length=120)
    hours = models.DecimalField(
        _("training hours"), max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    event = models.ForeignKey(
        Event, verbose_name=_("event"), null=True, blank=True, on_delete=models.SET_NULL, related_name="cited_by_units"
    )
    criteria = models.ManyToManyField(Criterion, verbose_name=_("criteria"), blank=True, related_name="units")

    class Meta:
        verbose_name = pgettext_lazy("course", "unit")
        verbose_name_plural = pgettext_lazy("course", "units")
        ordering = ["course", "position"]
        constraints = [models.UniqueConstraint(fields=["course", "position"], name="unit_position_unique")]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Cohort(models.Model):
    """A training class (培训班) of a course: dates, place, capacity, teachers, sessions.
    ``college`` copies the course's, so scope filters need no join."""

    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="cohorts")
    college = models.ForeignKey(College, on_delete=models.PROTECT, related_name="cohorts")
    name = models.CharField(_("name"), max_length=120)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    place = models.CharField(_("place"), max_length=120)
    capacity = models.PositiveIntegerField(_("capacity"), validators=[MinValueValidator(1)])
    teachers = models.ManyToManyField(Teacher, verbose_name=_("teachers"), blank=True, related_name="cohorts")
    required_hours = models.DecimalField(
        _("hours required for completion"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0)]
    )
    pass_mark = models.DecimalField(
        _("assessment pass mark"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(60),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    state = models.CharField(_("state"), max_length=10, choices=CohortState.choices, default=CohortState.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("training class")
        verbose_name_plural = _("training classes")
        ordering = ["-starts_on", "-id"]
        # The class list's order: its first page is a walk of 51 entries, not a sort of every class
        # in reach (6,000 at province scale, issue 17).
        indexes = [models.Index(F("starts_on").desc(), F("id").desc(), name="cohort_newest")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("colleges:cohort", args=[self.pk])


class Session(models.Model):
    """One session of a class's schedule; attendance is taken per session."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="sessions")
    day = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"))
    hours = models.DecimalField(
        _("training hours"), max_digits=4, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    topic = models.CharField(_("topic"), max_length=120)
    unit = models.ForeignKey(
        Unit,
        verbose_name=pgettext_lazy("course", "unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    teacher = models.ForeignKey(
        Teacher, verbose_name=_("teacher"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    taken_at = models.DateTimeField(_("attendance taken"), null=True, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["day", "starts_at", "id"]
        constraints = [models.UniqueConstraint(fields=["cohort", "day", "starts_at"], name="session_slot_unique")]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.starts_at:%H:%M} {self.topic}"


class Enrolment(models.Model):
    """A worker in a class, or waiting for a place. ``union`` is the worker's enterprise union at
    enrolment; the waiting list is ordered by ``queued_at``, then id."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="enrolments")
    worker = models.ForeignKey(Worker, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="enrolments")
    union = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=EnrolmentStatus.choices)
    queued_at = models.DateTimeField(pgettext_lazy("date", "applied"), auto_now_add=True)
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    promoted_at = models.DateTimeField(_("moved up from the waiting list"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("reason for withdrawal"), max_length=200, blank=True)
    score = models.DecimalField(
        _("assessment score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["cohort", "queued_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "worker"],
                condition=~models.Q(status="withdrawn"),
                name="enrolment_one_active_per_worker",
            )
        ]
        indexes = [models.Index(fields=["cohort", "status", "queued_at"])]

    def __str__(self) -> str:
        return f"{self.cohort} · {self.worker}"


class Attendance(models.Model):
    """Whether an enrolled worker was present at a session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(_("present"))

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["session", "enrolment"], name="attendance_once")]

    def __str__(self) -> str:
        return f"{self.session} · {self.enrolment_id} · {self.present}"


class Completion(models.Model):
    """A completed class, recorded on the worker's record; a skill-grade entry may cite it (``grade``)."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.PROTECT, related_name="completion")
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="completions")
    hours = models.DecimalField(_("hours attended"), max_digits=5, decimal_places=1)
    score = models.DecimalField(_("assessment score"), max_digits=5, decimal_places=2)
    completed_on = models.DateField(_("completed on"))
    grade = models.OneToOneField(
        SkillGrade,
        verbose_name=_("skill grade citing it"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="college_completion",
    )

    class Meta:
        verbose_name = _("completion")
        verbose_name_plural = _("completions")
        ordering = ["-completed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.enrolment}"


class CompletionCertificate(models.Model):
    """A completion certificate, verifiable by anyone through its code on the same page as competition
    certificates. A reissue revokes the old one and points back to it; nothing is deleted."""

    completion = models.ForeignKey(Completion, on_delete=models.PROTECT, related_name="certificates")
    code = models.CharField(_("verification code"), max_length=12, unique=True)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revocation"), max_length=200, blank=True)
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by")

    class Meta:
        verbose_name = _("completion certificate")
        verbose_name_plural = _("completion certificates")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["completion"],
                condition=models.Q(revoked_at__isnull=True),
                name="completion_certificate_one_valid",
            )
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("verify", args=[self.code])
