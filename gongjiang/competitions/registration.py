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
