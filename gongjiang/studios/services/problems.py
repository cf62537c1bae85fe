"""The problem board (揭榜挂帅) and the joint projects it starts."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from gongjiang.core import audit
from gongjiang.core.models import AuditAction, User
from gongjiang.orgs.scope import Scope

from ..enums import (
    CURRENT_MEMBER_STATES,
    ClaimState,
    ProblemState,
    ProjectState,
    StudioState,
)
from ..models import (
    Alliance,
    Claim,
    Membership,
    Milestone,
    Problem,
    ProblemAttachment,
    Project,
    Studio,
)
from ..queries import can_act_for
from .base import StudiosError, _require_studio, _today


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
    patents: int = 0,
    on: dt.date | None = None,
) -> Project:
    """Close a project with its outcome and patents (its economic benefit is its innovations', confirmed there). A joint project closes with the
    poster's acceptance: only the posting studio (its lead or its union) may close it."""
    _require_studio(scope, project.studio)
    project = Project.objects.select_for_update().get(pk=project.pk)
    on = on or _today()
    if project.state != ProjectState.UNDER_WAY:
        raise StudiosError(_("The project is already closed."))
    if not outcome.strip():
        raise StudiosError(_("Describe the outcome."))
    if patents < 0:
        raise StudiosError(_("The number of patents cannot be negative."))
    if on < project.started_on:
        raise StudiosError(_("A project cannot close before it starts."))
    before = audit.snapshot(project, ("state", "patents"))
    project.state, project.closed_on, project.progress = ProjectState.CLOSED, on, 100
    project.outcome, project.patents = outcome.strip(), patents
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
        after=audit.snapshot(project, ("state", "patents")),
        union_id=project.studio.union_id,
        note=_("Accepted by the poster"),
    )
    return project
