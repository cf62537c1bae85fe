"""Studios: application, the six checks, naming, profile, lead, team, own projects, results and reports."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from gongjiang.core import audit
from gongjiang.core.models import AuditAction, User
from gongjiang.orgs.models import Employer, Union
from gongjiang.orgs.rules import APPLY_STUDIOS, MANAGE_STUDIOS
from gongjiang.orgs.scope import Scope
from gongjiang.people.enums import HonourKind, HonourLevel, WorkerStatus
from gongjiang.people.models import Honour, Occupation, Worker

from ..enums import (
    STUDIO_TRANSITIONS,
    ClosureReason,
    Level,
    MemberState,
    ProjectState,
    ResultKind,
    StudioState,
)
from ..models import (
    Evaluation,
    LevelRequirement,
    Membership,
    Project,
    Studio,
    StudioMember,
    StudioReport,
    StudioResult,
)
from .alliance import _move_member
from .base import StudiosError, _require_studio, _today, naming_union

STUDIO_FIELDS = ("name", "level", "state", "employer", "lead", "field", "has_place_and_funds", "has_rules")


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
    return naming_union(scope, studio.level, studio.union_id)


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
    patents: int = 0,
    closed_on: dt.date | None = None,
) -> Project:
    """A studio's own project; closed at once when ``closed_on`` is given."""
    _require_studio(scope, studio)
    if closed_on and closed_on < started_on:
        raise StudiosError(_("A project cannot close before it starts."))
    project = Project.objects.create(
        title=title,
        studio=studio,
        started_on=started_on,
        outcome=outcome,
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
        after=audit.snapshot(project, ("title", "state", "patents")),
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
) -> StudioResult:
    _require_studio(scope, studio)
    if kind not in ResultKind.values:
        raise StudiosError(_("Unknown kind of result."))
    result = StudioResult.objects.create(studio=studio, kind=kind, title=title, year=year, reference=reference)
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
