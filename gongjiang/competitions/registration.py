"""Entering many workers at once: who of a page of the user's own workers may enter an event, with
every reason for those who may not (the same :func:`eligibility.refusals` the service applies), and
the batch that enters the ticked ones, one transaction each.

Eligibility is decided only for the workers on the page shown, from a fixed number of queries.
"""

from dataclasses import dataclass, replace
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
from .eligibility import EntryFacts, refusals
from .enums import EntryState, State
from .models import Event


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
    common = EntryFacts(
        registration_open=competition.state == State.REGISTRATION,
        already_entered=False,
        event_full=event.capacity is not None and taken >= event.capacity,
        employer_in_organiser_scope=True,
        worker_status="",
        age_at_start=0,
        grade_in_occupation=None,
        occupation=event.occupation.name,
        audience=event.audience,
        grade_min=event.grade_min,
        grade_max=event.grade_max,
        min_age=event.min_age,
        max_age=event.max_age,
    )
    return [
        Candidate(
            w,
            refusals(
                replace(
                    common,
                    already_entered=w.pk in entered,
                    employer_in_organiser_scope=w.union_id in inside,
                    worker_status=w.status,
                    age_at_start=services.age_on(w.birth_date, competition.starts_on),
                    grade_in_occupation=grades.get(w.pk),
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
