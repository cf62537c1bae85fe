"""Every write to an innovation: submit, then one function per review step. Each checks the scope,
moves the state through :func:`_move` (the only writer of ``state``), and writes its audit row in the
same transaction. A refused step raises :class:`InnovationError` saying why, in the user's language."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.competitions.enums import Kind as CompetitionKind
from gongjiang.competitions.models import Competition
from gongjiang.core import audit
from gongjiang.core.errors import DomainError
from gongjiang.core.models import AuditAction, User
from gongjiang.labour.models import Team
from gongjiang.orgs.models import Employer
from gongjiang.orgs.rules import REVIEW_INNOVATIONS
from gongjiang.orgs.scope import Scope
from gongjiang.people.models import Worker
from gongjiang.studios.models import Project, Studio

from .enums import TRANSITIONS, Grade, Kind, State
from .models import Attachment, Author, Innovation, Objection
from .queries import may_appraise, may_confirm, may_review, own_worker

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
MAX_BENEFIT = Decimal("999999999999.99")
FIELDS = (
    "title", "kind", "state", "grade", "benefit", "annual_saving", "added_output", "years", "deductions",
    "method", "confirmed_on", "notice_until", "recognised_on", "reject_reason",
)  # fmt: skip


class InnovationError(DomainError):
    """A broken business rule, with a message for the user."""


def _today() -> dt.date:
    return timezone.localdate()


@dataclass(frozen=True)
class InnovationData:
    title: str
    kind: str
    description: str
    employer: Employer
    authors: Sequence[tuple[Worker, Decimal]]  # (worker, share in %), the first the lead author
    team: str = ""
    labour_team: Team | None = None  # a team entered in ``competition`` (a labour one) by a unit of ``employer``
    method_name: str = ""
    named_after: Worker | None = None
    competition: Competition | None = None
    studio: Studio | None = None
    project: Project | None = None


def check_authors(authors: Sequence[tuple[Worker, Decimal]], employer: Employer | None = None) -> None:
    """At least one author, each once, shares above zero adding up to exactly 100 %."""
    if not authors:
        raise InnovationError(_("Name at least one author."))
    ids = [w.pk for w, _share in authors]
    if len(set(ids)) != len(ids):
        raise InnovationError(_("Each author may be named only once."))
    if any(share <= 0 for _w, share in authors):
        raise InnovationError(_("Every author's share must be above zero."))
    total = sum((share for _w, share in authors), Decimal(0))
    if total != HUNDRED:
        raise InnovationError(_("The authors' shares add up to %(total)s %%, not 100 %%.") % {"total": total})


def resolve_team(data: InnovationData) -> Team | None:
    """The labour competition's team the result names, if any. A team picked is one a unit of the employer
    entered in that competition. A team written for a result from a labour competition where the employer
    entered teams is one of them: linked when the name matches, refused otherwise; written elsewhere (or
    where the employer has no team), it stays as written."""
    team, competition = data.labour_team, data.competition
    if team is not None:
        if competition is None or team.unit.competition_id != competition.pk:
            raise InnovationError(_("The team is one entered in the labour competition the result came from."))
        if team.unit.employer_id != data.employer.pk:
            raise InnovationError(_("The team is one of the employer's in that competition."))
        return team
    written = data.team.strip()
    if not written or competition is None or competition.kind != CompetitionKind.LABOUR:
        return None
    entered = list(Team.objects.filter(unit__competition=competition, unit__employer=data.employer).order_by("name"))
    if not entered:
        return None
    same = [t for t in entered if t.name == written]
    if len(same) == 1:
        return same[0]
    raise InnovationError(
        _("In that labour competition the employer entered the teams %(teams)s: name one of them.")
        % {"teams": "、".join(t.name for t in entered)}
    )


def _may_submit(scope: Scope, employer: Employer) -> bool:
    return scope.covers(REVIEW_INNOVATIONS, employer.union_id)


@transaction.atomic
def submit_innovation(
    *, actor: User, scope: Scope, data: InnovationData, attachments: Sequence[UploadedFile] = ()
) -> Innovation:
    """A worker submits their own result (they must be one of its authors, their employer's), or the
    enterprise union enters one for its workers. Side effects: the row, its authors and attachments, audit."""
    me = own_worker(scope)
    by_author = me is not None and me.employer_id == data.employer.pk and any(w.pk == me.pk for w, _s in data.authors)
    if not (by_author or _may_submit(scope, data.employer)):
        raise PermissionDenied
    if not data.title.strip() or not data.description.strip():
        raise InnovationError(_("Give the result a title and describe it."))
    if data.kind not in Kind.values:
        raise InnovationError(_("Choose the kind of result."))
    check_authors(data.authors)
    # the employer's workers, or (a studio's members from elsewhere) workers within the official's reach
    if any(
        w.employer_id != data.employer.pk and not scope.covers(REVIEW_INNOVATIONS, w.union_id) for w, _s in data.authors
    ):
        raise InnovationError(_("Every author is a worker of the employer."))
    labour_team = resolve_team(data)
    if data.method_name.strip() and data.named_after is None:
        raise InnovationError(_("A named operating method needs the worker it is named after."))
    if data.named_after is not None and data.named_after.pk not in {w.pk for w, _s in data.authors}:
        raise InnovationError(_("An operating method is named after one of its authors."))
    if data.project is not None and data.studio is not None:
        on_project = {data.project.studio_id, *data.project.participants.values_list("pk", flat=True)}
        if data.studio.pk not in on_project:
            raise InnovationError(_("The studio does not work on that project."))
    innovation = Innovation.objects.create(
        title=data.title.strip(),
        kind=data.kind,
        description=data.description.strip(),
        employer=data.employer,
        union_id=data.employer.union_id,
        region_code=data.employer.region_id,
        team="" if labour_team else data.team.strip(),
        labour_team=labour_team,
        method_name=data.method_name.strip() if data.named_after else "",
        named_after=data.named_after if data.method_name.strip() else None,
        competition=data.competition,
        studio=data.studio,
        project=data.project,
        submitted_by=actor,
    )
    Author.objects.bulk_create(
        Author(innovation=innovation, worker=w, share=share, position=i) for i, (w, share) in enumerate(data.authors)
    )
    for upload in attachments:
        Attachment.objects.create(innovation=innovation, name=upload.name or "", file=upload, uploaded_by=actor)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=innovation,
        after=audit.snapshot(
            innovation, ("title", "kind", "state", "competition", "studio", "project", "team", "labour_team")
        )
        | {"authors": [f"{w.name} {share}%" for w, share in data.authors]},
        union_id=innovation.union_id,
    )
    return innovation


def _locked(innovation: Innovation) -> Innovation:
    return Innovation.objects.select_for_update().get(pk=innovation.pk)


def _move(actor: User, innovation: Innovation, to: str, before: dict[str, Any], note: str = "") -> Innovation:
    if to not in TRANSITIONS[innovation.state]:
        raise InnovationError(
            _("This result is “%(state)s”; that step is not open to it.") % {"state": innovation.get_state_display()}
        )
    innovation.state = to
    innovation.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=innovation,
        before=before,
        after=audit.snapshot(innovation, FIELDS),
        union_id=innovation.union_id,
        note=note,
    )
    return innovation


@transaction.atomic
def check(*, actor: User, scope: Scope, innovation: Innovation, note: str = "") -> Innovation:
    """The enterprise union checks the submission (complete, authentic, the authors its workers)."""
    if not may_review(scope, innovation):
        raise PermissionDenied
    innovation = _locked(innovation)
    before = audit.snapshot(innovation, FIELDS)
    innovation.checked_by, innovation.check_note = actor, note.strip()[:300]
    return _move(actor, innovation, State.CHECKED, before, note)


@transaction.atomic
def appraise(
    *, actor: User, scope: Scope, innovation: Innovation, grade: str, experts: str, opinion: str
) -> Innovation:
    """Record the expert panel's appraisal: its grade, the experts and their opinion."""
    if not may_appraise(scope, innovation):
        raise PermissionDenied
    if grade not in Grade.values:
        raise InnovationError(_("Choose the grade the experts gave."))
    if not experts.strip():
        raise InnovationError(_("Name the experts who appraised it."))
    innovation = _locked(innovation)
    before = audit.snapshot(innovation, FIELDS)
    innovation.grade, innovation.experts, innovation.appraisal = grade, experts.strip()[:200], opinion.strip()
    innovation.appraised_by = actor
    return _move(actor, innovation, State.APPRAISED, before)


def compute_benefit(annual_saving: Decimal, added_output: Decimal, years: Decimal, deductions: Decimal) -> Decimal:
    """(annual saving + annual added output) x years - deductions, in yuan and cents (half up)."""
    return ((annual_saving + added_output) * years - deductions).quantize(CENT)


@transaction.atomic
def calculate(
    *,
    actor: User,
    scope: Scope,
    innovation: Innovation,
    annual_saving: Decimal,
    added_output: Decimal,
    years: Decimal,
    deductions: Decimal,
    method: str,
) -> Innovation:
    """The enterprise union calculates the benefit by the stated method; the inputs stay with it."""
    if not may_review(scope, innovation):
        raise PermissionDenied
    if min(annual_saving, added_output, deductions) < 0:
        raise InnovationError(_("Savings, added output and deductions cannot be negative."))
    if not Decimal("0.5") <= years <= Decimal(10):
        raise InnovationError(_("The period runs from half a year to ten years."))
    if annual_saving + added_output == 0:
        raise InnovationError(_("Give the annual saving or the added output the result brings."))
    benefit = compute_benefit(annual_saving, added_output, years, deductions)
    if benefit < 0:
        raise InnovationError(_("The deductions exceed what the result yields: the benefit would be negative."))
    if benefit > MAX_BENEFIT:
        raise InnovationError(_("The benefit is too large to be right; check the figures."))
    if not method.strip():
        raise InnovationError(_("State how the figures were arrived at."))
    innovation = _locked(innovation)
    before = audit.snapshot(innovation, FIELDS)
    innovation.annual_saving, innovation.added_output = annual_saving, added_output
    innovation.years, innovation.deductions, innovation.method = years, deductions, method.strip()[:300]
    innovation.benefit, innovation.calculated_by = benefit, actor
    return _move(actor, innovation, State.CALCULATED, before)


@transaction.atomic
def confirm(*, actor: User, scope: Scope, innovation: Innovation, on: dt.date | None = None) -> Innovation:
    """The enterprise's finance office confirms the calculated benefit; from this day it counts."""
    if not may_confirm(scope, innovation):
        raise PermissionDenied
    innovation = _locked(innovation)
    if innovation.state == State.CALCULATED and innovation.calculated_by_id == actor.pk:
        raise InnovationError(_("The benefit must be confirmed by someone other than the person who calculated it."))
    before = audit.snapshot(innovation, FIELDS)
    innovation.confirmed_by, innovation.confirmed_on = actor, on or _today()
    return _move(actor, innovation, State.CONFIRMED, before)


@transaction.atomic
def send_back(*, actor: User, scope: Scope, innovation: Innovation, reason: str) -> Innovation:
    """Finance does not confirm the figures and sends them back to be calculated again."""
    if not may_confirm(scope, innovation):
        raise PermissionDenied
    if not reason.strip():
        raise InnovationError(_("Say what is wrong with the calculation."))
    innovation = _locked(innovation)
    before = audit.snapshot(innovation, FIELDS)
    innovation.benefit, innovation.calculated_by = None, None
    return _move(actor, innovation, State.APPRAISED, before, reason.strip())


@transaction.atomic
def publish_notice(*, actor: User, scope: Scope, innovation: Innovation, until: dt.date) -> Innovation:
    """Put the confirmed result on public notice until a day (at least five days from today)."""
    if not may_review(scope, innovation):
        raise PermissionDenied
    if until < _today() + dt.timedelta(days=5):
        raise InnovationError(_("A public notice runs at least five days."))
    innovation = _locked(innovation)
    before = audit.snapshot(innovation, FIELDS)
    innovation.notice_until = until
    return _move(actor, innovation, State.IN_NOTICE, before)


@transaction.atomic
def object_to(*, actor: User, scope: Scope, innovation: Innovation, text: str) -> Objection:
    """Anyone who sees a result on notice may object while the notice runs."""
    if innovation.state != State.IN_NOTICE or (innovation.notice_until and innovation.notice_until < _today()):
        raise InnovationError(_("Objections are raised while the result is on public notice."))
    if not text.strip():
        raise InnovationError(_("Say what the objection is."))
    objection = Objection.objects.create(innovation=innovation, text=text.strip(), raised_by=actor)
    audit.record(
        actor=actor, action=AuditAction.CREATE, obj=objection, after={"text": objection.text},
        union_id=innovation.union_id,
    )  # fmt: skip
    return objection


@transaction.atomic
def resolve_objection(*, actor: User, scope: Scope, objection: Objection, upheld: bool, resolution: str) -> Objection:
    """The union answers an objection; an upheld one takes the result off (not accepted)."""
    innovation = objection.innovation
    if not may_review(scope, innovation):
        raise PermissionDenied
    if objection.upheld is not None:
        raise InnovationError(_("This objection has been answered already."))
    if not resolution.strip():
        raise InnovationError(_("Give the answer to the objection."))
    objection.upheld, objection.resolution, objection.resolved_by = upheld, resolution.strip()[:300], actor
    objection.save()
    audit.record(
        actor=actor, action=AuditAction.UPDATE, obj=objection, before={"upheld": None},
        after={"upheld": upheld, "resolution": objection.resolution}, union_id=innovation.union_id,
    )  # fmt: skip
    if upheld:
        locked = _locked(innovation)
        before = audit.snapshot(locked, FIELDS)
        locked.reject_reason = objection.resolution
        _move(actor, locked, State.REJECTED, before, objection.resolution)
    return objection


@transaction.atomic
def recognise(*, actor: User, scope: Scope, innovation: Innovation) -> Innovation:
    """After the notice ends with no open objection, the result is recognised."""
    if not may_review(scope, innovation):
        raise PermissionDenied
    innovation = _locked(innovation)
    if innovation.state == State.IN_NOTICE and innovation.notice_until and innovation.notice_until >= _today():
        raise InnovationError(
            _("The public notice runs until %(day)s; recognise it after that.") % {"day": innovation.notice_until}
        )
    if innovation.objections.filter(upheld__isnull=True).exists():
        raise InnovationError(_("An objection is still open; answer it first."))
    before = audit.snapshot(innovation, FIELDS)
    innovation.recognised_on = _today()
    return _move(actor, innovation, State.RECOGNISED, before)


@transaction.atomic
def reject(*, actor: User, scope: Scope, innovation: Innovation, reason: str) -> Innovation:
    """Not accepted, at any step before recognition, with the reason."""
    if not (may_review(scope, innovation) or may_appraise(scope, innovation)):
        raise PermissionDenied
    if not reason.strip():
        raise InnovationError(_("Say why the result is not accepted."))
    innovation = _locked(innovation)
    before = audit.snapshot(innovation, FIELDS)
    innovation.reject_reason = reason.strip()[:300]
    return _move(actor, innovation, State.REJECTED, before, reason.strip())


@transaction.atomic
def add_attachments(
    *, actor: User, scope: Scope, innovation: Innovation, attachments: Sequence[UploadedFile]
) -> list[Attachment]:
    me = own_worker(scope)
    is_author = me is not None and innovation.authors.filter(worker=me).exists()
    if not (is_author or may_review(scope, innovation)):
        raise PermissionDenied
    if innovation.state in (State.RECOGNISED, State.REJECTED):
        raise InnovationError(_("Attachments are added while the result is under review."))
    added = [
        Attachment.objects.create(innovation=innovation, name=u.name or "", file=u, uploaded_by=actor)
        for u in attachments
    ]
    audit.record(
        actor=actor, action=AuditAction.UPDATE, obj=innovation, after={"attachments": [a.name for a in added]},
        union_id=innovation.union_id,
    )  # fmt: skip
    return added
