"""Rollups: one count table for every indicator, union and period, and a fill state per indicator.

Following Zulip's analytics (``analytics/models.py``): the counts are derived data, filled
inside the database from the raw tables, and a :class:`FillState` per indicator says how far
its fill got, so a crashed fill is undone and resumed.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongjiang.orgs.models import Union


class Grain(models.TextChoices):
    YEAR = "Y", _("year")
    MONTH = "M", _("month")


class Count(models.Model):
    """One figure: an indicator for one union (with its whole subtree), one period, and
    optionally one value of one dimension (``dimension`` empty: the total)."""

    indicator = models.CharField(max_length=40)
    # no index of its own: every read names the indicator and the grain (``stats_count_figure``), every
    # write the whole key (``stats_count_unique``); a deleted union's figures go by a scan, once
    union = models.ForeignKey(Union, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False)
    grain = models.CharField(max_length=1, choices=Grain.choices)
    period = models.DateField()  # the first day of the year or month
    dimension = models.CharField(max_length=20, default="", blank=True)
    key = models.CharField(max_length=40, default="", blank=True)
    value = models.BigIntegerField()
    # the raw rows behind the figure (people, for a count of people): a figure whose rows are all
    # gone is deleted by the incremental fill, even a sum whose rows net out to zero
    rows = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "grain", "period", "union", "dimension", "key"], name="stats_count_unique"
            )
        ]
        indexes = [
            # a cockpit reads every indicator's year totals of a union and its children (a county may have
            # over a thousand): union before period, so each (indicator, union) is one index probe
            models.Index(fields=["indicator", "grain", "dimension", "union", "period"], name="stats_count_figure"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.union_id} {self.grain}{self.period} {self.dimension}={self.key}: {self.value}"


class Seen(models.Model):
    """A person a distinct-person indicator counts, at the union their rows are attributed to (not its
    ancestors), per year and dimension key: the people behind a figure, for the years the frequent
    fills rewrite (the current and the previous one).

    An ancestor's people are the distinct persons of its subtree's rows (the closure table), which is
    what its figure counts; keeping one row per ancestor instead would multiply the rows by the depth
    of the tree (35 M rows for one year of participants at province scale, against about a fifth of
    that here). The people page walks ``stats_seen_walk`` in person order for a large subtree and reads
    the subtree's unions through ``stats_seen_unique`` for a small one (``stats.views.people``).
    """

    id = models.BigAutoField(primary_key=True)
    indicator = models.CharField(max_length=40)
    # no index of its own: every read names the indicator and the year (``stats_seen_unique``,
    # ``stats_seen_walk``); the fills delete by year or by the exact row
    union = models.ForeignKey(Union, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False)
    period = models.DateField()  # the first day of the year
    dimension = models.CharField(max_length=20, default="", blank=True)
    key = models.CharField(max_length=40, default="", blank=True)
    subject = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "union", "dimension", "key", "subject"], name="stats_seen_unique"
            )
        ]
        indexes = [
            # a large subtree's people in person order (keyset pages), each row's union probed in the closure
            models.Index(fields=["indicator", "period", "dimension", "key", "subject"], name="stats_seen_walk"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.union_id} {self.period:%Y} {self.dimension}={self.key}: {self.subject}"


class Dirty(models.Model):
    """An anchor (``stats.sql.anchor_path``) whose rows were written since the last fill.

    Written by the watchers in ``stats.changes`` inside the writer's transaction, before the write,
    together with the anchor's contribution as it stood (:class:`Pending`); the next fill counts the
    anchor's rows anew, adds the difference to every ancestor's figures and clears both.
    """

    id = models.BigAutoField(primary_key=True)
    indicator = models.CharField(max_length=40)
    anchor = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["indicator", "anchor"], name="stats_dirty_unique")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.anchor}"


class Pending(models.Model):
    """What a dirty anchor's rows counted at the last fill: per union, month (``STOCK`` for a stock)
    and key, and for a count of people per person."""

    id = models.BigAutoField(primary_key=True)
    indicator = models.CharField(max_length=40, db_index=True)
    union_id = models.IntegerField()
    period = models.DateField()
    dimension = models.CharField(max_length=20, default="", blank=True)
    key = models.CharField(max_length=40, default="", blank=True)
    subject = models.BigIntegerField(default=0)
    rows = models.BigIntegerField()
    value = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.indicator} {self.union_id} {self.period} {self.dimension}={self.key}"


class FillState(models.Model):
    """How far one indicator's rollup is filled (Zulip's FillState).

    A fill marks STARTED with the first period it rewrites before it touches the rows and
    DONE after; a fill found STARTED crashed, and the next run rewrites from that period
    again (the rewrite itself is one transaction, so nothing half-written survives).
    ``tree`` fingerprints the union tree the rows were attributed through: when a union is
    re-parented, the next fill rewrites the whole history.
    """

    STARTED = "started"
    DONE = "done"

    indicator = models.CharField(max_length=40, unique=True)
    state = models.CharField(max_length=8, choices=[(STARTED, STARTED), (DONE, DONE)])
    since = models.DateField()
    tree = models.CharField(max_length=64, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    last_modified = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.indicator}: {self.state} since {self.since}"


class RunLock(models.Model):
    """A row held while ``update_stats`` runs, so a second run refuses instead of racing."""

    name = models.CharField(max_length=40, unique=True)
    taken_at = models.DateTimeField()
    pid = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} since {self.taken_at}"


class Bulletin(models.Model):
    """A monthly bulletin (月通报) of one union, kept as generated."""

    union = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))
    html = models.TextField()
    created_at = models.DateTimeField(_("generated"), auto_now_add=True)

    class Meta:
        verbose_name = _("monthly bulletin")
        verbose_name_plural = _("monthly bulletins")
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["union", "month"], name="stats_bulletin_unique")]

    def __str__(self) -> str:
        return f"{self.union} {self.month:%Y-%m}"
