"""Which rows the next fill must count anew: the watchers of every model an indicator reads.

Every indicator's rows reach other models along their paths (an entry's competition and event, a
grade's worker, a completion's enrolment ...). Before any of those is saved or deleted, or announced
through ``core.changes.announce`` (a ``QuerySet.update()``), the watcher finds the anchors of the
indicator's rows it touches (``stats.sql.anchor_path``: the competition of an entry, the person of a
count of people, the row itself otherwise), as they stand and as the new values will make them, marks
them :class:`Dirty` and, the first time since the last fill, records what they counted then
(:class:`Pending`). All of it inside the writer's transaction, so a write rolled back marks nothing.

Unions and regions along a path (a union's industrial parent, its region's prefecture) are not
watched: the fill compares a fingerprint of the union tree and recounts everything when it moved.

A build that writes a whole database and ends in a full fill (the demo seed) may run inside
``fill.deferred()``: the watchers mark nothing, since the full fill counts every row anew, and a build
that leaves without that fill gets one on the way out (``stats.deferral``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from functools import cache
from typing import Any

from django.db import connection, models
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save
from django.utils import timezone

from gongjiang.core.changes import rows_changing
from gongjiang.core.indicators import Indicator
from gongjiang.orgs.figures import date_expr

from . import registry
from .deferral import deferring
from .models import Dirty, Pending
from .sql import DATABASE_CHUNK, all_contributions_sql, anchor_path, by_year, contributions_sql, lock_key, year_anchor

UNWATCHED = {("orgs", "union"), ("orgs", "region")}  # reached through a path: the tree fingerprint's
CHUNK = 500


def _hops(model: type[models.Model], path: str) -> Iterable[tuple[str, type[models.Model]]]:
    prefix: list[str] = []
    for part in path.split("__")[:-1]:
        field = model._meta.get_field(part)
        if not field.is_relation or field.related_model is None:
            return
        prefix.append(part)
        model = field.related_model  # type: ignore[assignment]
        yield "__".join(prefix), model


@cache
def watchers() -> dict[type[models.Model], list[tuple[Indicator, str]]]:
    """For every model an indicator reads: the indicators and the path from their rows to it."""
    found: dict[type[models.Model], list[tuple[Indicator, str]]] = defaultdict(list)
    for indicator in registry.indicators():
        rows = indicator.rows().model
        found[rows].append((indicator, "pk"))
        paths = [indicator.union, indicator.date, indicator.subject, anchor_path(indicator)]
        paths += [d.path for d in indicator.dimensions]
        seen = set()
        for path in paths:
            for hop, model in _hops(rows, path or "pk"):
                if (model._meta.app_label, model._meta.model_name) in UNWATCHED or (model, hop) in seen:
                    continue
                seen.add((model, hop))
                found[model].append((indicator, hop))
    return dict(found)


def _follow(field_path: str, path: str, obj: models.Model) -> tuple[bool, Any]:
    """``(True, value)``: the value of the rows' ``field_path`` once ``obj`` (reached from the rows
    through ``path``) is written, ``None`` when a link on the way is empty; ``(False, None)``: the value
    does not follow from ``obj`` (the rows keep their own)."""
    if path == "pk":
        rest = field_path
    elif field_path == f"{path}_id":
        return True, obj.pk
    elif field_path.startswith(f"{path}__"):
        rest = field_path[len(path) + 2 :]
    else:
        return False, None
    target: Any = obj
    parts = rest.split("__")
    for part in parts[:-1]:
        target = getattr(target, part, None)
        if target is None:
            return True, None
    return True, getattr(target, parts[-1], None)


def _instance_anchor(anchor: str, path: str, obj: models.Model) -> Any:
    """The anchor the row(s) reached through ``path`` will have once ``obj`` is written, when it
    follows from ``obj`` itself (``None``: it does not, or is unknown yet)."""
    follows, value = _follow(anchor, path, obj)
    return value if follows else None


def _current_anchors(indicator: Indicator, path: str, ids: list[Any]) -> set[Any]:
    anchor = anchor_path(indicator)
    if anchor == f"{path}_id" or (path == "pk" and anchor == "pk"):
        return set(ids)
    base = indicator.rows().model._base_manager
    lookup = "pk__in" if path == "pk" else f"{path}__in"
    found: set[Any] = set()
    for start in range(0, len(ids), CHUNK):
        found |= set(base.filter(**{lookup: ids[start : start + CHUNK]}).values_list(anchor, flat=True).distinct())
    return found


def mark(indicator: Indicator, anchors: Iterable[Any], *, snapshot: bool = True) -> None:
    """Mark the anchors dirty; those not yet dirty get their contribution recorded as it stands."""
    wanted = sorted({int(a) for a in anchors if a is not None})
    if not wanted:
        return
    qn = connection.ops.quote_name
    dirty, pending = qn(Dirty._meta.db_table), qn(Pending._meta.db_table)
    today = timezone.localdate()
    dimensions = ("", *(d.name for d in indicator.dimensions))
    postgresql = connection.vendor == "postgresql"
    # PostgreSQL: a competition made final marks its ten thousand entrants in two statements, not forty
    # (each snapshot of a few hundred people joined all their entries to the events and competitions)
    size = DATABASE_CHUNK if postgresql else CHUNK
    with connection.cursor() as cursor:
        for start in range(0, len(wanted), size):
            chunk = wanted[start : start + size]
            if postgresql:
                # The indicator's shared lock, held until the writer commits (the fill waits for it),
                # taken in the same round trip as each chunk's insert and before it: the insert reads
                # the lock's row (taking it again in one transaction waits for nothing; all are released
                # at its end). Its conflicts are checked against what is committed when it runs. The
                # anchors as one array (ten thousand VALUES rows took 0.3 s to parse and plan).
                cursor.execute(
                    "WITH held AS (SELECT pg_advisory_xact_lock_shared(%s)) "  # noqa: S608
                    f"INSERT INTO {dirty} (indicator, anchor) "
                    f"SELECT %s, v.anchor FROM held, unnest(%s::bigint[]) v(anchor) WHERE true "
                    "ON CONFLICT (indicator, anchor) DO NOTHING RETURNING anchor",
                    [lock_key(indicator.code), indicator.code, chunk],
                )
            else:
                values = ", ".join(["(%s, %s)"] * len(chunk))
                params = [x for a in chunk for x in (indicator.code, a)]
                cursor.execute(
                    f"INSERT INTO {dirty} (indicator, anchor) VALUES {values} "  # noqa: S608
                    f"ON CONFLICT (indicator, anchor) DO NOTHING RETURNING anchor",
                    params,
                )
            fresh = [row[0] for row in cursor.fetchall()]
            if not fresh or not snapshot:
                continue
            columns = f"indicator, dimension, union_id, period, {qn('key')}, subject, {qn('rows')}, value"
            if connection.vendor == "postgresql":  # the total and every dimension: one read of the rows
                sql, sql_params = all_contributions_sql(indicator, today, fresh)
                cursor.execute(
                    f"INSERT INTO {pending} ({columns}) SELECT %s, c.* FROM ({sql}) c",  # noqa: S608
                    (indicator.code, *sql_params),
                )
                continue
            for dimension in dimensions:
                sql, sql_params = contributions_sql(indicator, dimension, today, fresh)
                cursor.execute(
                    f"INSERT INTO {pending} ({columns}) SELECT %s, %s, c.* FROM ({sql}) c",  # noqa: S608
                    (indicator.code, dimension, *sql_params),
                )


def _year(day: Any) -> int | None:
    if isinstance(day, datetime):
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    return day.year if isinstance(day, date) else None


def _year_anchors(indicator: Indicator, path: str, ids: list[Any], instances: list[models.Model]) -> set[int]:
    """The (person, year) anchors (``stats.sql.by_year``) of the rows reached through ``path``: each
    row's as it stands, and as each instance's new values will make it (a person or a date that
    follows from the instance replaces the row's own; a new row of the indicator's model is the
    instance itself)."""
    model = indicator.rows().model
    date_path = indicator.date or ""
    key = "pk" if path == "pk" else path
    current: dict[Any, set[tuple[Any, Any]]] = defaultdict(set)
    for start in range(0, len(ids), CHUNK):
        rows = (
            model._base_manager.filter(**{f"{key}__in": ids[start : start + CHUNK]})
            .annotate(_day=date_expr(indicator, model))
            .values_list(key, indicator.subject, "_day")
            .distinct()
        )
        for reached, person, day in rows:
            current[reached].add((person, day))
    pairs = {pair for found in current.values() for pair in found}
    for obj in instances:
        (new_person, person), (new_day, day) = _follow(indicator.subject, path, obj), _follow(date_path, path, obj)
        if path == "pk":
            pairs.add((person, day))
            continue
        for old_person, old_day in current.get(obj.pk, ()):
            pairs.add((person if new_person else old_person, day if new_day else old_day))
    anchors = set()
    for person, day in pairs:
        year = _year(day)
        if person is not None and year is not None:
            anchors.add(year_anchor(int(person), year))
    return anchors


def changing(model: type[models.Model], *, pks: Iterable[Any] = (), instances: Iterable[models.Model] = ()) -> None:
    """Rows of ``model`` are about to be written (``instances`` carry their new values)."""
    instances = list(instances)
    ids = [i.pk for i in instances if i.pk is not None] + list(pks)
    for indicator, path in watchers().get(model, ()):
        if by_year(indicator):
            mark(indicator, _year_anchors(indicator, path, ids, instances))
            continue
        anchor = anchor_path(indicator)
        anchors = _current_anchors(indicator, path, ids) if ids else set()
        for obj in instances:
            anchors.add(_instance_anchor(anchor, path, obj))
        mark(indicator, anchors)


def _pre_save(sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    if not raw and sender in watchers() and not deferring():
        changing(sender, instances=[instance])


def _post_save(sender: type[models.Model], instance: models.Model, created: bool = False, **kwargs: Any) -> None:
    """A new row anchored on itself had no id before it was saved: it counted nothing before."""
    if not created or sender not in watchers() or deferring():
        return
    for indicator, path in watchers()[sender]:
        if path == "pk" and anchor_path(indicator) == "pk":
            mark(indicator, [instance.pk], snapshot=False)


def _pre_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if sender in watchers() and not deferring():
        changing(sender, pks=[instance.pk])


def _m2m_changing(
    sender: type[models.Model],
    *,
    instance: models.Model,
    action: str,
    reverse: bool,
    pk_set: set[Any] | None,
    **kwargs: Any,
) -> None:
    """A many-to-many list an indicator counts (a labour team's members) is about to change: its rows (of
    the auto-created through model) send no ``pre_save`` or ``pre_delete``. Rows to be added are passed
    as unsaved instances (their anchors follow from the pair), rows to be removed or cleared by id."""
    if sender not in watchers() or action not in ("pre_add", "pre_remove", "pre_clear") or deferring():
        return
    own, other = _through_columns(sender, reverse)  # the keys to ``instance`` and to the objects in ``pk_set``
    if action == "pre_add":
        pairs = [sender(**{own: instance.pk, other: pk}) for pk in sorted(pk_set or ())]
        changing(sender, instances=pairs)
        return
    rows = sender._base_manager.filter(**{own: instance.pk})
    if action == "pre_remove":
        rows = rows.filter(**{f"{other}__in": sorted(pk_set or ())})
    changing(sender, pks=list(rows.values_list("pk", flat=True)))


def _through_columns(through: type[models.Model], reverse: bool) -> tuple[str, str]:
    """The attnames of an auto-created ``through`` model's foreign keys to the changed object and to the
    objects added or removed: Django's own pair for the list's field (what its manager uses), swapped
    when the list was changed from the other side (``reverse``)."""
    owner = through._meta.auto_created
    field = next(f for f in owner._meta.many_to_many if f.remote_field.through is through)
    own, other = (
        through._meta.get_field(name).attname for name in (field.m2m_field_name(), field.m2m_reverse_field_name())
    )
    return (other, own) if reverse else (own, other)


def _announced(sender: type[models.Model], pks: list[Any], instances: list[models.Model], **kwargs: Any) -> None:
    if sender in watchers() and not deferring():
        changing(sender, pks=pks, instances=instances)


def connect() -> None:
    """Listen to the watched models only: a listener for every sender would stop Django's fast
    ``QuerySet.delete()`` (it collects each row to send the signal) on every table, the rollups' too."""
    for model in watchers():
        uid = f"stats_{model._meta.label_lower}"
        pre_save.connect(_pre_save, sender=model, dispatch_uid=f"{uid}_pre_save")
        post_save.connect(_post_save, sender=model, dispatch_uid=f"{uid}_post_save")
        pre_delete.connect(_pre_delete, sender=model, dispatch_uid=f"{uid}_pre_delete")
        if model._meta.auto_created:  # a many-to-many list's rows: written by its manager, no row signals
            m2m_changed.connect(_m2m_changing, sender=model, dispatch_uid=f"{uid}_m2m_changed")
    rows_changing.connect(_announced, dispatch_uid="stats_rows_changing")
