"""Entering many workers at once: who of a page of the user's own workers may enter an event, with
every reason for those who may not (the same :func:`eligibility.refusals` the service applies), and
the batch that enters the ticked ones, one transaction each.

Eligibility is decided only for the workers on the page shown, from a fixed number of queries.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Max, QuerySet
from django.utils.translation import gettext as _

from gongjiang.core.batch import Outcome, run_each
from gongjiang.core.models import User
from gongjiang.orgs.models import UnionAncestor
from gongjiang.orgs.rules import ENTER_COMPETITIONS
from gongjiang.orgs.scope import Scope
from gongjiang.people.models import SkillGrade, Worker
from gongjiang.people.queries import workers_for_user

from . import services
from .eligibility import refusals
from .enums import EntryState
from .models import Entry, Event


def own_workers(scope: Scope) -> QuerySet[Worker]:
    """The workers the user may enter: those of the unions where they hold ``enter_competitions``."""
    return workers_for_user(scope, own=False).filter(scope.union_filter(ENTER_COMPETITIONS))


@dataclass(frozen=True)
class Candidate:
    worker: Worker
    reasons: list[str]

    @property
    def eligible(self) -> bool:
        return not self.reasons


def candidates(event: Event, workers: list[Worker]) -> list[Candidate]:
    """Each worker with every reason they may not enter ``event`` (none: eligible); four queries."""
    if not workers:
        return []
    competition = event.competition
    ids = [w.pk for w in workers]
    grades = dict(
        SkillGrade.objects.filter(worker_id__in=ids, occupation_id=event.occupation_id)
        .order_by()
        .values_list("worker_id")
        .annotate(top=Max("grade"))
    )
    registered = event.entries.filter(state=EntryState.REGISTERED)
    entered = set(registered.filter(worker_id__in=ids).values_list("worker_id", flat=True))
    taken = registered.count()
    inside = set(
        UnionAncestor.objects.filter(
            descendant_id__in={w.union_id for w in workers}, ancestor_id=competition.organiser_id
        ).values_list("descendant_id", flat=True)
    )
    return [
        Candidate(
            w,
            refusals(
                services.facts_of(
                    event,
                    w,
                    taken=taken,
                    entered=w.pk in entered,
                    inside=w.union_id in inside,
                    grade=grades.get(w.pk),
                )
            ),
        )
        for w in workers
    ]


def register_many(*, actor: User, scope: Scope, event: Event, worker_ids: list[int], team: str = "") -> list[Outcome]:
    """Enter each of the user's own workers in ``event``, each in its own transaction through
    :func:`services.register_entry`, so one refusal does not stop the rest. Ids outside the
    user's own workers are reported as refused, never entered."""
    found = {w.pk: w for w in own_workers(scope).filter(pk__in=worker_ids).select_related("employer")}
    items: list[tuple[Any, Worker | None]] = [(pk, found.get(pk)) for pk in dict.fromkeys(worker_ids)]

    def enter(worker: Worker | None) -> Any:
        if worker is None:
            raise PermissionDenied
        return services.register_entry(actor=actor, scope=scope, event=event, worker=worker, team=team)

    return run_each(
        items,
        lambda pair: enter(pair[1]),
        label=lambda pair: pair[1].name if pair[1] is not None else _("Worker %(id)s") % {"id": pair[0]},
    )


def eligible_workers(scope: Scope, events: QuerySet[Event]) -> dict[int, set[int]]:
    """For each competition of ``events``, the ids of the user's own workers who may enter at least
    one of its events, decided by the same :func:`eligibility.refusals` as the registration page.

    Five queries whatever the number of workers and events: the events, the workers (only the fields
    the rules read), their top grades in the events' occupations, the registered entries, and which
    of the workers' unions lie inside each organiser."""
    events_list = list(events.select_related("competition", "occupation"))
    if not events_list:
        return {}
    workers = list(own_workers(scope).only("pk", "status", "birth_date", "union_id").order_by())
    if not workers:
        return {}
    own = own_workers(scope).values("pk")
    event_ids = [e.pk for e in events_list]
    grades: dict[tuple[int, int], int] = {
        (worker, occupation): top
        for worker, occupation, top in SkillGrade.objects.filter(
            worker_id__in=own, occupation_id__in={e.occupation_id for e in events_list}
        )
        .order_by()
        .values_list("worker_id", "occupation_id")
        .annotate(top=Max("grade"))
    }
    taken: dict[int, int] = {}
    entered: set[tuple[int, int]] = set()
    own_ids = {w.pk for w in workers}
    for event_id, worker_id in Entry.objects.filter(event_id__in=event_ids, state=EntryState.REGISTERED).values_list(
        "event_id", "worker_id"
    ):
        taken[event_id] = taken.get(event_id, 0) + 1
        if worker_id in own_ids:
            entered.add((event_id, worker_id))
    inside = set(
        UnionAncestor.objects.filter(
            descendant_id__in={w.union_id for w in workers},
            ancestor_id__in={e.competition.organiser_id for e in events_list},
        ).values_list("ancestor_id", "descendant_id")
    )
    found: dict[int, set[int]] = {}
    for event in events_list:
        organiser = event.competition.organiser_id
        eligible = found.setdefault(event.competition_id, set())
        for w in workers:
            if w.pk in eligible:
                continue
            facts = services.facts_of(
                event,
                w,
                taken=taken.get(event.pk, 0),
                entered=(event.pk, w.pk) in entered,
                inside=(organiser, w.union_id) in inside,
                grade=grades.get((w.pk, event.occupation_id)),
            )
            if not refusals(facts):
                eligible.add(w.pk)
    return found
