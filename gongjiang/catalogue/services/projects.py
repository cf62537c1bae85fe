"""The province's quotas, stage reports (阶段总结) and year-end commendations (年终表彰) of catalogued projects."""

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.awards import services as award_services
from gongjiang.awards.enums import CycleState
from gongjiang.awards.models import Allocation, HonourCycle, Nomination
from gongjiang.competitions.enums import Kind, Tier
from gongjiang.core import audit
from gongjiang.core.batch import Outcome, run_each
from gongjiang.core.models import AuditAction, User
from gongjiang.core.validators import validate_attachment
from gongjiang.labour.models import Team
from gongjiang.orgs.models import Employer, Union, UnionAncestor
from gongjiang.orgs.rules import MANAGE_COMPETITIONS, MANAGE_POLICY, REVIEW_AWARDS
from gongjiang.orgs.scope import Scope
from gongjiang.people.models import Worker
from gongjiang.policy.enums import Nominee
from gongjiang.policy.models import PolicyDocument

from ..enums import ApplicationState, CommendationState, SubjectKind
from ..models import Application, Commendation, Quota, StageAttachment, StageReport
from .base import CatalogueError


@transaction.atomic
def set_quota(
    *, actor: User, scope: Scope, union: Union, tier: str, year: int, limit: int, document: PolicyDocument, clause: str
) -> Quota:
    """The province sets how many projects of a tier a union may run in a year."""
    if not scope.has(MANAGE_POLICY):
        raise PermissionDenied
    if tier not in Tier.values or limit < 0 or not 2000 <= year <= 2100:
        raise CatalogueError(_("Choose a level, a year and a number of projects of zero or more."))
    before = Quota.objects.filter(union=union, tier=tier, year=year).first()
    old = {"limit": before.limit, "citation": before.citation} if before else {}
    quota, _created = Quota.objects.update_or_create(
        union=union,
        tier=tier,
        year=year,
        defaults={"limit": limit, "document": document, "clause": clause.strip()[:60], "set_by": actor},
    )
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        obj=quota,
        before=old,
        after={"limit": quota.limit, "citation": quota.citation},
        union_id=union.pk,
    )
    return quota


def _catalogued(application: Application) -> None:
    if application.state != ApplicationState.APPROVED:
        raise CatalogueError(_("Only a project in the catalogue has stage reports and commendations."))


@transaction.atomic
def set_stage_due(*, actor: User, scope: Scope, application: Application, title: str, due_on: dt.date) -> StageReport:
    """A stage report due on a day, set by the organiser or a union above it."""
    scope.require(MANAGE_COMPETITIONS, application.applicant_id)
    _catalogued(application)
    if not title.strip():
        raise CatalogueError(_("Name the stage report."))
    report = StageReport.objects.create(application=application, title=title.strip(), due_on=due_on)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=report,
        after={"title": report.title, "due_on": str(due_on)},
        union_id=application.applicant_id,
    )
    return report


@transaction.atomic
def submit_stage_report(
    *, actor: User, scope: Scope, report: StageReport, summary: str, attachments: Sequence[UploadedFile] = ()
) -> StageReport:
    """The organiser submits the report (late is allowed and stays marked late), with its attachments."""
    report = StageReport.objects.select_for_update().select_related("application").get(pk=report.pk)
    scope.require(MANAGE_COMPETITIONS, report.application.applicant_id)
    if report.submitted_at is not None:
        raise CatalogueError(_("This stage report has already been submitted."))
    if not summary.strip():
        raise CatalogueError(_("Write the summary of the stage."))
    for upload in attachments:
        try:
            validate_attachment(upload)
        except ValidationError as exc:
            raise CatalogueError(" ".join(exc.messages)) from None
    report.summary = summary.strip()
    report.submitted_at = timezone.now()
    report.submitted_by = actor
    report.save()
    names = [
        StageAttachment.objects.create(report=report, name=(u.name or "")[:200], file=u, uploaded_by=actor).name
        for u in attachments
    ]
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=report,
        before={"submitted": ""},
        after={"submitted": str(report.submitted_at.date()), "attachments": names},
        union_id=report.application.applicant_id,
    )
    return report


def reviewing_union(application: Application) -> Union:
    """The union above the organiser, which reviews its commendations (the province reviews its own)."""
    return application.applicant.parent or application.applicant


def _inside(union_id: int, of: int) -> bool:
    return UnionAncestor.objects.filter(ancestor_id=of, descendant_id=union_id).exists()


def _has_teams(application: Application) -> bool:
    """A labour competition on the platform whose units have entered teams: its teams are chosen, not typed."""
    competition = application.competition
    return (
        competition is not None
        and competition.kind == Kind.LABOUR
        and Team.objects.filter(unit__competition_id=competition.pk).exists()
    )


def _commended_team(
    application: Application, employer: Employer | None, team_name: str, team: Team | None
) -> tuple[Employer, str]:
    """The employer and the name of a commended team: a labour competition's own team (required when the
    project is a labour competition whose teams are on the platform), or an employer and a team name for
    the others (skills contests, teams not entered on the platform)."""
    if team is not None:
        team = Team.objects.select_related("unit__employer").get(pk=team.pk)
        if team.unit.competition_id != application.competition_id:
            raise CatalogueError(_("Choose a team entered in this competition."))
        return team.unit.employer, team.name
    if _has_teams(application):
        raise CatalogueError(_("Choose one of the teams entered in this labour competition."))
    if employer is None or not team_name.strip():
        raise CatalogueError(_("Choose the employer, and for a team give its name."))
    return employer, team_name.strip()


@transaction.atomic
def propose_commendation(
    *,
    actor: User,
    scope: Scope,
    application: Application,
    subject: str,
    citation: str,
    employer: Employer | None = None,
    team_name: str = "",
    team: Team | None = None,
    worker: Worker | None = None,
    honour_cycle: HonourCycle | None = None,
) -> Commendation:
    """The organiser proposes a unit, a team or a person it commends, optionally for a higher honour whose
    rule confers on the same kind of subject (五一劳动奖状 a unit, 工人先锋号 a team, 五一劳动奖章 a person).

    A team of a labour competition is one of its units' teams (``labour.Team``); other projects name a
    team by its employer and name."""
    scope.require(MANAGE_COMPETITIONS, application.applicant_id)
    _catalogued(application)
    if not citation.strip():
        raise CatalogueError(_("Describe the deeds."))
    if subject == SubjectKind.PERSON:
        if worker is None:
            raise CatalogueError(_("Choose the worker."))
        employer, team_name, team = None, "", None
    elif subject == SubjectKind.UNIT:
        if employer is None:
            raise CatalogueError(_("Choose the employer, and for a team give its name."))
        worker, team_name, team = None, "", None
    elif subject == SubjectKind.TEAM:
        employer, team_name = _commended_team(application, employer, team_name, team)
        worker = None
    else:
        raise CatalogueError(_("Choose a unit, a team or a person."))
    place = worker.union_id if worker is not None else employer.union_id  # type: ignore[union-attr]
    if not _inside(place, application.applicant_id):
        raise CatalogueError(_("A union commends only units and workers of its own unions."))
    if honour_cycle is not None:
        _check_cycle(honour_cycle, subject)
    commendation = Commendation.objects.create(
        application=application,
        subject=subject,
        employer=employer,
        team=team,
        team_name=team_name[:120],
        worker=worker,
        citation=citation.strip(),
        honour_cycle=honour_cycle,
        proposed_by=actor,
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=commendation,
        after={
            "subject": str(commendation.get_subject_display()),
            "who": commendation.label,
            "honour_cycle": str(honour_cycle or ""),
        },
        union_id=application.applicant_id,
    )
    return commendation


def _check_cycle(cycle: HonourCycle, subject: str) -> None:
    """The higher honour takes this kind of subject and still takes nominations."""
    kind = award_services.nominee_kind(cycle)
    if kind != subject:
        raise CatalogueError(
            _("%(cycle)s is conferred on a %(kind)s, not on a %(subject)s.")
            % {
                "cycle": cycle,
                "kind": str(Nominee(kind).label),
                "subject": str(Nominee(subject).label),
            }
        )
    if cycle.state != CycleState.NOMINATING or award_services.nominations_closed(cycle):
        raise CatalogueError(_("Nominations for %(cycle)s are closed.") % {"cycle": cycle})


def may_review_commendation(scope: Scope, commendation: Commendation) -> bool:
    return commendation.state == CommendationState.PROPOSED and scope.covers(
        REVIEW_AWARDS, reviewing_union(commendation.application).pk
    )


@transaction.atomic
def review_commendation(
    *, actor: User, scope: Scope, commendation: Commendation, verdict: str, note: str = ""
) -> Commendation:
    """The union above the organiser approves or rejects a commendation.

    ``accept``: approving a unit, a team or a person proposed for an honour cycle nominates them in it
    (awards' rules: the nominee's union's allocation and its quota, the closing day, once per nominee);
    when that nomination is refused, nothing is approved and the message says why.
    ``accept_only``: approve the commendation and leave the higher honour aside (the reason is noted).
    ``reject``: not approved, with a reason."""
    commendation = (
        Commendation.objects.select_for_update(of=("self",))
        .select_related("application__applicant__parent", "worker", "employer", "honour_cycle__rule")
        .get(pk=commendation.pk)
    )
    if not may_review_commendation(scope, commendation):
        if commendation.state != CommendationState.PROPOSED:
            raise CatalogueError(_("This commendation has already been reviewed."))
        raise PermissionDenied
    note = note.strip()
    if verdict == "reject":
        if not note:
            raise CatalogueError(_("Give the reason for not approving."))
        commendation.state = CommendationState.REJECTED
    elif verdict == "accept":
        commendation.state = CommendationState.APPROVED
        if commendation.honour_cycle_id:
            commendation.nomination = _nominate(actor, scope, commendation)
    elif verdict == "accept_only" and commendation.honour_cycle_id:
        commendation.state = CommendationState.APPROVED
        note = note or _("Approved without the recommendation for %(cycle)s.") % {"cycle": commendation.honour_cycle}
    else:
        raise CatalogueError(_("Choose whether to accept or reject."))
    commendation.reviewed_by, commendation.reviewed_at, commendation.review_note = actor, timezone.now(), note
    commendation.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=commendation,
        before={"state": str(CommendationState.PROPOSED.label)},
        after={"state": str(commendation.get_state_display())},
        union_id=commendation.application.applicant_id,
        note=note,
    )
    return commendation


def _nominate(actor: User, scope: Scope, commendation: Commendation) -> Nomination:
    """The approved commendation's nomination in its honour cycle, within an allocation of the cycle that
    covers the nominee's union (the worker's, or the unit's or team's employer's), preferring the one
    of the proposing union's own line (the organiser or a union above it)."""
    cycle = commendation.honour_cycle
    place = commendation.worker.union_id if commendation.worker_id else commendation.employer.union_id  # type: ignore[union-attr]
    organiser_line = UnionAncestor.objects.filter(descendant_id=commendation.application.applicant_id).values(
        "ancestor_id"
    )
    allocations = list(
        Allocation.objects.filter(
            cycle=cycle, union_id__in=UnionAncestor.objects.filter(descendant_id=place).values("ancestor_id")
        )
        .annotate(own_line=Exists(organiser_line.filter(ancestor_id=OuterRef("union_id"))))
        .select_related("union")
        .order_by("-own_line", "union__kind", "pk")
    )
    if not allocations:
        raise CatalogueError(
            _("%(cycle)s has no places for the unions of %(name)s.") % {"cycle": cycle, "name": commendation.label}
        )
    allocation = allocations[0]
    try:
        return award_services.nominate(
            actor=actor,
            scope=scope,
            allocation=allocation,
            statement=commendation.citation,
            worker=commendation.worker,
            employer=commendation.employer,
            team_name=commendation.team_name,
        )
    except award_services.AwardError as exc:
        raise CatalogueError(
            _("%(name)s cannot be nominated for %(cycle)s: %(why)s")
            % {"name": commendation.label, "cycle": cycle, "why": str(exc)}
        ) from None
    except PermissionDenied:
        raise CatalogueError(
            _("Only %(union)s (or a union above it) nominates for %(cycle)s.")
            % {"union": allocation.union.name, "cycle": cycle}
        ) from None


def review_commendations(
    *, actor: User, scope: Scope, visible: QuerySet[Commendation], ids: list[int], verdict: str, note: str
) -> list[Outcome]:

    items = list(visible.filter(pk__in=ids).select_related("application", "worker", "employer").order_by("pk"))
    return run_each(
        items,
        lambda c: review_commendation(actor=actor, scope=scope, commendation=c, verdict=verdict, note=note),
        label=lambda c: f"{c.application} · {c.label}",
        link=lambda c: c.application.get_absolute_url(),
    )
