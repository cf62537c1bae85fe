"""A judge's own work: how far they are with each event they are assigned to, and what waits.

Reads only; found through the judge's log-in (``own_assignments``), never through a competition's
visibility. Blind like the marking page: it counts competitor entries, it never reads a name.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, QuerySet

from .enums import EntryState, State
from .models import Aspect, Assignment, Entry, Mark
from .queries import own_assignments

BEFORE_MARKING = {State.DRAFT, State.REGISTRATION, State.IN_PROGRESS}


@dataclass(frozen=True)
class Progress:
    assignment: Assignment
    marked: int  # competitors this judge has marked on every aspect
    total: int  # competitors this judge may mark (回避 excluded)

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.marked >= self.total

    @property
    def stage(self) -> str:
        """``to_mark``, ``sign_off`` (every mark of this judge is in, the chief has not signed off),
        ``upcoming`` (marking has not started) or ``done`` (signed off, or the competition moved on)."""
        event = self.assignment.event
        state = event.competition.state
        if state in BEFORE_MARKING:
            return "upcoming"
        if state != State.MARKING or event.signed_off_at is not None:
            return "done"
        return "sign_off" if self.complete else "to_mark"


def _may_mark(assignment: Assignment, employer_id: int, region_code: str) -> bool:
    """The 回避 rule of :func:`eligibility.judge_conflicts`, on plain values (no names needed)."""
    judge = assignment.judge
    if judge.employer_id is not None and employer_id == judge.employer_id:
        return False
    return not (assignment.event.competition.avoid_same_region and region_code[:4] == judge.region_code[:4])


def ordered_assignments(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Assignment]:
    """The user's own assignments, newest competition first, with what the progress reads."""
    return (
        own_assignments(user)
        .select_related("event__competition", "event__occupation", "judge")
        .order_by("-event__competition__starts_on", "event__name", "pk")
    )


def judge_progress(
    user: AbstractBaseUser | AnonymousUser, assignments: Iterable[Assignment] | None = None
) -> list[Progress]:
    """Every assignment of the user (or those given, read by :func:`ordered_assignments`) with its
    progress, in four queries whatever the number of events."""
    assignments = list(ordered_assignments(user) if assignments is None else assignments)
    if not assignments:
        return []
    event_ids = [a.event_id for a in assignments]
    aspects = dict(
        Aspect.objects.filter(criterion__event_id__in=event_ids)
        .order_by()
        .values_list("criterion__event_id")
        .annotate(n=Count("id"))
    )
    entries: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for pk, event_id, employer_id, region in Entry.objects.filter(
        event_id__in=event_ids, state=EntryState.REGISTERED
    ).values_list("pk", "event_id", "employer_id", "region_code"):
        entries[event_id].append((pk, employer_id, region))
    judge_ids = {a.judge_id for a in assignments}
    marks = dict(
        Mark.objects.filter(judge_id__in=judge_ids, entry__event_id__in=event_ids)
        .order_by()
        .values_list("entry_id")
        .annotate(n=Count("id"))
    )
    progress = []
    for a in assignments:
        needed = aspects.get(a.event_id, 0)
        mine = [pk for pk, employer_id, region in entries[a.event_id] if _may_mark(a, employer_id, region)]
        marked = sum(1 for pk in mine if needed and marks.get(pk, 0) >= needed)
        progress.append(Progress(a, marked, len(mine)))
    return progress
