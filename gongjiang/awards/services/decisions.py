"""Proposals from final results and their review: promotions, titles and rewards."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongjiang.competitions.enums import State
from gongjiang.competitions.models import Competition, Entry, Result
from gongjiang.core import audit, changes
from gongjiang.core.models import AuditAction, User
from gongjiang.orgs.rules import REVIEW_AWARDS
from gongjiang.orgs.scope import Scope
from gongjiang.people.enums import GradeSource, WorkerStatus
from gongjiang.people.models import Honour, SkillGrade, Worker
from gongjiang.policy import engine
from gongjiang.policy.queries import rule_views

from ..enums import DecisionKind, DecisionState
from ..models import (
    Decision,
)
from .base import AwardError, _programme
from .ledger import _propose_line


def _facts(competition: Competition, on: dt.date) -> tuple[list[engine.ResultFacts], dict[int, int]]:
    """The facts of every result of a competition, read as plain values (no model instances).

    Returns the facts and each result's union (the worker's, for the decision's scope).
    """
    results = Result.objects.filter(event__competition=competition)
    entrants = Entry.objects.filter(event__competition=competition).values("worker_id")
    field_sizes = dict(results.order_by().values_list("event_id").annotate(n=Count("id")))
    if not field_sizes:  # no results (a labour competition has none): no facts
        return [], {}
    held = {
        (w, o): g
        for w, o, g in SkillGrade.objects.filter(worker_id__in=entrants)
        .order_by()
        .values_list("worker_id", "occupation_id")
        .annotate(top=Max("grade"))
    }
    facts, unions = [], {}
    for pk, event_id, rank, worker_id, status, region, union_id, occupation_id in results.values_list(
        "pk",
        "event_id",
        "rank",
        "entry__worker_id",
        "entry__worker__status",
        "entry__region_code",
        "entry__union_id",
        "event__occupation_id",
    ):
        unions[pk] = union_id
        facts.append(
            engine.ResultFacts(
                result_id=pk,
                worker_id=worker_id,
                tier=competition.tier,
                rank=rank,
                field_size=field_sizes[event_id],
                occupation_id=occupation_id,
                on=on,
                is_student=status == WorkerStatus.STUDENT,
                region_code=region,
                held_grade=held.get((worker_id, occupation_id)),
            )
        )
    return facts, unions


def promoted_years(workers: Any) -> set[tuple[int, int]]:
    """(worker, year) pairs that already have a competition promotion, granted or proposed.

    ``workers``: worker ids, or a subquery of them.
    """
    proposed = Decision.objects.filter(
        worker_id__in=workers,
        kind=DecisionKind.PROMOTION,
        state__in=[DecisionState.PROPOSED, DecisionState.ACCEPTED],
    ).values_list("worker_id", "decided_on")
    granted = SkillGrade.objects.filter(worker_id__in=workers, source=GradeSource.COMPETITION).values_list(
        "worker_id", "awarded_on"
    )
    return {(w, day.year) for w, day in [*proposed, *granted]}


@transaction.atomic
def propose_for_competition(competition: Competition) -> int:
    """Run the engine over a final competition's results and store its proposals (idempotent)."""
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    if competition.state not in {State.FINAL, State.ARCHIVED}:
        raise AwardError(_("Only final results lead to rewards and promotions."))
    on = competition.finalised_on or timezone.localdate()
    done = set(Decision.objects.filter(result__event__competition=competition).values_list("result_id", "kind"))
    entrants = Entry.objects.filter(event__competition=competition).values("worker_id")
    # lock the entrants so that two competitions finishing at once cannot both promote one person
    list(Worker.objects.select_for_update().filter(pk__in=entrants).values_list("pk", flat=True))
    facts, unions = _facts(competition, on)
    if not facts:  # every proposal is a result's: none to make, no rules to read
        return 0
    outcome = engine.decide(facts, rule_views(("reward", "promotion", "title")), promoted_years(entrants))
    rows = [
        Decision(
            kind=p.kind,
            rule_id=p.rule_id,
            result_id=p.result_id,
            worker_id=p.worker_id,
            union_id=unions[p.result_id],
            owner_id=competition.organiser_id,
            decided_on=on,
            reason_code=p.reason_code,
            reason_params=p.params,
            ceiling=p.amount,
            grade=p.grade,
            occupation_id=p.occupation_id,
            title=p.title,
        )
        for p in outcome.proposals
        if (p.result_id, p.kind) not in done
    ]
    Decision.objects.bulk_create(rows)
    return len(rows)


def _zh_reason(decision: Decision) -> str:
    with translation.override("zh-hans"):
        return decision.reason


@transaction.atomic
def review_decision(
    *, actor: User, scope: Scope, decision: Decision, verdict: str, amount: Decimal | None = None, note: str = ""
) -> Decision:
    """Accept, adjust (a reward, within its ceiling, with a reason) or reject one proposal.

    Accepting a reward proposes a ledger line; a promotion appends to the worker's grade
    history; a title records the honour.
    """
    scope.require(REVIEW_AWARDS, decision.owner_id)
    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("rule__programme", "result__event__competition")
        .get(pk=decision.pk)
    )
    if decision.state != DecisionState.PROPOSED:
        raise AwardError(_("This proposal has already been reviewed."))
    note = note.strip()
    before = audit.snapshot(decision, ("state", "amount", "review_note"))
    if verdict == "reject":
        if not note:
            raise AwardError(_("Say why the proposal is rejected."))
        decision.state = DecisionState.REJECTED
    elif verdict in {"accept", "adjust"}:
        decision.state = DecisionState.ACCEPTED
        if decision.kind == DecisionKind.REWARD:
            _set_reward_amount(decision, verdict, amount, note)
        elif verdict == "adjust":
            raise AwardError(_("Only a cash reward's amount can be adjusted."))
        elif decision.kind == DecisionKind.PROMOTION:
            decision.skill_grade = _grant_promotion(actor, decision)
        else:
            decision.honour = _grant_title(decision)
    else:
        raise AwardError(_("Unknown verdict."))
    decision.review_note = note
    decision.reviewed_by = actor
    decision.reviewed_at = timezone.now()
    decision.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=decision,
        before=before,
        after=audit.snapshot(decision, ("state", "amount", "review_note")),
        union_id=decision.union_id,
        note=str(decision.worker),
    )
    if decision.kind == DecisionKind.REWARD and decision.amount is not None:
        _propose_line(
            actor=actor,
            programme=_programme(decision.rule),
            year=decision.decided_on.year,
            union_id=decision.union_id,
            worker=decision.worker,
            payee=decision.worker.name,
            amount=decision.amount,
            rule=decision.rule,
            reason=_zh_reason(decision) + (f"（{note}）" if note else ""),
            decision=decision,
        )
    return decision


def _set_reward_amount(decision: Decision, verdict: str, amount: Decimal | None, note: str) -> None:
    ceiling = decision.ceiling or Decimal(0)
    if verdict == "accept":
        decision.amount = ceiling
        return
    if not note:
        raise AwardError(_("Say why the amount is adjusted."))
    try:
        decision.amount = engine.check_adjustment(amount if amount is not None else Decimal(0), ceiling)
    except ValueError as exc:
        raise AwardError(str(exc)) from exc
    decision.state = DecisionState.ADJUSTED


def _grant_promotion(actor: User, decision: Decision) -> SkillGrade:
    worker = Worker.objects.select_for_update().get(pk=decision.worker_id)
    year = decision.decided_on.year
    taken = (
        Decision.objects.filter(
            worker=worker, kind=DecisionKind.PROMOTION, state=DecisionState.ACCEPTED, decided_on__year=year
        ).exists()
        or SkillGrade.objects.filter(worker=worker, source=GradeSource.COMPETITION, awarded_on__year=year).exists()
    )
    if taken:
        raise AwardError(
            _("%(name)s already has a competition promotion in %(year)s: at most one a year.")
            % {"name": worker.name, "year": year}
        )
    if decision.grade is None or decision.occupation_id is None:
        raise AwardError(_("The proposal names no grade."))
    competition = decision.result.event.competition
    grade = SkillGrade.objects.create(
        worker=worker,
        occupation_id=decision.occupation_id,
        grade=decision.grade,
        source=GradeSource.COMPETITION,
        certificate_no=f"GJ-JS{year}-{decision.pk:07d}",
        awarded_on=timezone.localdate(),
        issuer=competition.organiser.name,
        reason=_zh_reason(decision),
    )
    worker.occupations.add(decision.occupation_id)
    if worker.top_grade is None or decision.grade > worker.top_grade:
        changes.announce(Worker, pks=[worker.pk])  # the statistics record what the worker counted
        Worker.objects.filter(pk=worker.pk).update(top_grade=decision.grade)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=grade,
        after=audit.snapshot(grade, ("occupation", "grade", "source", "certificate_no", "awarded_on", "reason")),
        union_id=worker.union_id,
        note=str(worker),
    )
    return grade


def _grant_title(decision: Decision) -> Honour:
    terms = decision.rule.terms
    year = decision.decided_on.year
    if Honour.objects.filter(worker_id=decision.worker_id, title=decision.title, year=year).exists():
        raise AwardError(_("The worker already holds this title for %(year)s.") % {"year": year})
    return Honour.objects.create(
        worker_id=decision.worker_id,
        title=decision.title,
        kind=terms["honour_kind"],
        level=terms["level"],
        year=year,
        conferred_by=decision.result.event.competition.organiser.name,
    )
