from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Left
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongjiang.orgs.models import Employer, Union
from gongjiang.orgs.queries import cities_of

from .enums import Grade, GradeSource, HonourKind, HonourLevel, Sex, WorkerStatus


class Occupation(models.Model):
    """An occupation or trade (职业/工种) from the national occupational classification."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    code = models.CharField(_("classification code"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Worker(models.Model):
    """An industrial worker (职工).

    The ID number and phone are stored encrypted (``*_enc``), found through a keyed
    hash (``*_hash``) and shown masked; the masked form and the last four digits are
    kept in clear for lists and search. ``union`` and ``region_code`` copy the
    employer's, so scope filters and regional partitioning need no join; ``city`` is the union's
    city (``orgs.queries.cities_of``), so a city or county official's list and search read an index
    led by their city.
    """

    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    id_number_enc = models.TextField()
    id_number_hash = models.CharField(max_length=64)
    id_number_masked = models.CharField(_("ID number"), max_length=18)
    id_last4 = models.CharField(max_length=4)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    phone_enc = models.TextField(blank=True)
    phone_masked = models.CharField(_("mobile"), max_length=11, blank=True)
    employer = models.ForeignKey(
        Employer, verbose_name=_("employer"), on_delete=models.PROTECT, related_name="workers", db_index=False
    )
    union = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="+", db_index=False)
    # The union's city: the union one below the top on its geographic chain (``orgs.queries.cities_of``,
    # as ``awards.LedgerLine.city``): every worker in a city or county official's reach carries that
    # city, so their lists walk an index led by it and keep the reach filter on top (issue 17).
    # ``save`` sets it when the union is new or changed; every bulk write sets it itself (the importer,
    # ``bench/province.py``); people 0012 filled the workers written before it.
    city = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="+", db_index=False, editable=False)
    region_code = models.CharField(max_length=6)
    occupations = models.ManyToManyField(Occupation, verbose_name=_("occupations"), blank=True, related_name="workers")
    status = models.CharField(_("status"), max_length=10, choices=WorkerStatus.choices, default=WorkerStatus.EMPLOYED)
    top_grade = models.PositiveSmallIntegerField(_("highest grade"), choices=Grade.choices, null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="worker"
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        ordering = ["-id"]
        # Each index is used by a query plan (bench/explain.py checks the lists and searches):
        # (union, -id) pages a scope's workers newest first and serves every union_id look-up,
        # (employer, -id) an employer's workers (a plain employer index made PostgreSQL walk the
        # primary key backwards past millions of rows for a small employer);
        # names are found exactly or by prefix through the pattern-ops btree, substrings through a
        # trigram index that a PostgreSQL-only migration adds (people 0005). The region code has no
        # index: no query looks workers up by it (people 0008 dropped the one left; 26 MB at province scale).
        indexes = [
            models.Index(fields=["union", "-id"]),
            models.Index(fields=["employer", "-id"], name="worker_employer_newest"),
            # names by prefix (``varchar_pattern_ops``), carrying the id and the city: a 2-character name's
            # matches are sorted (exact name first, newest) and counted, the city's for a city official, from
            # the index alone, and only the page's rows read (people 0015; ``queries.IdsFirst``, issue 17)
            models.Index(
                fields=["name"], name="worker_name_ids", opclasses=["varchar_pattern_ops"], include=["id", "city"]
            ),
            # a surname (the name's first character) newest first: one page of a surname shared by
            # a hundred thousand workers is an index walk of one page (people.queries.name_branches).
            # (PostgreSQL reads an expression index by index-only scan only when it holds the column
            # under the expression too: ``worker_city_surname_newest`` INCLUDEs the name for that.)
            models.Index(Left("name", 1), F("id").desc(), name="worker_surname_newest"),
            # the last four of an ID newest first: a page reads its 50 rows, not every match (people 0015)
            models.Index(fields=["id_last4", "-id"], name="worker_last4_newest"),
            # A city or county official's lone surname and the workers not employed (retired, left: 7 %),
            # led by their city, newest first (issue 17; ``queries.city_narrowed``): ``worker_surname_newest``
            # walked every city's workers of the surname, 20,000 index entries and heap rows for a page
            # of Harbin's 段 at province scale. Each carries the columns its list's ids are read and
            # counted from (the reach's union; the name under ``LEFT(name, 1)``), so that a county,
            # whose rows are a part of its city's, passes the others in the index alone.
            models.Index(
                F("city"), Left("name", 1), F("id").desc(), name="worker_city_surname_newest", include=["name", "union"]
            ),
            # A city federation official's whole list, newest first, and its count: an index-only walk of
            # the city's ids (issue 17; ``queries.newest_in_reach``; people 0014 builds it CONCURRENTLY).
            models.Index(fields=["city", "-id"], name="worker_city_newest"),
            models.Index(
                fields=["city", "status", "-id"],
                name="worker_city_status_newest",
                condition=~Q(status="employed"),
                include=["union"],
            ),
        ]
        constraints = [models.UniqueConstraint(fields=["id_number_hash"], name="worker_id_number_hash_unique")]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the union whose city ``city`` holds, as loaded (read from ``__dict__``: a deferred field
        # would cost a query per row of a list)
        self._city_of = self.__dict__.get("union_id") if self.__dict__.get("city_id") is not None else None

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        union_id, fields = self.__dict__.get("union_id"), kwargs.get("update_fields")
        writes_union = fields is None or "union" in fields or "union_id" in fields
        if (
            writes_union
            and union_id is not None
            and (self.__dict__.get("city_id") is None or union_id != self._city_of)
        ):
            self.city_id = cities_of([union_id]).get(union_id)
            if fields is not None:
                kwargs["update_fields"] = {*fields, "city"}
        super().save(*args, **kwargs)
        self._city_of = self.__dict__.get("union_id")

    def get_absolute_url(self) -> str:
        return reverse("people:worker_detail", args=[self.pk])


class SkillGrade(models.Model):
    """One certificate on a worker's grade history for one occupation."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="grades")
    occupation = models.ForeignKey(Occupation, verbose_name=_("occupation"), on_delete=models.PROTECT, related_name="+")
    grade = models.PositiveSmallIntegerField(_("grade"), choices=Grade.choices)
    source = models.CharField(_("source"), max_length=12, choices=GradeSource.choices)
    certificate_no = models.CharField(_("certificate number"), max_length=40)
    awarded_on = models.DateField(_("awarded on"))
    issuer = models.CharField(_("issued by"), max_length=100, blank=True)
    # Why the grade was granted, e.g. the promotion rule and result it follows from.
    reason = models.TextField(_("reason"), blank=True, db_default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("skill grade")
        verbose_name_plural = _("skill grades")
        ordering = ["occupation__name", "-grade", "-awarded_on"]
        constraints = [models.UniqueConstraint(fields=["certificate_no"], name="skillgrade_certificate_unique")]

    def __str__(self) -> str:
        return f"{self.occupation} {self.get_grade_display()} ({self.certificate_no})"


class Honour(models.Model):
    """An honour a worker holds (劳动模范, 大国工匠, 龙江技术能手 ...).

    Honours conferred through a programme on this platform are written by its approval
    service; older or outside honours are entered by hand. Studio leads and college
    teachers are checked against, and shown with, the honours recorded here.
    """

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="honours")
    title = models.CharField(pgettext_lazy("honour", "title"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=HonourKind.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=HonourLevel.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    conferred_by = models.CharField(_("conferred by"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        ordering = ["-year", "-level"]
        constraints = [models.UniqueConstraint(fields=["worker", "title", "year"], name="honour_unique_per_year")]
        # the cockpit's latest honours read the newest first
        indexes = [models.Index(fields=["-year", "-id"], name="honour_newest")]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class ReachNewestWorker(models.Model):
    """For each union and each union at or below it, an upper bound of the lower union's newest
    worker id: what a city, county or industrial official's list reads, newest first through
    ``(ancestor, newest_id DESC)``, to probe only the few unions that can hold the newest rows
    (``queries.NewestInReach``), whatever the number of unions in reach.

    Kept by PostgreSQL itself (people 0009): statement triggers on the worker table raise it on
    every insert and update (imports, COPY and transfers included), and triggers on the closure
    table add and remove a union's rows when it is attached or detached. A delete or a transfer out
    leaves it high, which the reader allows for. SQLite neither keeps nor reads it.
    """

    ancestor = models.ForeignKey(Union, on_delete=models.CASCADE, related_name="+")
    union = models.ForeignKey(Union, on_delete=models.CASCADE, related_name="+")
    newest_id = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ancestor", "union"], name="reach_newest_unique")]
        indexes = [models.Index(F("ancestor"), F("newest_id").desc(), name="reach_newest_first")]

    def __str__(self) -> str:
        return f"{self.ancestor_id} ⊇ {self.union_id}: {self.newest_id}"
