"""The competitions part of the REST API: competitions, events, entries, and a judge's own marks."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import field_validator

from gongjiang.core.http import ApiPagination, ErrorOut, one_of
from gongjiang.orgs.models import Union
from gongjiang.orgs.rules import MANAGE_COMPETITIONS
from gongjiang.people.queries import workers_for_user

from . import marking
from . import services as competition_services
from . import tiers as competition_tiers_policy
from .enums import EntryState, Kind, Mode, State, Tier, next_states
from .models import Mark
from .queries import competitions_for_user, entries_for_user, events_for_user, own_assignments
from .scoring import q2

# The published operation ids were made from the module that first held these operations.
OPERATION_ID_PREFIX = "gongjiang_api_api"

router = Router(tags=["competitions"])
ROUTERS = [router]


class CompetitionOut(Schema):
    id: int
    name: str
    tier: one_of(Tier)
    kind: one_of(Kind)
    organiser_id: int
    series: str
    registration_closes_on: dt.date
    starts_on: dt.date
    ends_on: dt.date
    state: one_of(State)
    next_states: list[str]

    @staticmethod
    def resolve_next_states(obj: Any) -> list[str]:
        """The states it may move to next, by its kind's state machine (a labour competition: no marking
        or notice; from in progress to final by publishing its final standing)."""
        return list(next_states(obj.kind, obj.state))


class EventOut(Schema):
    id: int
    competition_id: int
    name: str
    occupation: str = Field(alias="occupation.name")
    grade_min: int | None
    grade_max: int | None
    mode: one_of(Mode)
    team_size: int
    theory_weight: int
    practical_weight: int
    capacity: int | None


class EntryOut(Schema):
    id: int
    event_id: int
    worker_id: int
    worker_name: str = Field(alias="worker.name")
    employer_id: int
    team: str
    competitor_no: str
    state: one_of(EntryState)


class EntryIn(Schema):
    worker_id: int
    team: str = ""


class AssignmentOut(Schema):
    event_id: int
    event: str = Field(alias="event.name")
    competition: str = Field(alias="event.competition.name")
    is_chief: bool


class MarkOut(Schema):
    entry_id: int
    competitor_no: str = Field(alias="entry.competitor_no")
    aspect_id: int
    aspect: str = Field(alias="aspect.code")
    value: Decimal


class MarksIn(Schema):
    entry_id: int
    values: dict[int, str]
    reason: str = ""


class ResultOut(Schema):
    entry_id: int
    rank: int
    theory: Decimal | None
    practical: Decimal
    total: Decimal
    award: str


class CompetitionIn(Schema):
    """A new competition. ``tier`` may be left out: the lowest tier the organiser may organise."""

    name: str
    tier: one_of(Tier, blank=True) = ""
    kind: one_of(Kind) = "skills"
    organiser_id: int
    registration_closes_on: dt.date
    starts_on: dt.date
    ends_on: dt.date
    committee: str = ""
    co_organisers: str = ""
    host: str = ""
    series: str = ""
    notice_working_days: int = Field(5, ge=1, le=30)
    medal_count: int = Field(3, ge=0, le=3)
    merit_percent: int = Field(50, ge=0, le=100)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = value.strip()
        if not value or len(value) > 120:
            raise ValueError(_("A name has 1–120 characters."))
        return value


class TransitionIn(Schema):
    to: one_of(State)


class TierOut(Schema):
    code: str
    label: str


class TierOptionsOut(Schema):
    """The tiers the user may organise (for one organiser, or for any of theirs), highest first."""

    organiser_id: int | None
    tiers: list[TierOut]
    default: str | None


@router.get("/competitions", response=list[CompetitionOut])
@paginate(ApiPagination)
def list_competitions(request: HttpRequest, q: str = "", state: one_of(State, blank=True) = ""):
    qs = competitions_for_user(request.scope)
    if q:
        qs = qs.filter(name__contains=q)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-starts_on", "-pk")


# before /competitions/{competition_id}, whose pattern would take the word “tiers” for an id
@router.get("/competitions/tiers", response={200: TierOptionsOut, 404: ErrorOut})
def competition_tiers(request: HttpRequest, organiser_id: int | None = None):
    """The tiers the user may organise (the province's organising rights), and the default: the lowest."""
    organisers = _organisers(request)
    if organiser_id is not None:
        organisers = organisers.filter(pk=organiser_id)
        if not organisers.exists():
            return Status(404, {"detail": _("No such union in your scope.")})
    allowed = competition_tiers_policy.offered_tiers(organisers)  # not every union in reach loaded (issue 17)
    ordered = [t for t in competition_tiers_policy.TIER_ORDER if t in allowed]
    return Status(
        200,
        {
            "organiser_id": organiser_id,
            "tiers": [{"code": t, "label": str(Tier(t).label)} for t in ordered],
            "default": competition_tiers_policy.lowest(ordered),
        },
    )


@router.get("/competitions/{competition_id}", response={200: CompetitionOut, 404: ErrorOut})
def get_competition(request: HttpRequest, competition_id: int):
    return get_object_or_404(competitions_for_user(request.scope), pk=competition_id)


@router.get("/competitions/{competition_id}/events", response={200: list[EventOut], 404: ErrorOut})
def list_events(request: HttpRequest, competition_id: int):
    competition = get_object_or_404(competitions_for_user(request.scope), pk=competition_id)
    return Status(200, competition.events.select_related("occupation").order_by("pk"))


@router.get("/events/{event_id}/entries", response={200: list[EntryOut], 404: ErrorOut})
@paginate(ApiPagination)
def list_entries(request: HttpRequest, event_id: int):
    event = get_object_or_404(events_for_user(request.scope), pk=event_id)
    return entries_for_user(request.scope).filter(event=event).select_related("worker").order_by("competitor_no", "pk")


@router.post(
    "/events/{event_id}/entries", response={201: EntryOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
)
def create_entry(request: HttpRequest, event_id: int, payload: EntryIn):
    scope = request.scope
    event = get_object_or_404(events_for_user(scope), pk=event_id)
    worker = get_object_or_404(workers_for_user(scope), pk=payload.worker_id)
    try:
        entry = competition_services.register_entry(
            actor=request.user, scope=scope, event=event, worker=worker, team=payload.team
        )
    except competition_services.CompetitionError as exc:
        return Status(409, {"detail": str(exc)})
    return Status(201, entry)


@router.get("/judging", response=list[AssignmentOut])
def my_assignments(request: HttpRequest):
    """The events the token's user judges."""
    return own_assignments(request.user).select_related("event__competition").order_by("pk")


@router.get("/events/{event_id}/marks", response={200: list[MarkOut], 404: ErrorOut})
def my_marks(request: HttpRequest, event_id: int):
    """The judge's own marks in the event, and no one else's."""
    assignment = get_object_or_404(own_assignments(request.user).select_related("judge"), event_id=event_id)
    return Status(
        200,
        Mark.objects.filter(judge=assignment.judge, aspect__criterion__event_id=event_id)
        .select_related("entry", "aspect")
        .order_by("entry__competitor_no", "aspect__code"),
    )


@router.post("/events/{event_id}/marks", response={200: dict, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def record_my_marks(request: HttpRequest, event_id: int, payload: MarksIn):
    """Enter the judge's own marks for one competitor, as on the marking page (a change needs a reason)."""
    assignment = get_object_or_404(own_assignments(request.user).select_related("event"), event_id=event_id)
    entry = get_object_or_404(assignment.event.entries, pk=payload.entry_id)
    try:
        written = marking.record_marks(
            actor=request.user, event=assignment.event, entry=entry, values=payload.values, reason=payload.reason
        )
    except competition_services.CompetitionError as exc:
        return Status(409, {"detail": str(exc)})
    return Status(200, {"written": written})


@router.get("/events/{event_id}/results", response={200: list[ResultOut], 403: ErrorOut, 404: ErrorOut})
def event_results(request: HttpRequest, event_id: int):
    """The ranking the marks add up to, for the organiser."""
    event = get_object_or_404(events_for_user(request.scope).select_related("competition"), pk=event_id)
    if not request.scope.covers(MANAGE_COMPETITIONS, event.competition.organiser_id):
        raise PermissionDenied
    return Status(
        200,
        [
            {
                "entry_id": r.ranked.entry_id,
                "rank": r.ranked.rank,
                "theory": r.theory,
                "practical": q2(r.ranked.practical),  # shown rounded; the rank was decided exactly
                "total": q2(r.ranked.total),
                "award": r.award,
            }
            for r in marking.results(event)
        ],
    )


def _organisers(request: HttpRequest):  # type: ignore[no-untyped-def]
    """The unions the token's user may organise competitions for."""
    return Union.objects.filter(request.scope.union_filter(MANAGE_COMPETITIONS, "pk"))


@router.post("/competitions", response={201: CompetitionOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def create_competition(request: HttpRequest, payload: CompetitionIn):
    """Create a competition as on the new-competition page: only a tier the organiser may organise."""
    if not request.scope.has(MANAGE_COMPETITIONS):
        raise PermissionDenied
    organiser = _organisers(request).filter(pk=payload.organiser_id).first()
    if organiser is None:
        return Status(404, {"detail": _("No such union in your scope.")})
    if payload.kind not in Kind.values:
        return Status(422, {"detail": _("Unknown kind of competition.")})
    tier = payload.tier or competition_tiers_policy.lowest(competition_tiers_policy.allowed_tiers(organiser)) or ""
    if tier not in Tier.values:
        return Status(422, {"detail": _("Unknown competition level.")})
    data = payload.dict(exclude={"organiser_id", "tier"})
    try:
        competition = competition_services.create_competition(
            actor=request.user,
            scope=request.scope,
            data=competition_services.CompetitionData(organiser=organiser, tier=tier, **data),
        )
    except competition_services.CompetitionError as exc:
        return Status(422, {"detail": str(exc)})
    return Status(201, competition)


@router.post(
    "/competitions/{competition_id}/transition",
    response={200: CompetitionOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def transition_competition(request: HttpRequest, competition_id: int, payload: TransitionIn):
    """Move the competition on (open registration, start, …); a refusal names everything missing."""
    competition = get_object_or_404(competitions_for_user(request.scope), pk=competition_id)
    if payload.to not in State.values:
        return Status(422, {"detail": _("Unknown state.")})
    try:
        competition = competition_services.transition(
            actor=request.user, scope=request.scope, competition=competition, to=payload.to
        )
    except competition_services.CompetitionError as exc:
        return Status(409, {"detail": str(exc)})
    return Status(200, competition)
