"""Writes for awards: proposals from final results, their review, the ledger, honour cycles.

Every function checks the scope itself, runs in one transaction, locks the rows whose state it
changes, and writes its audit rows in that transaction. Money is Decimal yuan in whole cents.
"""

import datetime as dt
import secrets
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Avg, Count, Max, Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongjiang.competitions.enums import State
from gongjiang.competitions.models import Competition, Entry, Result
from gongjiang.competitions.results import add_working_days, calendar_exceptions
from gongjiang.core import audit
from gongjiang.core.models import AuditAction, User
from gongjiang.orgs.enums import UnionKind
from gongjiang.orgs.models import Union, UnionAncestor
from gongjiang.orgs.rules import APPROVE_PAYMENTS, MANAGE_FUNDS, MANAGE_POLICY, REVIEW_AWARDS, VIEW_AWARDS
from gongjiang.orgs.scope import Scope
from gongjiang.people.enums import GradeSource, WorkerStatus
from gongjiang.people.models import Honour, SkillGrade, Worker
from gongjiang.policy import engine
from gongjiang.policy.enums import ProgrammeKind
from gongjiang.policy.models import Programme, Rule
from gongjiang.policy.queries import rule_view, rule_views

from .enums import CycleState, DecisionKind, DecisionState, LineState, NominationState, ObjectionState
from .models import (
    Allocation,
    Budget,
    Decision,
    HonourCycle,
    LedgerLine,
    Nomination,
    NominationObjection,
    Review,
)

LINE_FIELDS = ("state", "amount", "approved_by", "paid_by", "payment_ref", "rejected_by", "reject_reason")
NOTICE_WORKING_DAYS = 5


class AwardError(Exception):
    """A refused award action, with a message for the user."""


# ---------------------------------------------------------------- proposals from results


def _facts(competition: Competition, on: dt.date) -> tuple[list[engine.ResultFacts], dict[int, int]]:
    """The facts of every result of a competition, read as plain values (no model instances).

    Returns the facts and each result's union (the worker's, for the decision's scope).
    """
    results = Result.objects.filter(event__competition=competition)
    entrants = Entry.objects.filter(event__competition=competition).values("worker_id")
    field_sizes = dict(results.order_by().values_list("event_id").annotate(n=Count("id")))
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


def _programme(rule: Rule) -> Programme:
    if rule.programme is None:  # add_rule_version refuses money rules without one
        raise AwardError(_("Rule “%(rule)s” names no programme to pay from.") % {"rule": rule})
    return rule.programme


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


# ---------------------------------------------------------------- the ledger


def _propose_line(
    *,
    actor: User,
    programme: Programme,
    year: int,
    union_id: int,
    payee: str,
    amount: Decimal,
    reason: str,
    rule: Rule | None = None,
    worker: Worker | None = None,
    decision: Decision | None = None,
    nomination: Nomination | None = None,
    source: str = "",
    reverses: LedgerLine | None = None,
) -> LedgerLine:
    line = LedgerLine.objects.create(
        programme=programme,
        year=year,
        union_id=union_id,
        worker=worker,
        payee=payee,
        amount=amount,
        rule=rule,
        reason=reason,
        decision=decision,
        nomination=nomination,
        source=source,
        reverses=reverses,
        proposed_by=actor,
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=line,
        after=audit.snapshot(line, ("programme", "year", "payee", "amount", "state", "reason")),
        union_id=union_id,
    )
    return line


def may_move_money(scope: Scope, programme: Programme) -> bool:
    """Provincial programmes are the province's; a union's own programme is its subtree's officials'."""
    if programme.owner_id is None:
        return scope.has(APPROVE_PAYMENTS)
    return scope.covers(APPROVE_PAYMENTS, programme.owner_id) or scope.covers(MANAGE_FUNDS, programme.owner_id)


def _require_money(scope: Scope, programme: Programme) -> None:
    if not may_move_money(scope, programme):
        raise PermissionDenied


def committed(programme_id: int, year: int) -> Decimal:
    """Money approved or paid from a programme's budget for a year (reversals count negative)."""
    total = LedgerLine.objects.filter(
        programme_id=programme_id, year=year, state__in=[LineState.APPROVED, LineState.PAID]
    ).aggregate(s=Sum("amount"))["s"]
    return total or Decimal("0.00")


def _locked_line(line: LedgerLine) -> LedgerLine:
    return LedgerLine.objects.select_for_update(of=("self",)).select_related("programme").get(pk=line.pk)


def _save_line(actor: User, line: LedgerLine, before: dict[str, Any], note: str = "") -> LedgerLine:
    line.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=line,
        before=before,
        after=audit.snapshot(line, LINE_FIELDS),
        union_id=line.union_id,
        note=note,
    )
    return line


@transaction.atomic
def approve_line(*, actor: User, scope: Scope, line: LedgerLine) -> LedgerLine:
    line = _locked_line(line)
    _require_money(scope, line.programme)
    if line.state != LineState.PROPOSED:
        raise AwardError(_("Only a proposed line can be approved."))
    if line.proposed_by_id == actor.pk:
        raise AwardError(_("The person who proposed a payment cannot also approve it."))
    budget = Budget.objects.select_for_update().filter(programme=line.programme, year=line.year).first()
    if budget is None:
        raise AwardError(
            _("There is no budget for %(programme)s in %(year)s.") % {"programme": line.programme, "year": line.year}
        )
    left = budget.amount - committed(line.programme_id, line.year)
    if line.amount > left:
        raise AwardError(
            _("The budget of %(programme)s for %(year)s has %(left)s yuan left, less than %(amount)s.")
            % {"programme": line.programme, "year": line.year, "left": left, "amount": line.amount}
        )
    before = audit.snapshot(line, LINE_FIELDS)
    line.state = LineState.APPROVED
    line.approved_by = actor
    line.approved_at = timezone.now()
    return _save_line(actor, line, before)


@transaction.atomic
def pay_line(*, actor: User, scope: Scope, line: LedgerLine, payment_ref: str) -> LedgerLine:
    """Record the payment of an approved line: once, and by someone other than its approver."""
    line = _locked_line(line)
    _require_money(scope, line.programme)
    if line.state == LineState.PAID:
        raise AwardError(_("This line has already been paid."))
    if line.state != LineState.APPROVED:
        raise AwardError(_("Only an approved line can be paid."))
    if line.approved_by_id == actor.pk:
        raise AwardError(_("The person who approved a payment cannot also pay it."))
    payment_ref = payment_ref.strip()
    if not payment_ref:
        raise AwardError(_("Enter the payment reference (the bank or treasury voucher number)."))
    before = audit.snapshot(line, LINE_FIELDS)
    line.state = LineState.PAID
    line.paid_by = actor
    line.paid_at = timezone.now()
    line.payment_ref = payment_ref[:60]
    return _save_line(actor, line, before)


@transaction.atomic
def reject_line(*, actor: User, scope: Scope, line: LedgerLine, reason: str) -> LedgerLine:
    line = _locked_line(line)
    _require_money(scope, line.programme)
    if line.state not in {LineState.PROPOSED, LineState.APPROVED}:
        raise AwardError(_("A paid or rejected line cannot be rejected; reverse a paid line instead."))
    if not reason.strip():
        raise AwardError(_("Say why the line is rejected."))
    before = audit.snapshot(line, LINE_FIELDS)
    line.state = LineState.REJECTED
    line.rejected_by = actor
    line.rejected_at = timezone.now()
    line.reject_reason = reason.strip()
    return _save_line(actor, line, before)


@transaction.atomic
def reverse_line(*, actor: User, scope: Scope, line: LedgerLine, reason: str) -> LedgerLine:
    """A paid line is never changed: its reversal is a new, negative line that goes the same way."""
    line = _locked_line(line)
    _require_money(scope, line.programme)
    if line.state != LineState.PAID or line.reverses_id is not None:
        raise AwardError(_("Only a paid payment can be reversed."))
    if LedgerLine.objects.filter(reverses=line).exists():
        raise AwardError(_("This payment has already been reversed."))
    if not reason.strip():
        raise AwardError(_("Say why the payment is reversed."))
    return _propose_line(
        actor=actor,
        programme=line.programme,
        year=line.year,
        union_id=line.union_id,
        worker=line.worker,
        payee=line.payee,
        amount=-line.amount,
        rule=line.rule,
        reason=_("Reversal of line #%(id)s: %(reason)s") % {"id": line.pk, "reason": reason.strip()},
        reverses=line,
    )


@transaction.atomic
def set_budget(*, actor: User, scope: Scope, programme: Programme, year: int, amount: Decimal) -> Budget:
    _require_money(scope, programme)
    if programme.owner_id is None and not scope.has(MANAGE_POLICY):
        raise PermissionDenied
    amount = Decimal(amount).quantize(engine.CENT)
    if amount < committed(programme.pk, year):
        raise AwardError(_("The budget cannot be less than what is already committed."))
    budget, created = Budget.objects.select_for_update().get_or_create(
        programme=programme, year=year, defaults={"amount": amount}
    )
    before = None if created else audit.snapshot(budget, ("amount",))
    budget.amount = amount
    budget.save()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=budget,
        before=before,
        after={"amount": str(amount)},
    )
    return budget


@transaction.atomic
def create_programme(*, actor: User, scope: Scope, owner: Union, name: str) -> Programme:
    """A union's own funding line (e.g. 联盟活动经费), with budgets and lines of its own."""
    scope.require(MANAGE_FUNDS, owner.pk)
    name = name.strip()
    if not name:
        raise AwardError(_("Give the programme a name."))
    if Programme.objects.filter(owner=owner, name=name).exists():
        raise AwardError(_("The union already has a programme of that name."))
    programme = Programme.objects.create(
        code=f"u{owner.pk}-{secrets.token_hex(4)}", name=name, kind=ProgrammeKind.SUBSIDY, owner=owner
    )
    audit.record(actor=actor, action=AuditAction.CREATE, obj=programme, after={"name": name}, union_id=owner.pk)
    return programme


@transaction.atomic
def propose_payment(
    *,
    actor: User,
    scope: Scope,
    programme: Programme,
    year: int,
    union: Union,
    payee: str,
    amount: Decimal,
    reason: str,
    source: str,
) -> LedgerLine:
    """Propose a payment from a union's own programme (its budget, not a rule, sets the amount),
    e.g. an alliance's activity funds for a year. One line per ``source``."""
    if programme.owner_id is None:
        raise AwardError(_("Provincial programmes pay only what their rules decide."))
    scope.require(MANAGE_FUNDS, programme.owner_id)
    if not UnionAncestor.objects.filter(ancestor_id=programme.owner_id, descendant_id=union.pk).exists():
        raise AwardError(_("A union's programme pays only within its own unions."))
    amount = Decimal(amount).quantize(engine.CENT)
    if not Decimal(0) < amount <= engine.MAX_AMOUNT:
        raise AwardError(_("The amount must be above zero and at most 10,000,000 yuan."))
    if not reason.strip():
        raise AwardError(_("Say what the payment is for."))
    if LedgerLine.objects.filter(source=source).exists():
        raise AwardError(_("This has already been proposed; see the ledger."))
    return _propose_line(
        actor=actor,
        programme=programme,
        year=year,
        union_id=union.pk,
        payee=payee,
        amount=amount,
        reason=reason.strip(),
        source=source,
    )


@transaction.atomic
def propose_subsidy(
    *, actor: User, scope: Scope, subject: str, level: str, union: Union, payee: str, source: str, subject_name: str
) -> LedgerLine | None:
    """Propose the one-time subsidy the rules give a subject at a level (e.g. a provincial alliance).

    ``source`` names the subsidised thing ("alliance:12"); a second call for it returns the first
    line. None when no subsidy rule is in force for that subject and level.
    """
    scope.require(REVIEW_AWARDS, union.pk)
    existing = LedgerLine.objects.filter(source=source).first()
    if existing is not None:
        return existing
    today = timezone.localdate()
    view = engine.subsidy_for(subject, level, today, rule_views(("subsidy",)))
    if view is None:
        return None
    rule = Rule.objects.select_related("programme").get(pk=view.id)
    amount = Decimal(view.terms["amount"])
    params = view.cite() | {"amount": str(amount), "subject_name": subject_name}
    with translation.override("zh-hans"):
        reason = engine.explain("subsidy", params)
    return _propose_line(
        actor=actor,
        programme=_programme(rule),
        year=today.year,
        union_id=union.pk,
        payee=payee,
        amount=amount,
        rule=rule,
        reason=reason,
        source=source,
    )


# ---------------------------------------------------------------- honours


@transaction.atomic
def open_cycle(*, actor: User, scope: Scope, rule: Rule, year: int) -> HonourCycle:
    if not scope.has(MANAGE_POLICY):
        raise PermissionDenied
    if rule.kind != "honour":
        raise AwardError(_("Choose an honour programme rule."))
    if not rule_view(rule).in_force(timezone.localdate()):
        raise AwardError(_("This version of the rule is not in force today."))
    title = rule.terms["title"]
    if HonourCycle.objects.filter(title=title, year=year).exists():
        raise AwardError(_("%(title)s %(year)s is already open.") % {"title": title, "year": year})
    cycle = HonourCycle.objects.create(rule=rule, year=year, title=title, quota=rule.terms["quota"])
    audit.record(
        actor=actor, action=AuditAction.CREATE, obj=cycle, after=audit.snapshot(cycle, ("title", "year", "quota"))
    )
    return cycle


@transaction.atomic
def allocate(*, actor: User, scope: Scope, cycle: HonourCycle, union: Union, quota: int) -> Allocation:
    if not scope.has(MANAGE_POLICY):
        raise PermissionDenied
    cycle = HonourCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.state != CycleState.NOMINATING:
        raise AwardError(_("Quotas can only be allocated while nominations are open."))
    if union.kind not in {UnionKind.CITY, UnionKind.INDUSTRY}:
        raise AwardError(_("Quotas go to city federations and industrial unions."))
    others = cycle.allocations.exclude(union=union).aggregate(s=Sum("quota"))["s"] or 0
    if quota < 0 or others + quota > cycle.quota:
        raise AwardError(
            _("Only %(left)s of the %(quota)s places are left to allocate.")
            % {"left": cycle.quota - others, "quota": cycle.quota}
        )
    allocation, _created = Allocation.objects.update_or_create(cycle=cycle, union=union, defaults={"quota": quota})
    used = allocation.nominations.exclude(state=NominationState.WITHDRAWN).count()
    if used > quota:
        raise AwardError(_("This union has already made %(n)s nominations.") % {"n": used})
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=allocation, after={"union": str(union), "quota": quota})
    return allocation


@transaction.atomic
def nominate(
    *,
    actor: User,
    scope: Scope,
    allocation: Allocation,
    worker: Worker,
    statement: str,
    materials: UploadedFile | None = None,
) -> Nomination:
    scope.require(REVIEW_AWARDS, allocation.union_id)
    allocation = Allocation.objects.select_for_update(of=("self",)).select_related("cycle__rule").get(pk=allocation.pk)
    cycle = allocation.cycle
    if cycle.state != CycleState.NOMINATING:
        raise AwardError(_("Nominations for this cycle are closed."))
    if not UnionAncestor.objects.filter(ancestor_id=allocation.union_id, descendant_id=worker.union_id).exists():
        raise AwardError(_("A union nominates only workers of its own unions."))
    if not statement.strip():
        raise AwardError(_("Describe the nominee's deeds."))
    if cycle.rule.terms.get("once_per_person") and Honour.objects.filter(worker=worker, title=cycle.title).exists():
        raise AwardError(_("%(name)s already holds the title %(title)s.") % {"name": worker.name, "title": cycle.title})
    if cycle.nominations.filter(worker=worker).exists():
        raise AwardError(_("%(name)s is already nominated in this cycle.") % {"name": worker.name})
    used = allocation.nominations.exclude(state=NominationState.WITHDRAWN).count()
    if used >= allocation.quota:
        raise AwardError(_("The union's quota of %(n)s nominations is used up.") % {"n": allocation.quota})
    nomination = Nomination.objects.create(
        cycle=cycle,
        allocation=allocation,
        worker=worker,
        union_id=worker.union_id,
        statement=statement.strip(),
        materials=materials or "",
        nominated_by=actor,
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=nomination,
        after={"cycle": str(cycle), "worker": worker.name},
        union_id=worker.union_id,
    )
    return nomination


@transaction.atomic
def advance_cycle(*, actor: User, scope: Scope, cycle: HonourCycle, to: str) -> HonourCycle:
    """nominating → reviewing → notice (the nominees' public notice starts) → closed."""
    if not scope.has(MANAGE_POLICY):
        raise PermissionDenied
    cycle = HonourCycle.objects.select_for_update().get(pk=cycle.pk)
    order: list[str] = list(CycleState.values)  # the stages in their order
    if to not in order or order.index(to) != order.index(cycle.state) + 1:
        raise AwardError(_("The cycle cannot move to that stage from here."))
    if to == CycleState.NOTICE:
        unscored = cycle.nominations.filter(state=NominationState.SUBMITTED, score__isnull=True).count()
        if unscored:
            raise AwardError(_("%(n)s nominations have no expert score yet.") % {"n": unscored})
        cycle.nominations.filter(state=NominationState.SUBMITTED).update(state=NominationState.IN_NOTICE)
        today = timezone.localdate()
        cycle.notice_ends_on = add_working_days(today, NOTICE_WORKING_DAYS, calendar_exceptions(today))
    if to == CycleState.CLOSED and cycle.nominations.filter(state=NominationState.IN_NOTICE).exists():
        raise AwardError(_("Decide every nomination before closing the cycle."))
    before = {"state": cycle.state}
    cycle.state = to
    cycle.save()
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=cycle, before=before, after={"state": to})
    return cycle


@transaction.atomic
def review_nomination(*, actor: User, nomination: Nomination, score: Decimal, comment: str = "") -> Review:
    cycle = HonourCycle.objects.get(pk=nomination.cycle_id)  # fresh: the caller's copy may predate a stage change
    if not cycle.reviewers.filter(pk=actor.pk).exists():
        raise PermissionDenied
    if cycle.state != CycleState.REVIEWING:
        raise AwardError(_("Scores are given during the expert review."))
    if not Decimal(0) <= score <= Decimal(100):
        raise AwardError(_("A score is from 0 to 100."))
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    review, _created = Review.objects.update_or_create(
        nomination=nomination, reviewer=actor, defaults={"score": score, "comment": comment.strip()}
    )
    nomination.score = Decimal(nomination.reviews.aggregate(a=Avg("score"))["a"]).quantize(engine.CENT)
    nomination.save(update_fields=["score"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=nomination,
        after={"score": str(score)},
        union_id=nomination.union_id,
    )
    return review


def can_object(scope: Scope, nomination: Nomination) -> bool:
    return scope.covers(VIEW_AWARDS, nomination.union_id) or scope.has(MANAGE_POLICY)


@transaction.atomic
def raise_nomination_objection(*, actor: User, scope: Scope, nomination: Nomination, text: str) -> NominationObjection:
    if not can_object(scope, nomination):
        raise PermissionDenied
    nomination = Nomination.objects.get(pk=nomination.pk)
    if nomination.state != NominationState.IN_NOTICE:
        raise AwardError(_("Objections are raised during the public notice."))
    if not text.strip():
        raise AwardError(_("Write the objection."))
    objection = NominationObjection.objects.create(nomination=nomination, text=text.strip(), raised_by=actor)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=objection,
        after={"text": objection.text},
        union_id=nomination.union_id,
    )
    return objection


@transaction.atomic
def decide_nomination_objection(
    *, actor: User, scope: Scope, objection: NominationObjection, uphold: bool, decision: str
) -> NominationObjection:
    if not scope.has(MANAGE_POLICY):
        raise PermissionDenied
    objection = NominationObjection.objects.select_for_update().get(pk=objection.pk)
    if objection.state != ObjectionState.OPEN:
        raise AwardError(_("This objection has been decided."))
    if not decision.strip():
        raise AwardError(_("Write the decision."))
    objection.state = ObjectionState.UPHELD if uphold else ObjectionState.DISMISSED
    objection.decision = decision.strip()
    objection.decided_by = actor
    objection.save()
    if uphold:
        Nomination.objects.filter(pk=objection.nomination_id).update(
            state=NominationState.REJECTED, decided_by=actor, decided_at=timezone.now(), decision_note=decision.strip()
        )
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=objection,
        after={"state": objection.state, "decision": objection.decision},
        union_id=objection.nomination.union_id,
    )
    return objection


@transaction.atomic
def approve_nomination(*, actor: User, scope: Scope, nomination: Nomination, note: str = "") -> Nomination:
    """The province approves a nominee after the notice: the honour is recorded and its award proposed.

    The cycle row is locked, so concurrent approvals are counted one after another and never
    exceed the cycle's quota or the union's allocation.
    """
    if not scope.has(APPROVE_PAYMENTS):
        raise PermissionDenied
    nomination = Nomination.objects.select_related("cycle").get(pk=nomination.pk)
    cycle = (
        HonourCycle.objects.select_for_update(of=("self",))
        .select_related("rule__programme")
        .get(pk=nomination.cycle_id)
    )
    nomination = (
        Nomination.objects.select_for_update(of=("self",)).select_related("worker", "allocation").get(pk=nomination.pk)
    )
    if nomination.state != NominationState.IN_NOTICE:
        raise AwardError(_("Only a nominee in public notice can be approved."))
    if cycle.notice_ends_on and timezone.localdate() <= cycle.notice_ends_on:
        raise AwardError(_("The public notice runs until %(day)s.") % {"day": cycle.notice_ends_on.isoformat()})
    if nomination.objections.filter(state=ObjectionState.OPEN).exists():
        raise AwardError(_("An objection to this nominee is still open."))
    approved = dict(
        Nomination.objects.filter(cycle=cycle, state=NominationState.APPROVED).aggregate(
            total=Count("id"), mine=Count("id", filter=Q(allocation_id=nomination.allocation_id))
        )
    )
    if approved["total"] >= cycle.quota:
        raise AwardError(_("The quota of %(n)s is reached.") % {"n": cycle.quota})
    if approved["mine"] >= nomination.allocation.quota:
        raise AwardError(_("The union's allocation of %(n)s is reached.") % {"n": nomination.allocation.quota})
    terms = cycle.rule.terms
    honour = Honour.objects.create(
        worker=nomination.worker,
        title=cycle.title,
        kind=terms["honour_kind"],
        level=terms["level"],
        year=cycle.year,
        conferred_by=_("Provincial people's government"),
    )
    nomination.state = NominationState.APPROVED
    nomination.decided_by = actor
    nomination.decided_at = timezone.now()
    nomination.decision_note = note.strip()
    nomination.honour = honour
    nomination.save()
    view = rule_view(cycle.rule)
    params = view.cite() | {"title": cycle.title, "year": cycle.year, "amount": terms["amount"]}
    with translation.override("zh-hans"):
        reason = engine.explain("honour", params)
    _propose_line(
        actor=actor,
        programme=_programme(cycle.rule),
        year=cycle.year,
        union_id=nomination.union_id,
        worker=nomination.worker,
        payee=nomination.worker.name,
        amount=Decimal(terms["amount"]),
        rule=cycle.rule,
        reason=reason,
        nomination=nomination,
    )
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=nomination,
        before={"state": NominationState.IN_NOTICE},
        after={"state": NominationState.APPROVED},
        union_id=nomination.union_id,
    )
    return nomination


@transaction.atomic
def reject_nomination(*, actor: User, scope: Scope, nomination: Nomination, note: str) -> Nomination:
    if not scope.has(APPROVE_PAYMENTS):
        raise PermissionDenied
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if nomination.state not in {NominationState.SUBMITTED, NominationState.IN_NOTICE}:
        raise AwardError(_("This nomination has been decided."))
    if not note.strip():
        raise AwardError(_("Say why the nominee is not approved."))
    nomination.state = NominationState.REJECTED
    nomination.decided_by = actor
    nomination.decided_at = timezone.now()
    nomination.decision_note = note.strip()
    nomination.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=nomination,
        after={"state": nomination.state},
        union_id=nomination.union_id,
    )
    return nomination
