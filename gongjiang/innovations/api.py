"""The innovations part of the REST API: list and detail, through the same selector as the pages."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from gongjiang.core.http import ApiPagination, ErrorOut, one_of
from gongjiang.orgs.rules import CONFIRM_BENEFITS, VIEW_WORKERS

from .enums import Grade, Kind, State
from .queries import filter_innovations, innovations_for_user, own_worker

router = Router(tags=["innovations"])
ROUTERS = [router]


class AuthorOut(Schema):
    worker_id: int
    name: str = Field(alias="worker.name")
    share: Decimal


class InnovationOut(Schema):
    id: int
    title: str
    kind: one_of(Kind)  # type: ignore[valid-type]
    state: one_of(State)  # type: ignore[valid-type]
    employer_id: int
    employer_name: str = Field(alias="employer.name")
    team: str
    method_name: str
    named_after_id: int | None
    competition_id: int | None
    studio_id: int | None
    project_id: int | None
    grade: one_of(Grade, blank=True)  # type: ignore[valid-type]
    submitted_at: dt.datetime
    # the benefit counts only once finance confirmed it; before that it is a calculation under review
    benefit: Decimal | None
    confirmed_on: dt.date | None
    authors: list[AuthorOut]

    @staticmethod
    def resolve_authors(obj: Any) -> list[Any]:
        return list(obj.authors.all())


class InnovationDetailOut(InnovationOut):
    description: str
    annual_saving: Decimal
    added_output: Decimal
    years: Decimal
    deductions: Decimal
    method: str
    notice_until: dt.date | None
    recognised_on: dt.date | None


def _need(request: HttpRequest) -> None:
    scope = request.scope  # type: ignore[attr-defined]
    if not (scope.has(VIEW_WORKERS) or scope.has(CONFIRM_BENEFITS) or own_worker(scope) is not None):
        raise PermissionDenied


@router.get("/innovations", response=list[InnovationOut])
@paginate(ApiPagination)
def list_innovations(  # noqa: PLR0917 - query parameters
    request: HttpRequest,
    q: str = "",
    state: str = "",
    kind: str = "",
    competition: int | None = None,
    studio: int | None = None,
    project: int | None = None,
):
    """Innovation results in the user's scope, oldest first; filter by state, kind and origin."""
    _need(request)
    params = {"q": q, "state": state, "kind": kind}
    params |= {k: str(v) for k, v in (("competition", competition), ("studio", studio), ("project", project)) if v}
    qs = innovations_for_user(request.scope).select_related("employer")  # type: ignore[attr-defined]
    return filter_innovations(qs, params).prefetch_related("authors__worker").order_by("pk")


@router.get("/innovations/{innovation_id}", response={200: InnovationDetailOut, 404: ErrorOut})
def get_innovation(request: HttpRequest, innovation_id: int):
    qs = innovations_for_user(request.scope).select_related("employer")  # type: ignore[attr-defined]
    return get_object_or_404(qs.prefetch_related("authors__worker"), pk=innovation_id)
