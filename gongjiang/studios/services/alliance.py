"""Alliances: forming one, members joining, admitted, delisted, the chair, activities."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from gongjiang.core import audit
from gongjiang.core.models import AuditAction, User
from gongjiang.orgs.models import Union
from gongjiang.orgs.rules import MANAGE_STUDIOS
from gongjiang.orgs.scope import Scope

from ..enums import (
    CURRENT_MEMBER_STATES,
    MEMBER_TRANSITIONS,
    AllianceState,
    MemberState,
    StudioState,
)
from ..models import (
    Activity,
    Alliance,
    Criterion,
    Membership,
    Studio,
)
from ..queries import alliances_for_user
from .base import StudiosError, _add_months, _require_studio, _today, naming_union
from .targets import propose_subsidy

MEMBER_FIELDS = ("state", "warning_reason", "delisting_reason")


@dataclass(frozen=True)
class AllianceData:
    name: str
    level: str
    lead_union: Union
    founded_on: dt.date
    founding_document: str
    description: str = ""
    bar: Decimal = Decimal(60)
    inactive_months: int = 12
    waiting_months: int = 12


@transaction.atomic
def create_alliance(*, actor: User, scope: Scope, data: AllianceData, studios: Sequence[Studio] = ()) -> Alliance:
    """Form an alliance led by a union in the user's reach, with its first member studios; the
    default evaluation criteria are copied so the lead union can adjust its own."""
    scope.require(MANAGE_STUDIOS, data.lead_union.pk)
    # formed by a union entitled to name the level: named at once; else proposed, for that union to name
    namer = naming_union(scope, data.level, data.lead_union.pk)
    naming = (
        {"state": AllianceState.NAMED, "named_on": data.founded_on, "named_by": namer}
        if namer is not None
        else {"state": AllianceState.PROPOSED}
    )
    alliance = Alliance.objects.create(**data.__dict__, **naming, region_code=data.lead_union.region_id)
    Criterion.objects.bulk_create(
        Criterion(alliance=alliance, name=c.name, weight=c.weight, position=c.position)
        for c in Criterion.objects.filter(alliance__isnull=True)
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=alliance,
        after=audit.snapshot(alliance, ("name", "level", "lead_union", "founded_on", "founding_document", "state")),
        union_id=alliance.lead_union_id,
    )
    for studio in studios:
        add_member(actor=actor, scope=scope, alliance=alliance, studio=studio, on=data.founded_on)
    if alliance.state == AllianceState.NAMED:
        propose_subsidy(actor=actor, scope=scope, alliance=alliance)
    return alliance


ALLIANCE_NAMING_FIELDS = ("state", "named_on", "named_by", "decision_note")


@transaction.atomic
def decide_alliance(
    *, actor: User, scope: Scope, alliance: Alliance, approve: bool, note: str = "", on: dt.date | None = None
) -> Alliance:
    """Name (命名) an alliance its lead union proposed, or reject it with a reason. Only a union of a kind
    entitled to name the alliance's level, at or above the lead union, decides; naming proposes the
    alliance's subsidy where a rule covers its level."""
    on = on or _today()
    alliance = Alliance.objects.select_for_update().get(pk=alliance.pk)
    namer = naming_union(scope, alliance.level, alliance.lead_union_id)
    if namer is None:
        if scope.covers(MANAGE_STUDIOS, alliance.lead_union_id):
            raise StudiosError(_("An alliance of this level is named by a higher union."))
        raise PermissionDenied
    if alliance.state != AllianceState.PROPOSED:
        raise StudiosError(_("This alliance has already been decided."))
    note = note.strip()
    if not approve and not note:
        raise StudiosError(_("Give the reason for not naming the alliance."))
    before = audit.snapshot(alliance, ALLIANCE_NAMING_FIELDS)
    alliance.state = AllianceState.NAMED if approve else AllianceState.REJECTED
    alliance.decision_note = note
    if approve:
        alliance.named_on, alliance.named_by = on, namer
    alliance.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=alliance,
        before=before,
        after=audit.snapshot(alliance, ALLIANCE_NAMING_FIELDS),
        union_id=alliance.lead_union_id,
        note=note,
    )
    if approve:
        propose_subsidy(actor=actor, scope=scope, alliance=alliance)
    return alliance


def _check_waiting(alliance: Alliance, studio: Studio, on: dt.date) -> None:
    last = Membership.objects.filter(alliance=alliance, studio=studio, state=MemberState.DELISTED).aggregate(
        d=Max("delisted_on")
    )["d"]
    if last is not None:
        until = _add_months(last, alliance.waiting_months)
        if on < until:
            raise StudiosError(
                _("This studio was delisted on %(date)s and may reapply from %(until)s.")
                % {"date": last.isoformat(), "until": until.isoformat()}
            )
    if Membership.objects.filter(alliance=alliance, studio=studio).exclude(state=MemberState.DELISTED).exists():
        raise StudiosError(_("This studio is already a member or has applied."))


def _check_joinable(studio: Studio) -> None:
    if not Studio.objects.filter(pk=studio.pk, state=StudioState.NAMED).exists():
        raise StudiosError(_("Only a named studio can join an alliance."))


@transaction.atomic
def add_member(
    *, actor: User, scope: Scope, alliance: Alliance, studio: Studio, on: dt.date | None = None
) -> Membership:
    """The lead union admits a studio of its own reach directly."""
    scope.require(MANAGE_STUDIOS, alliance.lead_union_id)
    on = on or _today()
    if not scope.covers(MANAGE_STUDIOS, studio.union_id):
        raise StudiosError(_("A studio outside your union applies to join; you cannot add it yourself."))
    _check_joinable(studio)
    Alliance.objects.select_for_update().get(pk=alliance.pk)  # one join at a time per alliance
    _check_waiting(alliance, studio, on)
    membership = Membership.objects.create(alliance=alliance, studio=studio, state=MemberState.ACTIVE, joined_on=on)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=membership,
        after={"alliance": alliance.name, "studio": studio.name, "state": membership.state},
        union_id=alliance.lead_union_id,
    )
    return membership


@transaction.atomic
def apply_to_join(
    *, actor: User, scope: Scope, alliance: Alliance, studio: Studio, on: dt.date | None = None
) -> Membership:
    """A studio (its lead, or its union) applies to join, or rejoin, an alliance it can see."""
    _require_studio(scope, studio)
    if not alliances_for_user(scope).filter(pk=alliance.pk).exists():
        raise PermissionDenied
    on = on or _today()
    _check_joinable(studio)
    Alliance.objects.select_for_update().get(pk=alliance.pk)  # one join at a time per alliance
    _check_waiting(alliance, studio, on)
    membership = Membership.objects.create(alliance=alliance, studio=studio, state=MemberState.APPLIED, joined_on=on)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=membership,
        after={"alliance": alliance.name, "studio": studio.name, "state": membership.state},
        union_id=studio.union_id,
    )
    return membership


@transaction.atomic
def add_external_member(
    *,
    actor: User,
    scope: Scope,
    alliance: Alliance,
    name: str,
    employer: str,
    province: str,
    field: str = "",
    on: dt.date | None = None,
) -> Membership:
    """A studio from outside the union tree (another province): a plain record on the alliance."""
    scope.require(MANAGE_STUDIOS, alliance.lead_union_id)
    if not name.strip() or not employer.strip():
        raise StudiosError(_("Name the external studio and its employer."))
    if alliance.memberships.filter(external_name=name.strip(), state__in=CURRENT_MEMBER_STATES).exists():
        raise StudiosError(_("This external studio is already a member."))
    membership = Membership.objects.create(
        alliance=alliance,
        external_name=name.strip(),
        external_employer=employer.strip(),
        external_province=province.strip(),
        external_field=field.strip(),
        joined_on=on or _today(),
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=membership,
        after={"alliance": alliance.name, "external": name, "employer": employer, "province": province},
        union_id=alliance.lead_union_id,
    )
    return membership


def _move_member(*, actor: User, membership: Membership, to: str, reason: str, on: dt.date) -> Membership:
    """The one transition function for memberships. Side effects by target state:

    - active (from applied: admitted; from warned: the warning is lifted, its date and reason stay);
    - warned: the date and reason are written;
    - delisted: the date and reason are written; the member stops being the chair.
    """
    if to not in MEMBER_TRANSITIONS[membership.state]:
        raise StudiosError(
            _("A member in state “%(state)s” cannot become “%(to)s”.")
            % {"state": membership.get_state_display(), "to": MemberState(to).label}
        )
    before = audit.snapshot(membership, MEMBER_FIELDS)
    membership.state = to
    if to == MemberState.WARNED:
        membership.warned_on, membership.warning_reason = on, reason[:300]
    if to == MemberState.DELISTED:
        membership.delisted_on, membership.delisting_reason = on, reason[:300]
        Alliance.objects.filter(pk=membership.alliance_id, chair=membership).update(chair=None)
    membership.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=membership,
        before=before,
        after=audit.snapshot(membership, MEMBER_FIELDS),
        union_id=membership.alliance.lead_union_id,
        note=reason,
    )
    return membership


@transaction.atomic
def admit_member(*, actor: User, scope: Scope, membership: Membership, on: dt.date | None = None) -> Membership:
    scope.require(MANAGE_STUDIOS, membership.alliance.lead_union_id)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.state != MemberState.APPLIED:
        raise StudiosError(_("Only an application can be admitted."))
    membership.joined_on = on or _today()
    return _move_member(
        actor=actor, membership=membership, to=MemberState.ACTIVE, reason=_("Admitted"), on=membership.joined_on
    )


@transaction.atomic
def delist_member(
    *, actor: User, scope: Scope, membership: Membership, reason: str, on: dt.date | None = None
) -> Membership:
    """Delist (摘牌) a member, or refuse an application, with a reason; the row and its history stay."""
    scope.require(MANAGE_STUDIOS, membership.alliance.lead_union_id)
    if not reason.strip():
        raise StudiosError(_("Give the reason for delisting."))
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    return _move_member(
        actor=actor, membership=membership, to=MemberState.DELISTED, reason=reason.strip(), on=on or _today()
    )


@transaction.atomic
def set_chair(*, actor: User, scope: Scope, alliance: Alliance, membership: Membership | None) -> Alliance:
    """Hand the rotating chair (盟主) to a current member, or leave the alliance without one."""
    scope.require(MANAGE_STUDIOS, alliance.lead_union_id)
    if membership is not None:
        membership = Membership.objects.get(pk=membership.pk)
    if membership is not None and (
        membership.alliance_id != alliance.pk or membership.state not in CURRENT_MEMBER_STATES
    ):
        raise StudiosError(_("The chair must be a current member of the alliance."))
    before = {"chair": str(alliance.chair) if alliance.chair_id else None}
    alliance.chair = membership
    alliance.save(update_fields=["chair"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=alliance,
        before=before,
        after={"chair": str(membership) if membership else None},
        union_id=alliance.lead_union_id,
    )
    return alliance


@transaction.atomic
def record_activity(
    *,
    actor: User,
    scope: Scope,
    alliance: Alliance,
    kind: str,
    held_on: dt.date,
    title: str,
    notes: str = "",
    members: Iterable[Membership] = (),
) -> Activity:
    scope.require(MANAGE_STUDIOS, alliance.lead_union_id)
    members = list(members)
    if any(m.alliance_id != alliance.pk for m in members):
        raise StudiosError(_("Only members of this alliance can take part."))
    if held_on > _today():
        raise StudiosError(_("Record an activity once it has taken place."))
    activity = Activity.objects.create(alliance=alliance, kind=kind, held_on=held_on, title=title, notes=notes)
    activity.members.set(members)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=activity,
        after={"title": title, "kind": kind, "held_on": held_on.isoformat(), "members": len(members)},
        union_id=alliance.lead_union_id,
    )
    return activity
