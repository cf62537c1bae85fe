"""API for project applications (立项申报) and the 竞赛目录, with the pages' scope."""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from gongjiang.core.http import ApiPagination, ErrorOut, one_of
from gongjiang.orgs.models import Union

from .enums import ApplicationState
from .queries import applications_for, catalogue_of, catalogue_unions, reach

router = Router(tags=["competition projects"])
ROUTERS = [router]


class ApplicationOut(Schema):
    id: int
    name: str
    kind: str
    tier: str
    year: int
    applicant_id: int
    applicant: str
    leading_body: str
    indicators: str
    budget: Decimal
    starts_on: dt.date
    ends_on: dt.date
    state: one_of(ApplicationState)  # type: ignore[valid-type]
    at_id: int | None
    approver_id: int | None
    competition_id: int | None

    @staticmethod
    def resolve_applicant(obj: object) -> str:
        return obj.applicant.name  # type: ignore[attr-defined]


def _need(request: HttpRequest) -> None:
    if not reach(request.scope):
        raise HttpError(403, "forbidden")


@router.get("/catalogue/applications", response=list[ApplicationOut])
@paginate(ApiPagination)
def list_applications(request: HttpRequest, state: str = "", year: int | None = None):
    _need(request)
    qs = applications_for(request.scope).order_by("-year", "-pk")
    if state:
        qs = qs.filter(state=state)
    if year is not None:
        qs = qs.filter(year=year)
    return qs


@router.get("/catalogue/applications/{application_id}", response={200: ApplicationOut, 403: ErrorOut, 404: ErrorOut})
def get_application(request: HttpRequest, application_id: int):
    _need(request)
    return get_object_or_404(applications_for(request.scope), pk=application_id)


@router.get("/catalogue/entries/{union_id}/{year}", response=list[ApplicationOut])
@paginate(ApiPagination)
def list_catalogue(request: HttpRequest, union_id: int, year: int):
    """The 竞赛目录 of a union's subtree for a year (the union must lie in the caller's scope)."""
    _need(request)
    union: Union = get_object_or_404(catalogue_unions(request.scope), pk=union_id)
    return catalogue_of(request.scope, union, year)
