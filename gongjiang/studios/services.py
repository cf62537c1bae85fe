"""Writes for studios, alliances, the problem board and evaluation: one function per business action,
scope-checked, audited, each in one transaction."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongjiang.awards import services as awards
from gongjiang.awards.models import LedgerLine
from gongjiang.core import audit
from gongjiang.core.models import AuditAction, User
from gongjiang.orgs.enums import UnionKind
from gongjiang.orgs.models import Employer, Union, UnionAncestor
from gongjiang.orgs.rules import APPLY_STUDIOS, CAPABILITIES, MANAGE_STUDIOS
from gongjiang.orgs.scope import Scope
from gongjiang.people.enums import HonourKind, HonourLevel, WorkerStatus
from gongjiang.people.models import Honour, Occupation, Worker
from gongjiang.policy.models import Programme

from .enums import (
    CURRENT_MEMBER_STATES,
    MEMBER_TRANSITIONS,
    STUDIO_TRANSITIONS,
    ClaimState,
    ClosureReason,
    EvaluationOutcome,
    Level,
    MemberState,
    ProblemState,
    ProjectState,
    ResultKind,
    StudioState,
)
from .models import (
    Activity,
    Alliance,
    Claim,
    Criterion,
    Evaluation,
    LevelRequirement,
    Membership,
    Milestone,
    Problem,
    ProblemAttachment,
    Project,
    Studio,
    StudioMember,
    StudioReport,
    StudioResult,
    Target,
)
from .queries import activity_funds_source, alliances_for_user, can_act_for, subsidy_source

STUDIO_FIELDS = ("name", "level", "state", "employer", "lead", "field", "has_place_and_funds", "has_rules")
MEMBER_FIELDS = ("state", "warning_reason", "delisting_reason")

# Which union may name a studio of each level: the kinds of union a naming role must sit at.
NAMING_UNIONS: dict[str, frozenset[str]] = {
    Level.NATIONAL: frozenset({UnionKind.PROVINCE}),  # recorded by the province for the national body
    Level.PROVINCIAL: frozenset({UnionKind.PROVINCE}),
    Level.CITY: frozenset({UnionKind.PROVINCE, UnionKind.CITY, UnionKind.INDUSTRY}),
    Level.ENTERPRISE: frozenset({UnionKind.PROVINCE, UnionKind.CITY, UnionKind.INDUSTRY, UnionKind.COUNTY}),
}


class StudiosError(Exception):
    """A broken business rule, with a message for the user."""


def _today() -> dt.date:
    return timezone.localdate()


def _require_studio(scope: Scope, studio: Studio) -> None:
    if not can_act_for(scope, studio):
        raise PermissionDenied


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


# Studios ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StudioData:
    name: str
    level: str
    employer: Employer
    lead: Worker
    field: str
    founded_on: dt.date
    description: str = ""
    occupations: tuple[Occupation, ...] = ()
    has_place_and_funds: bool = False
    has_rules: bool = False


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    ok: bool
    detail: str = ""


def requirement(level: str) -> LevelRequirement:
    found = LevelRequirement.objects.filter(level=level).first()
    if found is None:
        raise StudiosError(
            _("No naming requirement is recorded for the level “%(level)s”.") % {"level": Level(level).label}
        )
    return found


def qualifying_honours(lead: Worker, req: LevelRequirement) -> list[Honour]:
    return list(
        lead.honours.filter(kind__in=req.kinds, level__gte=req.min_honour_level).order_by("-level", "-year", "pk")
    )


def lead_check(studio: Studio) -> Check:
    """The lead must hold an honour of a qualifying kind at or above the level's lowest honour level,
    and still work for the studio's employer."""
    req = requirement(studio.level)
    lead = studio.lead
    if lead.status != WorkerStatus.EMPLOYED or lead.employer_id != studio.employer_id:
        return Check("lead", _("A lead"), False, _("The lead no longer works for the employer."))
    honours = qualifying_honours(lead, req)
    kinds = "、".join(str(HonourKind(k).label) for k in req.kinds)
    need = _("%(level)s or higher %(kinds)s honour") % {
        "level": HonourLevel(req.min_honour_level).label,
        "kinds": kinds,
    }
    if not honours:
        return Check("lead", _("A lead"), False, _("The lead holds no %(need)s.") % {"need": need})
    best = honours[0]
    return Check("lead", _("A lead"), True, f"{best.year} {best.title}（{best.get_level_display()}）")


def six_checks(studio: Studio, year: int | None = None) -> list[Check]:
    """The "六有": a lead, a team, a place and funds, rules, projects, results (one of each a year)."""
    year = year or _today().year
    req = requirement(studio.level)
    team = studio.members.count()
    projects = (
        Project.objects.filter(studio=studio, started_on__year__lte=year).filter(started_on__year__gte=year - 1).count()
        + Project.objects.filter(participants=studio, started_on__year__gte=year - 1).exclude(studio=studio).count()
    )
    results = studio.results.filter(year__gte=year - 1).count()
    return [
        lead_check(studio),
        Check(
            "team",
            _("A team"),
            team >= req.min_team,
            _("%(count)s members; at least %(min)s needed.") % {"count": team, "min": req.min_team},
        ),
        Check("place", _("A place and funds"), studio.has_place_and_funds, ""),
        Check("rules", _("Working rules"), studio.has_rules, ""),
        Check("projects", _("Has projects"), projects > 0, _("%(count)s in the last two years.") % {"count": projects}),
        Check("results", _("Has results"), results > 0, _("%(count)s in the last two years.") % {"count": results}),
    ]


def _check_lead(lead: Worker, employer: Employer) -> None:
    if lead.employer_id != employer.pk:
        raise StudiosError(_("The lead must be a worker of the studio's employer."))
    if lead.status != WorkerStatus.EMPLOYED:
        raise StudiosError(_("The lead must be employed (not retired or gone)."))


@transaction.atomic
def apply_studio(*, actor: User, scope: Scope, data: StudioData) -> Studio:
    """Register a studio's application; the higher union names it later."""
    scope.require(APPLY_STUDIOS, data.employer.union_id)
    _check_lead(data.lead, data.employer)
    requirement(data.level)
    fields = {k: v for k, v in data.__dict__.items() if k != "occupations"}
    studio = Studio.objects.create(**fields, union_id=data.employer.union_id, region_code=data.employer.region_id)
    studio.occupations.set(data.occupations)
    StudioMember.objects.create(studio=studio, worker=data.lead, role=_("Lead"), joined_on=data.founded_on)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=studio,
        after=audit.snapshot(studio, STUDIO_FIELDS),
        union_id=studio.union_id,
    )
    return studio


@transaction.atomic
def update_profile(
    *,
    actor: User,
    scope: Scope,
    studio: Studio,
    field: str,
    description: str,
    occupations: Iterable[Occupation],
    has_place_and_funds: bool,
    has_rules: bool,
) -> Studio:
    """The studio's own profile: its lead or the unions above it."""
    _require_studio(scope, studio)
    if studio.state == StudioState.CLOSED:
        raise StudiosError(_("A closed studio cannot change."))
    before = audit.snapshot(studio, (*STUDIO_FIELDS, "description"))
    studio.field, studio.description = field, description
    studio.has_place_and_funds, studio.has_rules = has_place_and_funds, has_rules
    studio.save()
    studio.occupations.set(list(occupations))
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=studio,
        before=before,
        after=audit.snapshot(studio, (*STUDIO_FIELDS, "description")),
        union_id=studio.union_id,
    )
    return studio


def _naming_union(scope: Scope, studio: Studio) -> Union | None:
    """The union, of a kind allowed to name this level, from which the user's role reaches the studio."""
    allowed = NAMING_UNIONS[studio.level]
    for role in scope.roles:
        if (
            MANAGE_STUDIOS in CAPABILITIES.get(role.kind, ())
            and role.union.kind in allowed
            and UnionAncestor.objects.filter(ancestor_id=role.union_id, descendant_id=studio.union_id).exists()
        ):
            return role.union
    return None


def naming_refusals(studio: Studio, on: dt.date) -> list[str]:
    """Why the studio cannot be named now; empty when it can."""
    problems = [f"{c.label}：{c.detail or _('not met')}" for c in six_checks(studio, on.year) if not c.ok]
    req = requirement(studio.level)
    if req.min_years_running:
        years = (on - studio.founded_on).days // 365
        if years < req.min_years_running:
            problems.append(
                _("A studio of this level must have run for %(min)s years; this one has run for %(years)s.")
                % {"min": req.min_years_running, "years": years}
            )
    return problems


@transaction.atomic
def decide_studio(
    *, actor: User, scope: Scope, studio: Studio, approve: bool, note: str = "", on: dt.date | None = None
) -> Studio:
    """Name (命名) an applied studio, or reject it. Naming needs a union of a kind that may name the
    level, above the studio, and every "六有" item and the lead's honour met."""
    on = on or _today()
    studio = Studio.objects.select_for_update().get(pk=studio.pk)
    namer = _naming_union(scope, studio)
    if namer is None:
        if scope.covers(MANAGE_STUDIOS, studio.union_id):
            raise StudiosError(_("A studio of this level is named by a higher union."))
        raise PermissionDenied
    to = StudioState.NAMED if approve else StudioState.REJECTED
    if to not in STUDIO_TRANSITIONS[studio.state]:
        raise StudiosError(_("This studio has already been decided."))
    if approve:
        problems = naming_refusals(studio, on)
        if problems:
            raise StudiosError(_("The studio cannot be named: %(problems)s") % {"problems": "；".join(problems)})
        studio.named_on, studio.named_by = on, namer
    before = audit.snapshot(studio, STUDIO_FIELDS)
    studio.state, studio.decision_note = to, note
    studio.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=studio,
        before=before,
        after=audit.snapshot(studio, STUDIO_FIELDS),
        union_id=studio.union_id,
        note=note,
    )
    return studio


@transaction.atomic
def close_studio(*, actor: User, scope: Scope, studio: Studio, reason: str, on: dt.date | None = None) -> Studio:
    """Close a studio (its employer closed, or its lead retired or left with no successor). Its current
    alliance memberships are delisted with the same reason; its history stays."""
    scope.require(MANAGE_STUDIOS, studio.union_id)
    on = on or _today()
    studio = Studio.objects.select_for_update().get(pk=studio.pk)
    if reason not in ClosureReason.values:
        raise StudiosError(_("Give the reason for closing."))
    if studio.state in {StudioState.CLOSED, StudioState.REJECTED}:
        raise StudiosError(_("This studio is already closed."))
    before = audit.snapshot(studio, STUDIO_FIELDS)
    studio.state, studio.closed_on, studio.closure_reason = StudioState.CLOSED, on, reason
    studio.save()
    label = _("Studio closed: %(reason)s") % {"reason": ClosureReason(reason).label}
    for membership in Membership.objects.filter(studio=studio).exclude(state=MemberState.DELISTED):
        _move_member(actor=actor, membership=membership, to=MemberState.DELISTED, reason=label, on=on)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=studio,
        before=before,
        after=audit.snapshot(studio, STUDIO_FIELDS),
        union_id=studio.union_id,
        note=label,
    )
    return studio


@transaction.atomic
def change_lead(*, actor: User, scope: Scope, studio: Studio, lead: Worker, note: str = "") -> Studio:
    """A new lead (the old one retired or left); a named studio's new lead must meet the level's honour."""
    scope.require(MANAGE_STUDIOS, studio.union_id)
    if studio.state == StudioState.CLOSED:
        raise StudiosError(_("A closed studio cannot change."))
    _check_lead(lead, studio.employer)
    if lead.pk == studio.lead_id:
        raise StudiosError(_("This worker already leads the studio."))
    before = audit.snapshot(studio, STUDIO_FIELDS)
    previous, studio.lead = studio.lead, lead
    check = lead_check(studio)
    if studio.state == StudioState.NAMED and not check.ok:
        studio.lead = previous
        raise StudiosError(check.detail)
    studio.save()
    StudioMember.objects.get_or_create(studio=studio, worker=lead, defaults={"role": _("Lead"), "joined_on": _today()})
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=studio,
        before=before,
        after=audit.snapshot(studio, STUDIO_FIELDS),
        union_id=studio.union_id,
        note=note,
    )
    return studio


@transaction.atomic
def add_team_member(*, actor: User, scope: Scope, studio: Studio, worker: Worker, role: str = "") -> StudioMember:
    _require_studio(scope, studio)
    if worker.employer_id != studio.employer_id:
        raise StudiosError(_("Team members are workers of the studio's employer."))
    if studio.members.filter(worker=worker).exists():
        raise StudiosError(_("This worker is already on the team."))
    member = StudioMember.objects.create(studio=studio, worker=worker, role=role, joined_on=_today())
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=member,
        after={"worker": worker.name, "role": role},
        union_id=studio.union_id,
    )
    return member


@transaction.atomic
def add_project(
    *,
    actor: User,
    scope: Scope,
    studio: Studio,
    title: str,
    started_on: dt.date,
    outcome: str = "",
    economic_value: Decimal = Decimal(0),
    patents: int = 0,
    closed_on: dt.date | None = None,
) -> Project:
    """A studio's own project; closed at once when ``closed_on`` is given."""
    _require_studio(scope, studio)
    if economic_value < 0:
        raise StudiosError(_("The economic value cannot be negative."))
    if closed_on and closed_on < started_on:
        raise StudiosError(_("A project cannot close before it starts."))
    project = Project.objects.create(
        title=title,
        studio=studio,
        started_on=started_on,
        outcome=outcome,
        economic_value=economic_value,
        patents=patents,
        state=ProjectState.CLOSED if closed_on else ProjectState.UNDER_WAY,
        closed_on=closed_on,
        progress=100 if closed_on else 0,
    )
    project.participants.add(studio)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=project,
        after=audit.snapshot(project, ("title", "state", "economic_value")),
        union_id=studio.union_id,
    )
    return project


@transaction.atomic
def add_result(
    *,
    actor: User,
    scope: Scope,
    studio: Studio,
    kind: str,
    title: str,
    year: int,
    reference: str = "",
    economic_value: Decimal = Decimal(0),
) -> StudioResult:
    _require_studio(scope, studio)
    if kind not in ResultKind.values:
        raise StudiosError(_("Unknown kind of result."))
    result = StudioResult.objects.create(
        studio=studio, kind=kind, title=title, year=year, reference=reference, economic_value=economic_value
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=result,
        after={"title": title, "kind": kind},
        union_id=studio.union_id,
    )
    return result


@transaction.atomic
def submit_report(
    *,
    actor: User,
    scope: Scope,
    studio: Studio,
    year: int,
    summary: str,
    people_trained: int = 0,
    self_score: int | None = None,
) -> StudioReport:
    """The yearly self-report, written (and rewritten until the year's evaluation) by the studio."""
    _require_studio(scope, studio)
    if year > _today().year:
        raise StudiosError(_("A report cannot be for a year that has not begun."))
    if Evaluation.objects.filter(membership__studio=studio, year=year).exists():
        raise StudiosError(_("This year has been evaluated; its report can no longer change."))
    report, created = StudioReport.objects.update_or_create(
        studio=studio,
        year=year,
        defaults={
            "summary": summary,
            "people_trained": people_trained,
            "self_score": self_score,
            "submitted_by": actor,
        },
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=report,
        after={"year": year, "people_trained": people_trained, "self_score": self_score},
        before=None if created else {},
        union_id=studio.union_id,
    )
    return report


# Alliances -------------------------------------------------------------------------------------


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
    alliance = Alliance.objects.create(**data.__dict__, region_code=data.lead_union.region_id)
    Criterion.objects.bulk_create(
        Criterion(alliance=alliance, name=c.name, weight=c.weight, position=c.position)
        for c in Criterion.objects.filter(alliance__isnull=True)
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=alliance,
        after=audit.snapshot(alliance, ("name", "level", "lead_union", "founded_on", "founding_document")),
        union_id=alliance.lead_union_id,
    )
    for studio in studios:
        add_member(actor=actor, scope=scope, alliance=alliance, studio=studio, on=data.founded_on)
    propose_subsidy(actor=actor, scope=scope, alliance=alliance)
    return alliance


def propose_subsidy(*, actor: User, scope: Scope, alliance: Alliance) -> LedgerLine | None:
    """Propose the alliance's one-time subsidy through the ledger, if a subsidy rule in force covers its
    level (5万 for a provincial alliance); the rule decides the amount and cites its document. A second
    call returns the first line. The line then goes through the ledger's approval and payment."""
    return awards.propose_subsidy(
        actor=actor,
        scope=scope,
        subject="alliance",
        level=alliance.level,
        union=alliance.lead_union,
        payee=alliance.lead_union.name,
        source=subsidy_source(alliance),
        subject_name=alliance.name,
    )


@transaction.atomic
def propose_activity_funds(
    *, actor: User, scope: Scope, alliance: Alliance, programme: Programme, year: int, amount: Decimal, purpose: str
) -> LedgerLine:
    """Propose the alliance's activity funds for a year from a union's own programme (e.g. a city's
    yearly alliance budget). The lead union's officials propose; the line is approved and paid in the
    ledger by two other hands. One line per alliance and year."""
    scope.require(MANAGE_STUDIOS, alliance.lead_union_id)
    with translation.override("zh-hans"):  # the ledger's reasons are kept in Chinese, like its other lines
        reason = _("%(alliance)s: activity funds for %(year)s. %(purpose)s") % {
            "alliance": alliance.name,
            "year": year,
            "purpose": purpose.strip(),
        }
    try:
        return awards.propose_payment(
            actor=actor,
            scope=scope,
            programme=programme,
            year=year,
            union=alliance.lead_union,
            payee=alliance.lead_union.name,
            amount=amount,
            reason=reason,
            source=activity_funds_source(alliance, year),
        )
    except awards.AwardError as exc:
        raise StudiosError(str(exc)) from exc


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


# Evaluation ------------------------------------------------------------------------------------


@transaction.atomic
def set_criteria(*, actor: User, scope: Scope, alliance: Alliance, weights: Sequence[tuple[str, Decimal]]) -> None:
    """Replace the alliance's criteria; the weights must add up to 100. Past evaluations keep their scores."""
    scope.require(MANAGE_STUDIOS, alliance.lead_union_id)
    names = [n.strip() for n, _w in weights]
    if not weights or any(not n for n in names) or len(set(names)) != len(names):
        raise StudiosError(_("Each criterion needs a distinct name."))
    if any(w <= 0 for _n, w in weights) or sum(w for _n, w in weights) != 100:
        raise StudiosError(_("The weights must be positive and add up to 100."))
    before = {c.name: str(c.weight) for c in alliance.criteria.all()}
    alliance.criteria.all().delete()
    Criterion.objects.bulk_create(
        Criterion(alliance=alliance, name=n, weight=w, position=i)
        for i, (n, w) in enumerate(zip(names, (w for _n, w in weights), strict=True))
    )
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=alliance,
        before={"criteria": before},
        after={"criteria": {n: str(w) for n, (_x, w) in zip(names, weights, strict=True)}},
        union_id=alliance.lead_union_id,
    )


def weighted_total(criteria: Sequence[Criterion], scores: dict[int, Decimal]) -> Decimal:
    """Σ score × weight ÷ 100, each score 0–100, rounded half up to two places."""
    total = sum((Decimal(scores[c.pk]) * c.weight / 100 for c in criteria), Decimal(0))
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@transaction.atomic
def evaluate_member(
    *,
    actor: User,
    scope: Scope,
    membership: Membership,
    year: int,
    scores: dict[int, Decimal],
    on: dt.date | None = None,
) -> Evaluation:
    """Score one member for a year on the alliance's criteria. At or above the bar: passed (a warning
    is lifted). Below it: a member in good standing is warned; one already warned is delisted."""
    alliance = membership.alliance
    scope.require(MANAGE_STUDIOS, alliance.lead_union_id)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    on = on or _today()
    if membership.state not in CURRENT_MEMBER_STATES:
        raise StudiosError(_("Only a current member is evaluated."))
    if membership.evaluations.filter(year=year).exists():
        raise StudiosError(_("This member has already been evaluated for %(year)s.") % {"year": year})
    criteria = list(alliance.criteria.all())
    if not criteria:
        raise StudiosError(_("The alliance has no evaluation criteria."))
    missing = [c.name for c in criteria if c.pk not in scores]
    if missing:
        raise StudiosError(_("Score every criterion: %(names)s.") % {"names": "、".join(missing)})
    if any(not 0 <= Decimal(scores[c.pk]) <= 100 for c in criteria):
        raise StudiosError(_("Scores run from 0 to 100."))
    total = weighted_total(criteria, scores)
    if total >= alliance.bar:
        outcome, reason = EvaluationOutcome.PASSED, ""
        if membership.state == MemberState.WARNED:
            _move_member(
                actor=actor, membership=membership, to=MemberState.ACTIVE, reason=_("Passed the evaluation"), on=on
            )
    else:
        reason = _("%(year)s evaluation: %(total)s, below the bar of %(bar)s.") % {
            "year": year,
            "total": total,
            "bar": alliance.bar,
        }
        if membership.state == MemberState.WARNED:
            outcome = EvaluationOutcome.DELISTED
            _move_member(actor=actor, membership=membership, to=MemberState.DELISTED, reason=reason, on=on)
        else:
            outcome = EvaluationOutcome.WARNED
            _move_member(actor=actor, membership=membership, to=MemberState.WARNED, reason=reason, on=on)
    evaluation = Evaluation.objects.create(
        membership=membership,
        year=year,
        scores={c.name: str(Decimal(scores[c.pk])) for c in criteria},
        total=total,
        outcome=outcome,
        reason=reason,
        scored_by=actor,
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=evaluation,
        after={"year": year, "total": str(total), "outcome": outcome},
        union_id=alliance.lead_union_id,
    )
    return evaluation


def last_active(membership: Membership) -> dt.date:
    """The last day the member did something in the alliance: joined, took part in an activity, posted
    or claimed a problem, or worked on a joint project."""
    days = [membership.joined_on]
    days.append(membership.activities.aggregate(d=Max("held_on"))["d"])
    if membership.studio_id:
        alliance = membership.alliance_id
        days.append(
            Problem.objects.filter(alliance_id=alliance, studio_id=membership.studio_id).aggregate(
                d=Max("posted_at__date")
            )["d"]
        )
        days.append(
            Claim.objects.filter(problem__alliance_id=alliance, studio_id=membership.studio_id).aggregate(
                d=Max("claimed_at__date")
            )["d"]
        )
        projects = Project.objects.filter(alliance_id=alliance, participants=membership.studio_id)
        days.append(projects.aggregate(d=Max("started_on"))["d"])
        days.append(projects.aggregate(d=Max("closed_on"))["d"])
    return max(d for d in days if d is not None)


@transaction.atomic
def check_inactivity(
    *, actor: User, scope: Scope, alliance: Alliance, on: dt.date | None = None
) -> list[tuple[Membership, str]]:
    """Warn every current member inactive for the alliance's period; delist one already warned for
    inactivity and still inactive a full period after the warning. Returns what was done."""
    scope.require(MANAGE_STUDIOS, alliance.lead_union_id)
    on = on or _today()
    done = []
    for membership in alliance.memberships.filter(state__in=CURRENT_MEMBER_STATES).select_related("alliance"):
        last = last_active(membership)
        if _add_months(last, alliance.inactive_months) > on:
            continue
        reason = _("Inactive since %(date)s (more than %(months)s months).") % {
            "date": last.isoformat(),
            "months": alliance.inactive_months,
        }
        if membership.state == MemberState.ACTIVE:
            _move_member(actor=actor, membership=membership, to=MemberState.WARNED, reason=reason, on=on)
            done.append((membership, MemberState.WARNED.value))
        elif membership.warned_on and _add_months(membership.warned_on, alliance.inactive_months) <= on:
            _move_member(actor=actor, membership=membership, to=MemberState.DELISTED, reason=reason, on=on)
            done.append((membership, MemberState.DELISTED.value))
    return done


# The problem board -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProblemData:
    title: str
    field: str
    description: str
    deadline: dt.date
    reward: Decimal | None = None
    open_to_all: bool = False


def _current_member(alliance: Alliance, studio: Studio) -> bool:
    return alliance.memberships.filter(studio=studio, state__in=CURRENT_MEMBER_STATES).exists()


@transaction.atomic
def post_problem(
    *,
    actor: User,
    scope: Scope,
    alliance: Alliance,
    studio: Studio,
    data: ProblemData,
    attachments: Sequence[UploadedFile] = (),
) -> Problem:
    """A current member posts a production problem on its alliance's board."""
    _require_studio(scope, studio)
    if not _current_member(alliance, studio):
        raise StudiosError(_("Only a current member of the alliance can post on its board."))
    if data.deadline < _today():
        raise StudiosError(_("The deadline has already passed."))
    if data.reward is not None and data.reward < 0:
        raise StudiosError(_("The reward cannot be negative."))
    problem = Problem.objects.create(alliance=alliance, studio=studio, posted_by=actor, **data.__dict__)
    for upload in attachments:
        ProblemAttachment.objects.create(problem=problem, name=upload.name or "", file=upload, uploaded_by=actor)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=problem,
        after=audit.snapshot(problem, ("title", "field", "deadline", "reward", "open_to_all"))
        | {"attachments": [a.name for a in problem.attachments.all()]},
        union_id=studio.union_id,
    )
    return problem


@transaction.atomic
def add_problem_attachments(
    *, actor: User, scope: Scope, problem: Problem, attachments: Sequence[UploadedFile]
) -> list[ProblemAttachment]:
    """The poster adds drawings or reports to an open problem."""
    _require_studio(scope, problem.studio)
    if problem.state != ProblemState.OPEN:
        raise StudiosError(_("Attachments are added while the problem is open."))
    added = [
        ProblemAttachment.objects.create(problem=problem, name=upload.name or "", file=upload, uploaded_by=actor)
        for upload in attachments
    ]
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=problem,
        after={"attachments": [a.name for a in added]},
        union_id=problem.studio.union_id,
    )
    return added


def may_claim(problem: Problem, studio: Studio) -> bool:
    """A current member of the problem's alliance, or, for an opened problem, of any alliance."""
    if studio.pk == problem.studio_id or studio.state != StudioState.NAMED:
        return False
    if problem.open_to_all:
        return Membership.objects.filter(studio=studio, state__in=CURRENT_MEMBER_STATES).exists()
    return _current_member(problem.alliance, studio)


@transaction.atomic
def claim_problem(*, actor: User, scope: Scope, problem: Problem, studio: Studio, plan: str) -> Claim:
    """揭榜: a studio offers to take the problem on."""
    _require_studio(scope, studio)
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    if problem.state not in {ProblemState.OPEN, ProblemState.IN_PROGRESS}:
        raise StudiosError(_("This problem no longer takes claims."))
    if problem.deadline < _today():
        raise StudiosError(_("The problem's deadline has passed."))
    if not may_claim(problem, studio):
        raise StudiosError(
            _("Only a member studio of the alliance (or of any alliance, if the problem is open to all) can claim it.")
        )
    if problem.claims.filter(studio=studio).exists():
        raise StudiosError(_("This studio has already claimed the problem."))
    if not plan.strip():
        raise StudiosError(_("Describe how the studio would solve it."))
    claim = Claim.objects.create(problem=problem, studio=studio, plan=plan.strip(), claimed_by=actor)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=claim,
        after={"problem": problem.title, "studio": studio.name},
        union_id=problem.studio.union_id,
    )
    return claim


@transaction.atomic
def accept_claim(*, actor: User, scope: Scope, claim: Claim, on: dt.date | None = None) -> Project:
    """The poster accepts a claim: the first acceptance starts the joint project (poster and claimer);
    a later one adds its studio to the project."""
    problem = Problem.objects.select_for_update().get(pk=claim.problem_id)
    _require_studio(scope, problem.studio)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.state != ClaimState.PENDING:
        raise StudiosError(_("This claim has already been decided."))
    if problem.state not in {ProblemState.OPEN, ProblemState.IN_PROGRESS}:
        raise StudiosError(_("This problem no longer takes claims."))
    project = Project.objects.filter(problem=problem).first()
    if project is None:
        project = Project.objects.create(
            title=problem.title,
            studio=problem.studio,
            alliance=problem.alliance,
            problem=problem,
            started_on=on or _today(),
        )
        project.participants.add(problem.studio)
        problem.state = ProblemState.IN_PROGRESS
        problem.save(update_fields=["state"])
    project.participants.add(claim.studio)
    claim.state = ClaimState.ACCEPTED
    claim.save(update_fields=["state"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=claim,
        before={"state": ClaimState.PENDING.value},
        after={"state": claim.state, "project": project.pk},
        union_id=problem.studio.union_id,
    )
    return project


@transaction.atomic
def decline_claim(*, actor: User, scope: Scope, claim: Claim) -> Claim:
    _require_studio(scope, claim.problem.studio)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.state != ClaimState.PENDING:
        raise StudiosError(_("This claim has already been decided."))
    claim.state = ClaimState.DECLINED
    claim.save(update_fields=["state"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=claim,
        before={"state": ClaimState.PENDING.value},
        after={"state": claim.state},
        union_id=claim.problem.studio.union_id,
    )
    return claim


def may_work_on(scope: Scope, project: Project) -> bool:
    """Any participating studio (its lead or its union) may update milestones and progress."""
    return any(can_act_for(scope, s) for s in project.participants.all())


@transaction.atomic
def add_milestone(*, actor: User, scope: Scope, project: Project, title: str, due_on: dt.date) -> Milestone:
    if not may_work_on(scope, project):
        raise PermissionDenied
    if project.state != ProjectState.UNDER_WAY:
        raise StudiosError(_("The project is closed."))
    milestone = Milestone.objects.create(project=project, title=title, due_on=due_on)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=milestone,
        after={"title": title, "due_on": due_on.isoformat()},
        union_id=project.studio.union_id,
    )
    return milestone


@transaction.atomic
def record_progress(
    *,
    actor: User,
    scope: Scope,
    project: Project,
    progress: int,
    done: Iterable[Milestone] = (),
    on: dt.date | None = None,
) -> Project:
    if not may_work_on(scope, project):
        raise PermissionDenied
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.state != ProjectState.UNDER_WAY:
        raise StudiosError(_("The project is closed."))
    if not 0 <= progress <= 100:
        raise StudiosError(_("Progress runs from 0 to 100."))
    before = {"progress": project.progress}
    project.progress = progress
    project.save(update_fields=["progress"])
    project.milestones.filter(pk__in=[m.pk for m in done], done_on__isnull=True).update(done_on=on or _today())
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=project,
        before=before,
        after={"progress": progress},
        union_id=project.studio.union_id,
    )
    return project


@transaction.atomic
def close_project(
    *,
    actor: User,
    scope: Scope,
    project: Project,
    outcome: str,
    economic_value: Decimal,
    patents: int = 0,
    on: dt.date | None = None,
) -> Project:
    """Close a project with its outcome, economic value and patents. A joint project closes with the
    poster's acceptance: only the posting studio (its lead or its union) may close it."""
    _require_studio(scope, project.studio)
    project = Project.objects.select_for_update().get(pk=project.pk)
    on = on or _today()
    if project.state != ProjectState.UNDER_WAY:
        raise StudiosError(_("The project is already closed."))
    if not outcome.strip():
        raise StudiosError(_("Describe the outcome."))
    if economic_value < 0 or patents < 0:
        raise StudiosError(_("The economic value and patents cannot be negative."))
    if on < project.started_on:
        raise StudiosError(_("A project cannot close before it starts."))
    before = audit.snapshot(project, ("state", "economic_value", "patents"))
    project.state, project.closed_on, project.progress = ProjectState.CLOSED, on, 100
    project.outcome, project.economic_value, project.patents = outcome.strip(), economic_value, patents
    project.accepted_by = actor
    project.save()
    if project.problem_id:
        Problem.objects.filter(pk=project.problem_id).update(state=ProblemState.CLOSED)
        Claim.objects.filter(problem_id=project.problem_id, state=ClaimState.PENDING).update(state=ClaimState.DECLINED)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=project,
        before=before,
        after=audit.snapshot(project, ("state", "economic_value", "patents")),
        union_id=project.studio.union_id,
        note=_("Accepted by the poster"),
    )
    return project


# Targets ---------------------------------------------------------------------------------------


@transaction.atomic
def set_target(
    *, actor: User, scope: Scope, union: Union, year: int, alliances: int, cumulative: bool = False, document: str = ""
) -> Target:
    scope.require(MANAGE_STUDIOS, union.pk)
    if alliances < 1:
        raise StudiosError(_("A target is at least one alliance."))
    target, created = Target.objects.update_or_create(
        union=union, year=year, cumulative=cumulative, defaults={"alliances": alliances, "document": document}
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=target,
        before=None if created else {},
        after={"year": year, "alliances": alliances, "cumulative": cumulative},
        union_id=union.pk,
    )
    return target


@transaction.atomic
def set_yearly_targets(*, actor: User, scope: Scope, year: int, alliances: int = 1, document: str = "") -> int:
    """Every city and industrial union in the user's reach is to form ``alliances`` in ``year``."""
    from .queries import target_unions

    unions = list(target_unions(scope))
    if not unions:
        raise PermissionDenied
    for union in unions:
        set_target(actor=actor, scope=scope, union=union, year=year, alliances=alliances, document=document)
    return len(unions)
