"""立项申报: a union applies, the unions above it recommend level by level, the union entitled to the
tier approves it into the year's 竞赛目录 (creating the competition in draft) or any of them returns it."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjiang.competitions import tiers
from gongjiang.competitions.enums import Kind, Tier
from gongjiang.competitions.models import Competition
from gongjiang.core import audit
from gongjiang.core.batch import Outcome, run_each
from gongjiang.core.models import AuditAction, User
from gongjiang.core.validators import validate_attachment
from gongjiang.orgs.enums import UnionKind
from gongjiang.orgs.models import Union
from gongjiang.orgs.queries import geographic_chains
from gongjiang.orgs.rules import MANAGE_COMPETITIONS
from gongjiang.orgs.scope import Scope

from ..enums import COUNTED, TRANSITIONS, WAITING, ApplicationState, StepAction
from ..models import Application, ApprovalRight, Quota, Step
from .base import CatalogueError

# How high a union stands, for "a union of this kind or above approves".
KIND_RANK = {
    UnionKind.GRASSROOTS: 0,
    UnionKind.COUNTY: 1,
    UnionKind.CITY: 2,
    UnionKind.INDUSTRY: 2,
    UnionKind.PROVINCE: 3,
}
FIELDS = ("name", "kind", "tier", "year", "leading_body", "indicators", "budget", "starts_on", "ends_on", "plan_name")


@dataclass(frozen=True)
class ApplicationData:
    name: str
    kind: str
    tier: str
    leading_body: str
    indicators: str
    budget: Decimal
    starts_on: dt.date
    ends_on: dt.date


def chain_above(union: Union) -> list[Union]:
    """The unions above ``union`` on its geographic chain, nearest first, read in one query
    (``orgs.queries.geographic_chains``; a county's chain took a query per level)."""
    return geographic_chains([union.pk]).get(union.pk, [union])[1:]


def _approver(applicant: Union, tier: str, right: ApprovalRight, candidates: list[Union], rights: dict) -> Union:
    for union in candidates:
        if KIND_RANK[UnionKind(union.kind)] >= KIND_RANK[UnionKind(right.approver_kind)] and tier in rights[union.pk]:
            return union
    raise CatalogueError(
        _("No union above %(union)s may approve competitions of level “%(tier)s” (%(basis)s).")
        % {"union": applicant.name, "tier": Tier(tier).label, "basis": right.basis}
    )


def _candidates(applicant: Union) -> tuple[list[Union], dict[int, list[str]]]:
    """The unions that may approve ``applicant``'s projects (those above it, nearest first; the
    province itself) and the tiers each may organise: the chain's few unions only, never every union."""
    candidates = chain_above(applicant) or [applicant]
    return candidates, tiers.allowed_by_union(candidates)


def approver_for(applicant: Union, tier: str) -> Union:
    """The union entitled to approve ``applicant``'s project of ``tier``: the nearest union above it of the
    kind the approval right names (or higher) that also holds the organising right of the tier; the
    province approves its own projects."""
    right = ApprovalRight.objects.filter(tier=tier).first()
    if right is None:
        raise CatalogueError(
            _("Competitions of level “%(tier)s” are not applied for on this platform.") % {"tier": Tier(tier).label}
        )
    return _approver(applicant, tier, right, *_candidates(applicant))


def applicable_tiers(applicant: Union) -> list[str]:
    """The tiers ``applicant`` may apply for: those with an approval right and a union entitled to approve
    (four queries whatever the number of tiers: the rights, the chain above, its organising rights)."""
    candidates, rights = _candidates(applicant)
    found = []
    for right in ApprovalRight.objects.all():
        try:
            _approver(applicant, right.tier, right, candidates, rights)
        except CatalogueError:
            continue
        found.append(right.tier)
    return [t for t in tiers.TIER_ORDER if t in found]


def check_quota(applicant: Union, tier: str, year: int, *, exclude: int | None = None) -> None:
    """Refuse a project over the province's quota for the union, tier and year, naming it and its document."""
    quota = Quota.objects.select_related("document").filter(union=applicant, tier=tier, year=year).first()
    if quota is None:
        return
    used = Application.objects.filter(applicant=applicant, tier=tier, year=year, state__in=COUNTED)
    if exclude is not None:
        used = used.exclude(pk=exclude)
    if used.count() >= quota.limit:
        raise CatalogueError(
            _(
                "%(union)s may run %(limit)s project(s) of level “%(tier)s” in %(year)s (%(citation)s), "
                "and %(used)s are already applied for or approved."
            )
            % {
                "union": applicant.name,
                "limit": quota.limit,
                "tier": Tier(tier).label,
                "year": year,
                "citation": quota.citation,
                "used": used.count(),
            }
        )


def _check(data: ApplicationData) -> None:
    if not data.name.strip() or not data.leading_body.strip() or not data.indicators.strip():
        raise CatalogueError(_("Give the name, the leading body and the indicators."))
    if data.kind not in Kind.values or data.tier not in Tier.values:
        raise CatalogueError(_("Choose the kind and the level."))
    if data.starts_on > data.ends_on:
        raise CatalogueError(_("The period must start before it ends."))
    if data.budget < 0:
        raise CatalogueError(_("The budget cannot be negative."))


def _plan(upload: UploadedFile | None) -> None:
    if upload is None:
        return
    try:
        validate_attachment(upload)
    except ValidationError as exc:
        raise CatalogueError(" ".join(exc.messages)) from None


@transaction.atomic
def save_application(
    *,
    actor: User,
    scope: Scope,
    applicant: Union,
    data: ApplicationData,
    plan: UploadedFile | None = None,
    application: Application | None = None,
) -> Application:
    """Create a draft, or change a draft or a returned application (its applicant stays)."""
    if application is not None:
        application = Application.objects.select_for_update().get(pk=application.pk)
        applicant = application.applicant
        if application.state not in {ApplicationState.DRAFT, ApplicationState.RETURNED}:
            raise CatalogueError(_("Only a draft or a returned application can be changed."))
    scope.require(MANAGE_COMPETITIONS, applicant.pk)
    _check(data)
    if data.tier not in applicable_tiers(applicant):
        approver_for(applicant, data.tier)  # says why
    _plan(plan)
    before = audit.snapshot(application, FIELDS) if application is not None else {}
    if application is None:
        application = Application(applicant=applicant, created_by=actor)
    for name in ("name", "kind", "tier", "leading_body", "indicators", "budget", "starts_on", "ends_on"):
        value = getattr(data, name)
        setattr(application, name, value.strip() if isinstance(value, str) else value)
    application.year = data.starts_on.year
    if plan is not None:
        application.plan = plan
        application.plan_name = (plan.name or "")[:200]
    application.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        obj=application,
        before=before,
        after=audit.snapshot(application, FIELDS),
        union_id=applicant.pk,
    )
    return application


def _move(application: Application, *, actor: User, to: str, action: str, union: Union, note: str = "") -> Application:
    """The one transition of an application: checks the state machine, writes the step and the audit."""
    if to not in TRANSITIONS[application.state]:
        raise CatalogueError(
            _("An application that is “%(state)s” cannot be %(action)s.")
            % {"state": application.get_state_display(), "action": StepAction(action).label}
        )
    before = {"state": str(application.get_state_display()), "at": str(application.at or "")}
    application.state = to
    application.save()
    Step.objects.create(application=application, union=union, action=action, note=note, actor=actor)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=application,
        before=before,
        after={"state": str(application.get_state_display()), "at": str(application.at or "")},
        union_id=application.applicant_id,
        note=note,
    )
    return application


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("applicant", "at", "approver")
        .get(pk=application.pk)
    )


@transaction.atomic
def submit_application(*, actor: User, scope: Scope, application: Application) -> Application:
    """Send a draft (or a returned application) up to the union above; checks the tier and the quota."""
    application = _locked(application)
    applicant = application.applicant
    scope.require(MANAGE_COMPETITIONS, applicant.pk)
    if not application.plan:
        raise CatalogueError(_("Attach the implementation plan before submitting."))
    approver = approver_for(applicant, application.tier)
    check_quota(applicant, application.tier, application.year, exclude=application.pk)
    application.approver = approver
    application.at = applicant.parent or applicant
    return _move(application, actor=actor, to=ApplicationState.SUBMITTED, action=StepAction.SUBMIT, union=applicant)


def may_decide(scope: Scope, application: Application) -> bool:
    return application.state in WAITING and scope.covers(MANAGE_COMPETITIONS, application.at_id)


@transaction.atomic
def decide_application(
    *, actor: User, scope: Scope, application: Application, action: str, note: str = ""
) -> Application:
    """The union the application waits at recommends it to the union above, approves it (only the union
    entitled to the tier: the competition is created in draft, organised by the applicant) or returns it
    to the applicant with a reason."""
    application = _locked(application)
    if application.state not in WAITING:
        raise CatalogueError(_("This application is not waiting for review."))
    scope.require(MANAGE_COMPETITIONS, application.at_id)
    here = application.at
    if here is None:  # waiting states always have a union
        raise CatalogueError(_("This application is not waiting for review."))
    note = note.strip()
    if action == StepAction.RETURN:
        if not note:
            raise CatalogueError(_("Give the reason for returning the application."))
        application.at = None
        return _move(application, actor=actor, to=ApplicationState.RETURNED, action=action, union=here, note=note)
    if action == StepAction.RECOMMEND:
        if here.pk == application.approver_id:
            raise CatalogueError(
                _("%(union)s approves this application itself; there is no union above to recommend it to.")
                % {"union": here.name}
            )
        if here.parent is None:
            raise CatalogueError(_("There is no union above %(union)s.") % {"union": here.name})
        application.at = here.parent
        return _move(application, actor=actor, to=ApplicationState.RECOMMENDED, action=action, union=here, note=note)
    if action == StepAction.APPROVE:
        if here.pk != application.approver_id or application.tier not in tiers.allowed_tiers(here):
            raise CatalogueError(
                _("%(union)s is not entitled to approve competitions of level “%(tier)s”; recommend it upward.")
                % {"union": here.name, "tier": application.get_tier_display()}
            )
        check_quota(application.applicant, application.tier, application.year, exclude=application.pk)
        application.at = None
        application.approved_at = timezone.now()
        if application.competition_id is None:
            application.competition = _create_competition(application, actor)
        return _move(application, actor=actor, to=ApplicationState.APPROVED, action=action, union=here, note=note)
    raise CatalogueError(_("Choose recommend, approve or return."))


def _create_competition(application: Application, actor: User) -> Competition:
    """The approved project's competition, in draft, organised by the applying union. The approval is
    the authority for its level (a city may run a provincial project the province approved)."""
    competition = Competition.objects.create(
        name=application.name,
        tier=application.tier,
        kind=application.kind,
        organiser=application.applicant,
        committee=application.leading_body[:120],
        registration_closes_on=application.starts_on,
        starts_on=application.starts_on,
        ends_on=application.ends_on,
        region_code=application.applicant.region_id,
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=competition,
        after={"name": competition.name, "tier": str(competition.get_tier_display()), "source": str(application)},
        union_id=competition.organiser_id,
    )
    return competition


def review_applications(
    *, actor: User, scope: Scope, visible: QuerySet[Application], ids: list[int], verdict: str, note: str
) -> list[Outcome]:
    """Bulk: accept approves what the user's union may approve and recommends the rest upward; reject
    returns each with the one reason."""

    items = list(visible.filter(pk__in=ids).select_related("at").order_by("pk"))

    def call(application: Application) -> Application:
        if verdict == "reject":
            action = StepAction.RETURN
        elif application.at_id == application.approver_id:
            action = StepAction.APPROVE
        else:
            action = StepAction.RECOMMEND
        return decide_application(actor=actor, scope=scope, application=application, action=action, note=note)

    return run_each(items, call, label=str, link=lambda a: a.get_absolute_url())
