"""Publishing results for public notice (公示), objections (异议), and the final results others read."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.core import audit
from gongjiang.core.models import AuditAction, User
from gongjiang.orgs.rules import ENTER_COMPETITIONS, MANAGE_COMPETITIONS
from gongjiang.orgs.scope import Scope

from . import marking, scoring
from .enums import EntryState, ObjectionState, State
from .errors import CompetitionError
from .models import CalendarDay, Competition, Event, Objection, Result


def add_working_days(start: dt.date, days: int, exceptions: dict[dt.date, bool] | None = None) -> dt.date:
    """The date ``days`` working days after ``start``: Monday to Friday, except the days in
    ``exceptions`` (date → is it a working day), i.e. public holidays and make-up working days."""
    exceptions = exceptions or {}
    day = start
    left = days
    while left > 0:
        day += dt.timedelta(days=1)
        if exceptions.get(day, day.weekday() < 5):
            left -= 1
    return day


def calendar_exceptions(start: dt.date) -> dict[dt.date, bool]:
    """The holidays and make-up working days the operators have entered, from ``start`` on."""
    return dict(CalendarDay.objects.filter(day__gt=start).values_list("day", "is_working_day"))


def check_publishable(competition: Competition) -> None:
    unsigned = [
        e.name
        for e in competition.events.filter(signed_off_at__isnull=True)
        if e.entries.filter(state=EntryState.REGISTERED).exists()
    ]
    if unsigned:
        raise CompetitionError(
            _("The chief judges have not signed off: %(events)s.") % {"events": "、".join(sorted(unsigned))}
        )


def publish(competition: Competition) -> int:
    """Write every event's results (updating earlier ones after a re-mark) and start the notice period.
    Called by :func:`services.transition` on the way to public notice, inside its transaction."""
    now = timezone.now()
    written = 0
    for event in competition.events.all():
        for row in marking.results(event):
            Result.objects.update_or_create(
                entry_id=row.ranked.entry_id,
                defaults={
                    "event": event,
                    "rank": row.ranked.rank,
                    "theory": row.theory,
                    # the rank and award were decided on the exact scores; the row keeps six decimals
                    "practical": scoring.rounded(row.ranked.practical, scoring.STORED_PLACES),
                    "total": scoring.rounded(row.ranked.total, scoring.STORED_PLACES),
                    "award": row.award,
                    "scaled": row.scaled,
                    "published_at": now,
                },
            )
            written += 1
    today = timezone.localdate()
    competition.notice_ends_on = add_working_days(today, competition.notice_working_days, calendar_exceptions(today))
    competition.save(update_fields=["notice_ends_on"])
    return written


def check_final(competition: Competition) -> None:
    if competition.notice_ends_on and timezone.localdate() < competition.notice_ends_on:
        raise CompetitionError(
            _("The public notice runs until %(date)s.") % {"date": competition.notice_ends_on.isoformat()}
        )
    if Objection.objects.filter(result__event__competition=competition, state=ObjectionState.OPEN).exists():
        raise CompetitionError(_("Decide every open objection first."))


@transaction.atomic
def raise_objection(*, actor: User, scope: Scope, result: Result, text: str) -> Objection:
    """Record an objection during the notice, by the organiser or by the entrant's own union."""
    competition = result.event.competition
    allowed = scope.covers(MANAGE_COMPETITIONS, competition.organiser_id) or scope.covers(
        ENTER_COMPETITIONS, result.entry.union_id
    )
    if not allowed:
        raise PermissionDenied
    if competition.state != State.NOTICE:
        raise CompetitionError(_("Objections are recorded during the public notice only."))
    if not text.strip():
        raise CompetitionError(_("Write down the objection."))
    objection = Objection.objects.create(result=result, text=text.strip(), raised_by=actor)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=objection,
        after={"result": str(result), "text": objection.text},
        union_id=competition.organiser_id,
    )
    return objection


@transaction.atomic
def decide_objection(*, actor: User, scope: Scope, objection: Objection, uphold: bool, decision: str) -> Objection:
    """Dismiss with a reason, or uphold: the event's sign-off is lifted so that, once the competition
    is moved back to marking, its judges can re-mark; publishing again updates the results."""
    event: Event = objection.result.event
    competition = event.competition
    scope.require(MANAGE_COMPETITIONS, competition.organiser_id)
    if objection.state != ObjectionState.OPEN:
        raise CompetitionError(_("This objection is already decided."))
    if not decision.strip():
        raise CompetitionError(_("Give the reason for the decision."))
    objection.state = ObjectionState.UPHELD if uphold else ObjectionState.DISMISSED
    objection.decision, objection.decided_by, objection.decided_at = decision.strip(), actor, timezone.now()
    objection.save()
    if uphold:
        event.signed_off_at, event.signed_off_by = None, None
        event.save(update_fields=["signed_off_at", "signed_off_by"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=objection,
        before={"state": ObjectionState.OPEN},
        after={"state": objection.state, "decision": objection.decision},
        union_id=competition.organiser_id,
    )
    return objection


def final_results() -> QuerySet[Result]:
    """The only results that flow onward (rewards, promotions, statistics, certificates)."""
    return Result.objects.filter(event__competition__state__in=[State.FINAL, State.ARCHIVED])
