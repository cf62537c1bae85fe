"""Marking schemes, marks and sign-off: the writes of the marking stage, and the status they add up to."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.core import audit
from gongjiang.core.models import AuditAction, AuditEntry, User
from gongjiang.orgs.rules import MANAGE_COMPETITIONS
from gongjiang.orgs.scope import Scope

from . import scoring
from .eligibility import Competitor, judge_conflicts
from .enums import AspectKind, EntryState, State
from .errors import CompetitionError
from .models import Aspect, Assignment, Criterion, Entry, Event, Mark
from .scoring import JUDGEMENT_JUDGES

SCHEME_STATES = {State.DRAFT, State.REGISTRATION, State.IN_PROGRESS}


def _require_scheme_editable(scope: Scope, event: Event) -> None:
    scope.require(MANAGE_COMPETITIONS, event.competition.organiser_id)
    if event.competition.state not in SCHEME_STATES:
        raise CompetitionError(_("The marking scheme can only change before marking starts."))


@transaction.atomic
def add_criterion(*, actor: User, scope: Scope, event: Event, code: str, name: str) -> Criterion:
    _require_scheme_editable(scope, event)
    if event.criteria.filter(code=code).exists():
        raise CompetitionError(_("The code %(code)s is already used in this scheme.") % {"code": code})
    criterion = Criterion.objects.create(event=event, code=code, name=name)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=criterion,
        after={"code": code, "name": name},
        union_id=event.competition.organiser_id,
    )
    return criterion


@transaction.atomic
def add_aspect(
    *,
    actor: User,
    scope: Scope,
    criterion: Criterion,
    code: str,
    description: str,
    kind: str,
    max_mark: Decimal,
    descriptors: list[str],
) -> Aspect:
    _require_scheme_editable(scope, criterion.event)
    if kind == AspectKind.JUDGEMENT and (len(descriptors) != 4 or not all(d.strip() for d in descriptors)):
        raise CompetitionError(_("A judgement aspect needs a written descriptor for each score 0, 1, 2 and 3."))
    if max_mark <= 0:
        raise CompetitionError(_("The maximum mark must be above zero."))
    if criterion.aspects.filter(code=code).exists():
        raise CompetitionError(_("The code %(code)s is already used in this scheme.") % {"code": code})
    aspect = Aspect.objects.create(
        criterion=criterion,
        code=code,
        description=description,
        kind=kind,
        max_mark=max_mark,
        descriptors=descriptors if kind == AspectKind.JUDGEMENT else [],
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=aspect,
        after={"code": code, "description": description, "kind": kind, "max_mark": str(max_mark)},
        union_id=criterion.event.competition.organiser_id,
    )
    return aspect


def assignment_of(user: User, event: Event) -> Assignment:
    """The actor's own assignment to the event; a judge marks only where assigned."""
    assignment = Assignment.objects.filter(event=event, judge__user=user).select_related("judge").first()
    if assignment is None:
        raise PermissionDenied
    return assignment


def may_mark(assignment: Assignment, entry: Entry) -> bool:
    judge = assignment.judge
    competitor = Competitor(entry.worker.name, entry.employer_id, entry.employer.name, entry.region_code)
    return not judge_conflicts(
        judge_employer_id=judge.employer_id,
        judge_region=judge.region_code,
        competitors=[competitor],
        avoid_region=assignment.event.competition.avoid_same_region,
    )


def _clean_value(aspect: Aspect, raw: Any) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise CompetitionError(_("%(aspect)s: enter a number.") % {"aspect": aspect.code}) from None
    if aspect.kind == AspectKind.JUDGEMENT:
        if value not in {Decimal(0), Decimal(1), Decimal(2), Decimal(3)}:
            raise CompetitionError(_("%(aspect)s: a judgement score is 0, 1, 2 or 3.") % {"aspect": aspect.code})
    elif not Decimal(0) <= value <= aspect.max_mark:
        raise CompetitionError(
            _("%(aspect)s: the mark is between 0 and %(max)s.") % {"aspect": aspect.code, "max": aspect.max_mark}
        )
    return value


@transaction.atomic
def record_marks(*, actor: User, event: Event, entry: Entry, values: dict[int, Any], reason: str = "") -> int:
    """Save the actor's own marks for one competitor; changing a saved mark needs a reason.

    Returns the number of marks written. Every new or changed mark is audited, the reason with it.
    """
    return record_sheets(event=event, sheets=[Sheet(actor=actor, entry=entry, values=values, reason=reason)])


@dataclass(frozen=True)
class Sheet:
    """One judge's marks for one competitor: what :func:`record_marks` takes, for :func:`record_sheets`."""

    actor: User
    entry: Entry
    values: dict[int, Any]
    reason: str = ""


def _markable(event: Event, sheets: Sequence[Sheet]) -> tuple[dict[Any, Assignment], dict[Any, Entry]]:
    """The sheets' judges' assignments (by user id) and their competitors (fresh, by id), once the
    event takes marks and every judge and competitor is of it; :func:`record_marks`'s checks."""
    actors = {sheet.actor.pk for sheet in sheets}
    assignments = {
        a.judge.user_id: a
        for a in Assignment.objects.filter(event=event, judge__user_id__in=actors).select_related("judge")
    }
    if len(assignments) < len(actors):
        raise PermissionDenied  # a judge marks only where assigned
    for assignment in assignments.values():
        assignment.event = event
    if event.competition.state != State.MARKING:
        raise CompetitionError(_("Marks can only be entered while the competition is in marking."))
    if event.signed_off_at is not None:
        raise CompetitionError(_("The chief judge has signed off this event; marks are locked."))
    if any(sheet.entry.event_id != event.pk or sheet.entry.state != EntryState.REGISTERED for sheet in sheets):
        raise PermissionDenied
    wanted = {sheet.entry.pk for sheet in sheets}
    entries = Entry.objects.select_related("worker", "employer").in_bulk(wanted)
    if len(entries) < len(wanted):
        raise PermissionDenied
    return assignments, entries


@transaction.atomic
def record_sheets(*, event: Event, sheets: Sequence[Sheet]) -> int:
    """Save many judges' sheets of one event in a few statements, with the checks and the audit
    of :func:`record_marks` sheet by sheet, in order (a later sheet may change an earlier one's
    mark, with a reason). All or nothing: one refused sheet refuses the whole batch.

    Returns the number of marks written (a mark written twice counts twice, as two calls would).
    """
    event = Event.objects.select_related("competition").get(pk=event.pk)  # the current state, not the caller's copy
    if not sheets:
        return 0
    assignments, entries = _markable(event, sheets)
    aspects = {a.pk: a for a in Aspect.objects.filter(criterion__event=event)}
    judge_ids = {a.judge_id for a in assignments.values()}
    existing = {
        (m.entry_id, m.judge_id, m.aspect_id): m
        for m in Mark.objects.filter(entry_id__in=entries, judge_id__in=judge_ids)
    }
    new: dict[tuple[int, int, int], Mark] = {}
    changed: dict[tuple[int, int, int], Mark] = {}
    audited: list[tuple[Mark, dict[str, Any]]] = []  # each write's mark and the rest of its audit row
    cleared: set[tuple[int, int]] = set()  # (judge, entry) pairs found free of conflicts
    now = timezone.now()
    for sheet in sheets:
        assignment, entry = assignments[sheet.actor.pk], entries[sheet.entry.pk]
        judge_id = assignment.judge_id
        if (judge_id, entry.pk) not in cleared:
            if not may_mark(assignment, entry):
                raise CompetitionError(_("You must step aside (回避) for this competitor."))
            cleared.add((judge_id, entry.pk))
        cleaned = {
            aid: _clean_value(aspects[aid], raw) for aid, raw in sheet.values.items() if aid in aspects and raw != ""
        }
        keys = {aid: (entry.pk, judge_id, aid) for aid in cleaned}
        if not sheet.reason.strip() and any(
            keys[aid] in existing and existing[keys[aid]].value != value for aid, value in cleaned.items()
        ):
            raise CompetitionError(_("Give a reason for changing a mark you already entered."))
        for aid, value in cleaned.items():
            key = keys[aid]
            mark = existing.get(key)
            if mark is not None and mark.value == value:
                continue
            before = {"value": str(mark.value)} if mark else {}
            if mark is None:
                mark = Mark(aspect=aspects[aid], entry=entry, judge_id=judge_id, value=value)
                existing[key] = new[key] = mark
            else:
                mark.value, mark.updated_at, mark.aspect = value, now, aspects[aid]  # the aspect: its audit's repr
                if key not in new:
                    changed[key] = mark
            audited.append(
                (
                    mark,
                    {
                        "actor": sheet.actor,
                        "action": AuditAction.UPDATE if before else AuditAction.CREATE,
                        "before": before,
                        "after": {"value": str(value)},
                        "note": sheet.reason.strip()[:200],
                    },
                )
            )
    Mark.objects.bulk_create(new.values(), batch_size=1000)
    Mark.objects.bulk_update(changed.values(), ["value", "updated_at"], batch_size=1000)
    rows = [audit.entry(obj=mark, union_id=event.competition.organiser_id, **rest) for mark, rest in audited]
    AuditEntry.objects.bulk_create([row for row in rows if row is not None], batch_size=1000)
    return len(audited)


@dataclass
class EntryStatus:
    entry: Entry
    marks: dict[int, list[Decimal]] = field(default_factory=dict)  # aspect id -> every judge's value
    flagged: list[str] = field(default_factory=list)  # aspect codes whose scores spread too far
    missing: list[str] = field(default_factory=list)  # aspect codes without enough marks
    practical: Fraction = Fraction(0)  # exact; templates show it through the ``score`` filter


def marking_status(event: Event) -> tuple[list[Aspect], list[EntryStatus]]:
    """Every competitor's marks, flags (spread > 1) and gaps; judgement aspects need three judges."""
    aspects = list(Aspect.objects.filter(criterion__event=event).select_related("criterion"))
    entries = list(
        event.entries.filter(state=EntryState.REGISTERED).select_related("worker", "employer").order_by("competitor_no")
    )
    values: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
    for aspect_id, entry_id, value in Mark.objects.filter(aspect__criterion__event=event).values_list(
        "aspect_id", "entry_id", "value"
    ):
        values[(entry_id, aspect_id)].append(value)
    scheme_max = sum((a.max_mark for a in aspects), Decimal(0))
    trimmed = event.competition.trimmed_mean
    statuses = []
    for entry in entries:
        status = EntryStatus(entry)
        earned = []
        for aspect in aspects:
            got = values.get((entry.pk, aspect.pk), [])
            status.marks[aspect.pk] = got
            needed = JUDGEMENT_JUDGES if aspect.kind == AspectKind.JUDGEMENT else 1
            if len(got) < needed:
                status.missing.append(aspect.code)
            if aspect.kind == AspectKind.JUDGEMENT and scoring.spread_too_wide([int(v) for v in got]):
                status.flagged.append(aspect.code)
            earned.append(scoring.aspect_mark(kind=aspect.kind, max_mark=aspect.max_mark, values=got, trimmed=trimmed))
        status.practical = scoring.practical_score(earned, scheme_max)
        statuses.append(status)
    return aspects, statuses


@transaction.atomic
def sign_off(*, actor: User, event: Event) -> Event:
    """The chief judge locks the event's marks once every mark is in and no score is flagged."""
    event = Event.objects.select_for_update().select_related("competition").get(pk=event.pk)
    assignment = assignment_of(actor, event)
    if not assignment.is_chief:
        raise PermissionDenied
    if event.signed_off_at is not None:
        raise CompetitionError(_("This event is already signed off."))
    aspects, statuses = marking_status(event)
    if not aspects:
        raise CompetitionError(_("The event has no marking scheme."))
    open_items = [s for s in statuses if s.missing or s.flagged]
    if open_items:
        raise CompetitionError(_("%(n)s competitors still have missing or flagged marks.") % {"n": len(open_items)})
    event.signed_off_at, event.signed_off_by = timezone.now(), actor
    event.save(update_fields=["signed_off_at", "signed_off_by"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=event,
        after={"signed_off_at": event.signed_off_at.isoformat()},
        union_id=event.competition.organiser_id,
    )
    return event


def _mark_stats(aspect_ids: list[int]) -> list[tuple[int, int, int, int, int, int]]:
    """Count, sum, min and max of the marks per (entry, aspect), as exact whole cents from the
    database (marks have two decimals), so no value goes through a float or the ORM's converters:
    at 10,000 entries those conversions were over a third of the ranking's time."""
    if not aspect_ids:
        return []
    # Table and column names are ours; the ids go in as parameters.
    cents = "CAST(ROUND({}(value) * 100) AS BIGINT)"
    columns = ", ".join(cents.format(f) for f in ("SUM", "MIN", "MAX"))
    table = connection.ops.quote_name(Mark._meta.db_table)
    placeholders = ", ".join(["%s"] * len(aspect_ids))
    sql = f"SELECT entry_id, aspect_id, COUNT(*), {columns} FROM {table} WHERE aspect_id IN ({placeholders})"  # noqa: S608
    sql += " GROUP BY entry_id, aspect_id"
    with connection.cursor() as cursor:
        cursor.execute(sql, aspect_ids)
        return [(e, a, n, int(t), int(lo), int(hi)) for e, a, n, t, lo, hi in cursor.fetchall()]


@dataclass(frozen=True)
class Result:
    ranked: scoring.Ranked
    award: str
    theory: Decimal | None
    scaled: Decimal | None = None  # the WorldSkills 700-point scale, where the competition asks for it


def results(event: Event) -> list[Result]:
    """The ranking the marks add up to, from one aggregate query over the marks (count, sum, min
    and max per competitor and aspect), so a 10,000-entry event ranks in a fraction of a second."""
    aspects = {a.pk: a for a in Aspect.objects.filter(criterion__event=event)}
    scheme_max = sum((a.max_mark for a in aspects.values()), Decimal(0))
    trimmed = event.competition.trimmed_mean
    max_cents = {pk: int(a.max_mark * 100) for pk, a in aspects.items()}
    earned: dict[int, list[scoring.AspectStats]] = defaultdict(list)
    for entry_id, aspect_id, n, total, low, high in _mark_stats(list(aspects)):
        kind = aspects[aspect_id].kind
        earned[entry_id].append(scoring.AspectStats(kind, max_cents[aspect_id], n, total, low, high))
    entries = event.entries.filter(state=EntryState.REGISTERED).values_list("pk", "theory_score", "time_used")
    theory_of: dict[int, Decimal | None] = {}
    scored = []
    for entry_id, theory, time_used in entries:  # registered entries only: withdrawn ones' marks stay out
        practical = scoring.practical_from_stats(earned.get(entry_id, []), scheme_max, trimmed=trimmed)
        theory_of[entry_id] = theory
        exact_total = scoring.total_score(
            theory=theory,
            practical=practical,
            theory_weight=event.theory_weight,
            practical_weight=event.practical_weight,
        )
        scored.append(scoring.Scored(entry_id, exact_total, practical, time_used))
    ranked = scoring.rank(scored)
    competition = event.competition
    scaled = scoring.ws700([r.total for r in ranked]) if competition.use_ws700 else [None] * len(ranked)
    awards = scoring.awards(ranked, medals=competition.medal_count, merit_percent=competition.merit_percent)
    return [
        Result(r, award, theory_of[r.entry_id], scale) for r, award, scale in zip(ranked, awards, scaled, strict=True)
    ]
