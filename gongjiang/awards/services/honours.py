"""Honour cycles: quotas, nominations (of workers, units or teams), expert review, public notice, objections,
approval."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Avg, Count, Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongjiang.competitions.results import add_working_days, calendar_exceptions
from gongjiang.core import audit, changes
from gongjiang.core.models import AuditAction, User
from gongjiang.core.validators import validate_attachment
from gongjiang.orgs.enums import UnionKind
from gongjiang.orgs.models import Employer, Union, UnionAncestor
from gongjiang.orgs.rules import APPROVE_PAYMENTS, MANAGE_POLICY, REVIEW_AWARDS, VIEW_AWARDS
from gongjiang.orgs.scope import Scope
from gongjiang.people.models import Honour, Worker
from gongjiang.policy import engine
from gongjiang.policy.enums import Nominee
from gongjiang.policy.models import Rule
from gongjiang.policy.queries import rule_view

from ..enums import CycleState, NominationState, ObjectionState
from ..models import (
    Allocation,
    HonourCycle,
    Nomination,
    NominationObjection,
    Review,
)
from .base import AwardError, _programme
from .ledger import _propose_line

NOTICE_WORKING_DAYS = 5


@transaction.atomic
def open_cycle(
    *, actor: User, scope: Scope, rule: Rule, year: int, nominations_close_on: dt.date | None = None
) -> HonourCycle:
    """Open a cycle of an honour rule in force, with the last day unions may nominate."""
    if not scope.has(MANAGE_POLICY):
        raise PermissionDenied
    _check_closing_day(nominations_close_on)
    if rule.kind != "honour":
        raise AwardError(_("Choose an honour programme rule."))
    if not rule_view(rule).in_force(timezone.localdate()):
        raise AwardError(_("This version of the rule is not in force today."))
    title = rule.terms["title"]
    if HonourCycle.objects.filter(title=title, year=year).exists():
        raise AwardError(_("%(title)s %(year)s is already open.") % {"title": title, "year": year})
    cycle = HonourCycle.objects.create(
        rule=rule, year=year, title=title, quota=rule.terms["quota"], nominations_close_on=nominations_close_on
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=cycle,
        after=audit.snapshot(cycle, ("title", "year", "quota", "nominations_close_on")),
    )
    return cycle


def _check_closing_day(day: dt.date | None) -> None:
    if day is not None and day < timezone.localdate():
        raise AwardError(
            _("The nomination closing date %(day)s has passed; choose today or a later day.") % {"day": day}
        )


@transaction.atomic
def set_nomination_deadline(*, actor: User, scope: Scope, cycle: HonourCycle, day: dt.date) -> HonourCycle:
    """Set or move the last day of nominations while the cycle takes them."""
    if not scope.has(MANAGE_POLICY):
        raise PermissionDenied
    cycle = HonourCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.state != CycleState.NOMINATING:
        raise AwardError(_("The nomination closing date can only change while nominations are open."))
    _check_closing_day(day)
    before = audit.snapshot(cycle, ("nominations_close_on",))
    cycle.nominations_close_on = day
    cycle.save(update_fields=["nominations_close_on"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=cycle,
        before=before,
        after=audit.snapshot(cycle, ("nominations_close_on",)),
    )
    return cycle


def nominations_closed(cycle: HonourCycle, today: dt.date | None = None) -> bool:
    """Whether the cycle's nomination closing date is behind ``today``."""
    day = cycle.nominations_close_on
    return day is not None and (today or timezone.localdate()) > day


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


def nominee_kind(cycle: HonourCycle) -> str:
    """Who the cycle's title goes to, by its rule: a worker (rules written before units and teams), a
    unit or a team."""
    return str(cycle.rule.terms.get("nominee") or Nominee.PERSON)


def _check_nominee(cycle: HonourCycle, worker: Worker | None, employer: Employer | None, team_name: str) -> str:
    """The nominee matches the kind the cycle's rule confers on; returns that kind."""
    kind = nominee_kind(cycle)
    if kind == Nominee.PERSON and (worker is None or employer is not None or team_name):
        raise AwardError(_("%(title)s is conferred on a worker: choose the worker.") % {"title": cycle.title})
    if kind == Nominee.UNIT and (employer is None or worker is not None or team_name):
        raise AwardError(_("%(title)s is conferred on a unit: choose the unit.") % {"title": cycle.title})
    if kind == Nominee.TEAM and (employer is None or worker is not None or not team_name):
        raise AwardError(
            _("%(title)s is conferred on a team: choose the team's unit and give the team's name.")
            % {"title": cycle.title}
        )
    return kind


def _holds_title(cycle: HonourCycle, kind: str, worker: Worker | None, employer: Employer | None, team: str) -> bool:
    """Whether the nominee already holds the cycle's title: a worker by the honours recorded for them, a
    unit or a team by an approved nomination of an earlier cycle of the same title."""
    if kind == Nominee.PERSON:
        return Honour.objects.filter(worker=worker, title=cycle.title).exists()
    return Nomination.objects.filter(
        cycle__title=cycle.title, state=NominationState.APPROVED, subject=kind, employer=employer, team_name=team
    ).exists()


@transaction.atomic
def nominate(
    *,
    actor: User,
    scope: Scope,
    allocation: Allocation,
    statement: str,
    worker: Worker | None = None,
    employer: Employer | None = None,
    team_name: str = "",
    materials: UploadedFile | None = None,
) -> Nomination:
    """A union nominates a worker, a unit or a team of its own subtree in a cycle, within its allocation.

    The cycle's rule says which of the three it takes; the nominee's place (the worker's union, the
    unit's or the team's employer's union) must lie in the allocated union's subtree.
    """
    scope.require(REVIEW_AWARDS, allocation.union_id)
    allocation = Allocation.objects.select_for_update(of=("self",)).select_related("cycle__rule").get(pk=allocation.pk)
    cycle = allocation.cycle
    if cycle.state != CycleState.NOMINATING:
        raise AwardError(_("Nominations for this cycle are closed."))
    if nominations_closed(cycle):
        raise AwardError(
            _("Nominations for %(cycle)s closed on %(day)s; no nomination can be made after that day.")
            % {"cycle": cycle, "day": cycle.nominations_close_on}
        )
    team_name = team_name.strip()[:120]
    kind = _check_nominee(cycle, worker, employer, team_name)
    place = worker.union_id if worker is not None else employer.union_id  # type: ignore[union-attr]
    name = worker.name if worker is not None else (f"{team_name}（{employer.name}）" if team_name else employer.name)  # type: ignore[union-attr]
    if not UnionAncestor.objects.filter(ancestor_id=allocation.union_id, descendant_id=place).exists():
        raise AwardError(_("A union nominates only workers, units and teams of its own unions."))
    if not statement.strip():
        raise AwardError(_("Describe the nominee's deeds."))
    if materials:
        try:
            validate_attachment(materials)
        except ValidationError as exc:
            raise AwardError(" ".join(exc.messages)) from None
    if cycle.rule.terms.get("once_per_person") and _holds_title(cycle, kind, worker, employer, team_name):
        raise AwardError(_("%(name)s already holds the title %(title)s.") % {"name": name, "title": cycle.title})
    same = (
        Q(worker=worker) if kind == Nominee.PERSON else Q(subject=kind, employer=employer, team_name__iexact=team_name)
    )
    if cycle.nominations.filter(same).exists():
        raise AwardError(_("%(name)s is already nominated in this cycle.") % {"name": name})
    used = allocation.nominations.exclude(state=NominationState.WITHDRAWN).count()
    if used >= allocation.quota:
        raise AwardError(_("The union's quota of %(n)s nominations is used up.") % {"n": allocation.quota})
    nomination = Nomination.objects.create(
        cycle=cycle,
        allocation=allocation,
        subject=kind,
        worker=worker,
        employer=employer,
        team_name=team_name,
        nominee_name=name[:240],
        union_id=place,
        statement=statement.strip(),
        materials=materials or "",
        nominated_by=actor,
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=nomination,
        after={"cycle": str(cycle), "subject": kind, "nominee_name": name},
        union_id=place,
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
        changes.announce(Nomination, pks=[objection.nomination_id])
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
        Nomination.objects.select_for_update(of=("self",))
        .select_related("worker", "employer", "allocation")
        .get(pk=nomination.pk)
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
    if nomination.worker is not None:  # a unit's or a team's title is recorded by its approved nomination
        nomination.honour = Honour.objects.create(
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
        payee=nomination.nominee,
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
