"""The studios part of the REST API: the same selectors and services as the pages."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from gongjiang.core.http import ApiPagination, one_of
from gongjiang.orgs.rules import VIEW_STUDIOS

from . import services
from .enums import ClaimState, Level, MemberState, ProblemState, ProjectState, StudioState
from .models import Alliance, Membership
from .queries import (
    acting_studios,
    alliance_subsidy,
    alliance_totals,
    alliances_for_user,
    led_studios,
    problems_for_user,
    projects_for_user,
    studios_for_user,
)

router = Router(tags=["studios"])
ROUTERS = [router]


class ErrorOut(Schema):
    detail: str


class StudioOut(Schema):
    id: int
    name: str
    level: one_of(Level)
    state: one_of(StudioState)
    employer_id: int
    employer_name: str = Field(alias="employer.name")
    lead_name: str = Field(alias="lead.name")
    field: str
    founded_on: dt.date
    named_on: dt.date | None


class AllianceOut(Schema):
    id: int
    name: str
    level: str
    lead_union_id: int
    lead_union_name: str = Field(alias="lead_union.name")
    founded_on: dt.date
    founding_document: str
    chair_id: int | None


class AllianceDetailOut(AllianceOut):
    """One alliance with its joint-project totals and its subsidy line in the ledger, if any."""

    project_count: int = Field(alias="api_totals.projects")
    closed_project_count: int = Field(alias="api_totals.closed_projects")
    total_economic_value: Decimal = Field(alias="api_totals.economic_value")
    total_patents: int = Field(alias="api_totals.patents")
    subsidy_line_id: int | None = Field(None, alias="api_subsidy.pk")
    subsidy_amount: Decimal | None = Field(None, alias="api_subsidy.amount")
    subsidy_state: str | None = Field(None, alias="api_subsidy.state")


class MemberOut(Schema):
    id: int
    studio_id: int | None
    name: str = Field(alias="display_name")
    employer: str = Field(alias="employer_name")
    external: bool = Field(alias="is_external")
    province: str = Field(alias="external_province")
    state: one_of(MemberState)
    joined_on: dt.date
    delisted_on: dt.date | None
    delisting_reason: str


class ProblemOut(Schema):
    id: int
    alliance_id: int
    studio_id: int
    studio_name: str = Field(alias="studio.name")
    title: str
    field: str
    description: str
    deadline: dt.date
    reward: Decimal | None
    open_to_all: bool
    state: one_of(ProblemState)


class ProblemIn(Schema):
    studio_id: int
    title: str = Field(min_length=1, max_length=200)
    field: str = Field(min_length=1, max_length=120)
    description: str = Field(min_length=1)
    deadline: dt.date
    reward: Decimal | None = None
    open_to_all: bool = False


class ClaimIn(Schema):
    studio_id: int
    plan: str = Field(min_length=1)


class ClaimOut(Schema):
    id: int
    problem_id: int
    studio_id: int
    state: one_of(ClaimState)


class ProjectOut(Schema):
    id: int
    title: str
    studio_id: int
    alliance_id: int | None
    problem_id: int | None
    state: one_of(ProjectState)
    progress: int
    started_on: dt.date
    closed_on: dt.date | None
    patents: int  # the economic benefit is the innovations' (GET /api/innovations?project=<id>)
    participant_ids: list[int]

    @staticmethod
    def resolve_participant_ids(obj: Any) -> list[int]:
        return sorted(s.pk for s in obj.participants.all())


def _need(request: HttpRequest) -> None:
    if not (request.scope.has(VIEW_STUDIOS) or led_studios(request.scope).exists()):
        raise PermissionDenied


@router.get("/studios", response=list[StudioOut])
@paginate(ApiPagination)
def list_studios(request: HttpRequest, q: str = "", level: str = "", state: str = ""):
    _need(request)
    qs = studios_for_user(request.scope).select_related("employer", "lead").order_by("pk")
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(field__contains=q))
    if level:
        qs = qs.filter(level=level)
    if state:
        qs = qs.filter(state=state)
    return qs


@router.get("/studios/{studio_id}", response={200: StudioOut, 404: ErrorOut})
def get_studio(request: HttpRequest, studio_id: int):
    return get_object_or_404(studios_for_user(request.scope).select_related("employer", "lead"), pk=studio_id)


@router.get("/alliances", response=list[AllianceOut])
@paginate(ApiPagination)
def list_alliances(request: HttpRequest, q: str = ""):
    _need(request)
    qs = alliances_for_user(request.scope).select_related("lead_union").order_by("pk")
    if q:
        qs = qs.filter(name__contains=q)
    return qs


def _alliance(request: HttpRequest, alliance_id: int) -> Alliance:
    return get_object_or_404(alliances_for_user(request.scope).select_related("lead_union"), pk=alliance_id)


@router.get("/alliances/{alliance_id}", response={200: AllianceDetailOut, 404: ErrorOut})
def get_alliance(request: HttpRequest, alliance_id: int):
    alliance = _alliance(request, alliance_id)
    alliance.api_totals = alliance_totals(alliance)  # type: ignore[attr-defined]
    alliance.api_subsidy = alliance_subsidy(alliance)  # type: ignore[attr-defined]
    return alliance


@router.get("/alliances/{alliance_id}/members", response={200: list[MemberOut], 404: ErrorOut})
def list_members(request: HttpRequest, alliance_id: int):
    """Every member, current and former (with the reason it was delisted): membership is history."""
    alliance = _alliance(request, alliance_id)
    members = Membership.objects.filter(alliance=alliance).select_related("studio__employer").order_by("pk")
    return Status(200, list(members))


@router.get("/problems", response=list[ProblemOut])
@paginate(ApiPagination)
def list_problems(request: HttpRequest, q: str = "", state: str = ""):
    _need(request)
    qs = problems_for_user(request.scope).select_related("studio").order_by("-pk")
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(field__contains=q) | Q(description__contains=q))
    if state:
        qs = qs.filter(state=state)
    return qs


@router.get("/problems/{problem_id}", response={200: ProblemOut, 404: ErrorOut})
def get_problem(request: HttpRequest, problem_id: int):
    return get_object_or_404(problems_for_user(request.scope).select_related("studio"), pk=problem_id)


@router.post(
    "/alliances/{alliance_id}/problems",
    response={201: ProblemOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def post_problem(request: HttpRequest, alliance_id: int, payload: ProblemIn):
    alliance = _alliance(request, alliance_id)
    studio = get_object_or_404(acting_studios(request.scope), pk=payload.studio_id)
    data = services.ProblemData(**payload.dict(exclude={"studio_id"}))
    try:
        problem = services.post_problem(
            actor=request.user, scope=request.scope, alliance=alliance, studio=studio, data=data
        )
    except services.StudiosError as exc:
        return Status(409, {"detail": str(exc)})
    return Status(201, problem)


@router.post(
    "/problems/{problem_id}/claims",
    response={201: ClaimOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def claim_problem(request: HttpRequest, problem_id: int, payload: ClaimIn):
    problem = get_object_or_404(problems_for_user(request.scope), pk=problem_id)
    studio = get_object_or_404(acting_studios(request.scope), pk=payload.studio_id)
    try:
        claim = services.claim_problem(
            actor=request.user, scope=request.scope, problem=problem, studio=studio, plan=payload.plan
        )
    except services.StudiosError as exc:
        return Status(409, {"detail": str(exc)})
    return Status(201, claim)


@router.get("/projects", response=list[ProjectOut])
@paginate(ApiPagination)
def list_projects(request: HttpRequest, state: str = ""):
    _need(request)
    qs = projects_for_user(request.scope).prefetch_related("participants").order_by("-pk")
    if state:
        qs = qs.filter(state=state)
    return qs


@router.get("/projects/{project_id}", response={200: ProjectOut, 404: ErrorOut})
def get_project(request: HttpRequest, project_id: int):
    return get_object_or_404(projects_for_user(request.scope).prefetch_related("participants"), pk=project_id)
