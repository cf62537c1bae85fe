"""The ledger: lines proposed, approved, paid, rejected or reversed; budgets, programmes, subsidies."""

import secrets
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongjiang.core import audit
from gongjiang.core.models import AuditAction, User
from gongjiang.orgs.models import Union, UnionAncestor
from gongjiang.orgs.rules import APPROVE_PAYMENTS, MANAGE_FUNDS, MANAGE_POLICY, REVIEW_AWARDS
from gongjiang.orgs.scope import Scope
from gongjiang.people.models import Worker
from gongjiang.policy import engine
from gongjiang.policy.enums import ProgrammeKind
from gongjiang.policy.models import Programme, Rule
from gongjiang.policy.queries import rule_views

from ..enums import LineState
from ..models import (
    Budget,
    Decision,
    LedgerLine,
    Nomination,
)
from .base import AwardError, _programme

LINE_FIELDS = ("state", "amount", "approved_by", "paid_by", "payment_ref", "rejected_by", "reject_reason")


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
def propose_rule_payment(
    *,
    actor: User,
    scope: Scope,
    rule_id: int,
    union: Union,
    worker: Worker,
    amount: Decimal,
    reason: str,
    source: str,
) -> LedgerLine:
    """Propose a payment a rule decided for something the competitions do not hold (e.g. a recognised
    innovation's reward, decided by ``policy.engine.innovation_rewards``); the rule's programme pays.
    One line per ``source``: a second call returns the first line."""
    scope.require(REVIEW_AWARDS, union.pk)
    existing = LedgerLine.objects.filter(source=source).first()
    if existing is not None:
        return existing
    amount = Decimal(amount).quantize(engine.CENT)
    if not Decimal(0) < amount <= engine.MAX_AMOUNT:
        raise AwardError(_("The amount must be above zero and at most 10,000,000 yuan."))
    rule = Rule.objects.select_related("programme").get(pk=rule_id)
    return _propose_line(
        actor=actor,
        programme=_programme(rule),
        year=timezone.localdate().year,
        union_id=union.pk,
        payee=worker.name,
        amount=amount,
        rule=rule,
        reason=reason,
        worker=worker,
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
