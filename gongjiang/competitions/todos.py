"""What waits in the competitions, on the home page.

Organisers: their own unions' competitions in draft or not ready to start (an event without a chief
judge, a marking scheme or enough judges), and registrations closing within 14 days (their own
competitions and those above that their workers may enter). An enterprise clerk:
competitions open to its workers with their closing dates and how many of its workers may enter. A judge: events to mark, with progress,
and the sign-off waiting for the chief judge. A worker: their registrations and results under public
notice. Each to-do's rows are what its list shows under ``?todo=<key>``.
"""

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongjiang.core.todolist import Todo
from gongjiang.orgs.rules import ENTER_COMPETITIONS, MANAGE_COMPETITIONS

from . import marking, registration
from .enums import AspectKind, EntryState, Kind, State
from .models import Aspect, Assignment, Competition, Entry, Event, Mark, Result
from .queries import competitions_for_user, own_assignments
from .scoring import JUDGEMENT_JUDGES

CLOSING_DAYS = 14


def _organised(request: Any) -> QuerySet[Competition]:
    """Competitions the user's own unions organise (a county's drafts are the county's work, not the city's)."""
    # The user's own unions lie in their reach, so these are visible (competitions_for_user) without
    # its filter, which reads the whole closure table of the reach (26,000 rows for a city).
    return Competition.objects.filter(organiser_id__in=request.scope.roots(MANAGE_COMPETITIONS))


def _drafts(request: Any) -> QuerySet[Competition]:
    return _organised(request).filter(state=State.DRAFT)


def _not_ready(request: Any) -> QuerySet[Competition]:
    """Competitions before the start with no event, or an event short of a chief, a scheme or judges. Not labour
    competitions: their committee scores units in rounds (the labour app), with no events or judges."""
    short = (
        Event.objects.filter(competition=OuterRef("pk"))
        .annotate(
            judges=Count("assignments", distinct=True),
            chiefs=Count("assignments", filter=Q(assignments__is_chief=True), distinct=True),
            aspects=Count("criteria__aspects", distinct=True),
            judged=Count("criteria__aspects", filter=Q(criteria__aspects__kind=AspectKind.JUDGEMENT), distinct=True),
        )
        .filter(Q(chiefs=0) | Q(aspects=0) | Q(judges=0) | Q(judged__gt=0, judges__lt=JUDGEMENT_JUDGES))
    )
    has_event = Event.objects.filter(competition=OuterRef("pk"))
    return (
        _organised(request)
        .exclude(kind=Kind.LABOUR)
        .filter(Q(state__in=[State.DRAFT, State.REGISTRATION]) & (~Exists(has_event) | Exists(short)))
    )


def _closing(request: Any) -> QuerySet[Competition]:
    """Competitions the user organises or whose events their workers may enter, closing soon."""
    today = timezone.localdate()
    if not request.scope.has(MANAGE_COMPETITIONS):
        return Competition.objects.none()  # an enterprise clerk has "open to your workers" with its dates
    # A few competitions close within the fortnight (the index ``competition_registering``): each is
    # probed in the closure (Scope.probing) rather than the organiser's reach hashed (a city: 26,573
    # closure rows, 7-12 ms at province scale, twice: managing and reading).
    return competitions_for_user(request.scope.probing()).filter(
        state=State.REGISTRATION,
        registration_closes_on__gte=today,
        registration_closes_on__lte=today + dt.timedelta(days=CLOSING_DAYS),
    )


def _open_to_enter(request: Any) -> QuerySet[Competition]:
    """For unions that enter but do not organise: competitions open for registration to their workers."""
    scope = request.scope
    if scope.has(MANAGE_COMPETITIONS) or not scope.has(ENTER_COMPETITIONS):
        return Competition.objects.none()
    return competitions_for_user(scope).filter(
        state=State.REGISTRATION, registration_closes_on__gte=timezone.localdate()
    )


def _eligible_note(request: Any) -> str:
    """How many of the clerk's own workers may enter at least one event of the open competitions, by
    the registration page's own rules (a fixed number of queries, see :func:`eligible_workers`)."""
    competitions = _open_to_enter(request)
    events = Event.objects.filter(competition__in=competitions)
    eligible = set().union(*registration.eligible_workers(request.scope, events).values())
    return _("%(n)s of your workers may enter") % {"n": len(eligible)}


# ---------------------------------------------------------------- judges


def _open_assignments(request: Any) -> QuerySet[Assignment]:
    if not hasattr(request.user, "judge"):  # no judge entry (read with the user by portal.auth): no query
        return Assignment.objects.none()
    return own_assignments(request.user).filter(
        event__competition__state=State.MARKING, event__signed_off_at__isnull=True
    )


def _to_mark_progress(request: Any) -> list[tuple[Assignment, int, int]]:
    """(assignment, marks entered, marks due) for each open event of this judge, in four queries
    whatever the number of events; competitors the judge must avoid (回避) are not due."""
    cache = getattr(request, "_todo_marking", None)
    if cache is not None:
        return cache
    assignments = list(_open_assignments(request).select_related("judge", "event__competition"))
    if not assignments:
        request._todo_marking = []
        return []
    events = [a.event_id for a in assignments]
    entries: dict[int, list[Entry]] = {}
    for entry in Entry.objects.filter(event_id__in=events, state=EntryState.REGISTERED).select_related(
        "worker", "employer"
    ):
        entries.setdefault(entry.event_id, []).append(entry)
    aspects = dict(
        Aspect.objects.filter(criterion__event_id__in=events)
        .values("criterion__event_id")
        .annotate(n=Count("pk"))
        .values_list("criterion__event_id", "n")
    )
    marks = {
        (judge, entry): n
        for judge, entry, n in Mark.objects.filter(
            judge_id__in=[a.judge_id for a in assignments], aspect__criterion__event_id__in=events
        )
        .values("judge_id", "entry_id")
        .annotate(n=Count("pk"))
        .values_list("judge_id", "entry_id", "n")
    }
    cache = []
    for a in assignments:
        due_entries = [e for e in entries.get(a.event_id, []) if marking.may_mark(a, e)]
        done = sum(marks.get((a.judge_id, e.pk), 0) for e in due_entries)
        cache.append((a, done, len(due_entries) * aspects.get(a.event_id, 0)))
    request._todo_marking = cache
    return cache


def _to_mark(request: Any) -> QuerySet[Assignment]:
    return Assignment.objects.filter(pk__in=[a.pk for a, done, due in _to_mark_progress(request) if done < due])


def _marking_note(request: Any) -> str:
    rows = [(done, due) for _a, done, due in _to_mark_progress(request) if done < due]
    return _("%(done)s of %(due)s marks entered") % {
        "done": sum(done for done, _due in rows),
        "due": sum(due for _done, due in rows),
    }


def _to_sign_off(request: Any) -> QuerySet[Assignment]:
    """Events this judge leads as chief whose marks are all in and agree: the sign-off waits for them."""
    ready = []
    for assignment in _open_assignments(request).filter(is_chief=True).select_related("event"):
        _aspects, statuses = marking.marking_status(assignment.event)
        if statuses and not any(s.missing or s.flagged for s in statuses):
            ready.append(assignment.pk)
    return Assignment.objects.filter(pk__in=ready)


# ---------------------------------------------------------------- the worker


def _no_worker(request: Any) -> bool:
    """A user without a worker record (read with the user by portal.auth: no query) has no entries."""
    return not request.user.is_authenticated or not hasattr(request.user, "worker")


def my_entries(request: Any) -> QuerySet[Entry]:
    if _no_worker(request):
        return Entry.objects.none()
    return Entry.objects.filter(
        worker__user=request.user,
        state=EntryState.REGISTERED,
        event__competition__state__in=[State.REGISTRATION, State.IN_PROGRESS, State.MARKING],
    )


def _my_next_start(request: Any) -> dt.date | None:
    return (
        my_entries(request)
        .filter(event__competition__starts_on__gte=timezone.localdate())
        .aggregate(day=Min("event__competition__starts_on"))["day"]
    )


def _my_notice(request: Any) -> QuerySet[Result]:
    if _no_worker(request):
        return Result.objects.none()
    return Result.objects.filter(entry__worker__user=request.user, event__competition__state=State.NOTICE)


TODOS = [
    Todo(
        "closing",
        gettext_lazy("Registrations closing within 14 days"),
        "hourglass-split",
        "competitions:list",
        "state=registration&todo=closing",
        rows=_closing,
        soonest="registration_closes_on",
    ),
    Todo(
        "enter",
        gettext_lazy("Competitions open to your workers"),
        "trophy",
        "competitions:list",
        "state=registration&todo=enter",
        rows=_open_to_enter,
        soonest="registration_closes_on",
        note=_eligible_note,
    ),
    Todo(
        "not_ready",
        gettext_lazy("Competitions missing events, judges, chief judges or marking schemes"),
        "exclamation-triangle",
        "competitions:list",
        "todo=not_ready",
        rows=_not_ready,
    ),
    Todo(
        "drafts",
        gettext_lazy("Competitions in draft"),
        "pencil-square",
        "competitions:list",
        "state=draft&todo=drafts",
        rows=_drafts,
    ),
    Todo(
        "mark",
        gettext_lazy("Events to mark"),
        "clipboard-data",
        "competitions:judging",
        "todo=mark",
        rows=_to_mark,
        note=_marking_note,
    ),
    Todo(
        "sign_off",
        gettext_lazy("Events waiting for your sign-off as chief judge"),
        "pen",
        "competitions:judging",
        "todo=sign_off",
        rows=_to_sign_off,
    ),
    Todo(
        "my_entries",
        gettext_lazy("Competitions you are entered in"),
        "flag",
        "competitions:mine",
        "todo=my_entries",
        rows=my_entries,
        deadline=_my_next_start,
        deadline_label=gettext_lazy("starts %(day)s"),
    ),
    Todo(
        "my_notice",
        gettext_lazy("Your results under public notice"),
        "megaphone",
        "competitions:mine",
        "todo=my_notice",
        rows=_my_notice,
    ),
]
