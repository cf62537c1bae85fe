"""The worker registry part of the REST API: workers and their grades, within the token's scope."""

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import field_validator

from gongjiang.core.http import ApiPagination, ErrorOut, need, one_of
from gongjiang.core.validators import validate_id_number, validate_phone
from gongjiang.orgs.models import Employer
from gongjiang.orgs.rules import CHANGE_WORKERS, VIEW_WORKERS

from . import services as people_services
from .enums import Grade, GradeSource, Sex, WorkerStatus
from .models import Occupation
from .queries import filter_workers, in_city, workers_for_user

# The published operation ids were made from the module that first held these operations.
OPERATION_ID_PREFIX = "gongjiang_api_api"

router = Router(tags=["people"])
ROUTERS = [router]


def _run(validator, value: str) -> str:  # type: ignore[no-untyped-def]
    try:
        return validator(value)
    except ValidationError as exc:
        raise ValueError(" ".join(exc.messages)) from None


class GradeOut(Schema):
    id: int
    occupation: str = Field(alias="occupation.name")
    grade: int
    grade_label: str
    source: one_of(GradeSource)
    certificate_no: str
    awarded_on: dt.date
    issuer: str

    @staticmethod
    def resolve_grade_label(obj: Any) -> str:
        return str(obj.get_grade_display())


class WorkerOut(Schema):
    id: int
    name: str
    id_number_masked: str
    sex: one_of(Sex)
    birth_date: dt.date
    phone_masked: str
    employer_id: int
    status: one_of(WorkerStatus)
    top_grade: int | None
    occupations: list[str]

    @staticmethod
    def resolve_occupations(obj: Any) -> list[str]:
        return [o.name for o in obj.occupations.all()]


class WorkerIn(Schema):
    name: str
    id_number: str
    employer_id: int
    phone: str = ""
    status: one_of(WorkerStatus) = "employed"
    occupations: list[str] = []

    @field_validator("id_number")
    @classmethod
    def _id(cls, value: str) -> str:
        return _run(validate_id_number, value)

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        return _run(validate_phone, value) if value else ""

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = value.strip()
        if not value or len(value) > 50:
            raise ValueError(_("A name has 1–50 characters."))
        return value


class GradeIn(Schema):
    occupation: str
    grade: int
    source: one_of(GradeSource) = "evaluation"
    certificate_no: str
    awarded_on: dt.date
    issuer: str = ""


class WorkerFilters(Schema):
    q: str = ""
    occupation: str = ""
    grade: str = ""
    status: one_of(WorkerStatus, blank=True) = ""
    sex: one_of(Sex, blank=True) = ""
    employer: str = ""


WHOLE_ID = re.compile(r"^\s*[0-9]{17}[0-9Xx]\s*$")


@router.get("/workers", response=list[WorkerOut])
@paginate(ApiPagination)
def list_workers(request: HttpRequest, filters: Query[WorkerFilters]):
    """The workers in scope. A whole ID number is never taken from a URL (it would land in access
    logs): ``q`` shaped like one is refused here; POST it to /workers/search instead."""
    need(request, VIEW_WORKERS)
    if WHOLE_ID.match(filters.q):
        raise HttpError(422, _("Search by a whole ID number with POST /api/workers/search, in the body."))
    params = filters.dict()
    qs = in_city(filter_workers(workers_for_user(request.scope, own=False), params), request.scope, params)
    return qs.prefetch_related("occupations")


@router.post("/workers/search", response=list[WorkerOut])
@paginate(ApiPagination)
def search_workers(request: HttpRequest, filters: WorkerFilters):
    """The same filters as GET /workers, sent in the JSON body: the way to search by a whole ID number."""
    need(request, VIEW_WORKERS)
    params = filters.dict()
    qs = in_city(filter_workers(workers_for_user(request.scope, own=False), params), request.scope, params)
    return qs.prefetch_related("occupations")


@router.get("/workers/{worker_id}", response={200: WorkerOut, 404: ErrorOut})
def get_worker(request: HttpRequest, worker_id: int):
    return get_object_or_404(workers_for_user(request.scope).prefetch_related("occupations"), pk=worker_id)


def _occupations(names: list[str]) -> tuple[Occupation, ...]:
    found = {o.name: o for o in Occupation.objects.filter(name__in=names)}
    unknown = [n for n in names if n not in found]
    if unknown:
        raise HttpError(422, _("Unknown occupation: %(names)s") % {"names": "、".join(unknown)})
    return tuple(found[n] for n in names)


@router.post("/workers", response={201: WorkerOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut})
def create_worker(request: HttpRequest, payload: WorkerIn):
    scope = request.scope
    need(request, CHANGE_WORKERS)
    employer = Employer.objects.filter(scope.union_filter(CHANGE_WORKERS), pk=payload.employer_id).first()
    if employer is None:
        raise HttpError(422, _("No such employer in your union."))
    if payload.status not in WorkerStatus.values:
        raise HttpError(422, _("Unknown status."))
    data = people_services.WorkerData(
        name=payload.name,
        id_number=payload.id_number,
        employer=employer,
        phone=payload.phone,
        status=payload.status,
        occupations=_occupations(payload.occupations),
    )
    try:
        worker = people_services.create_worker(actor=request.user, scope=scope, data=data)
    except people_services.PeopleError as exc:
        return Status(409, {"detail": str(exc)})
    return Status(201, worker)


@router.get("/workers/{worker_id}/grades", response={200: list[GradeOut], 404: ErrorOut})
def list_grades(request: HttpRequest, worker_id: int):
    worker = get_object_or_404(workers_for_user(request.scope), pk=worker_id)
    return Status(200, worker.grades.select_related("occupation").order_by("awarded_on", "pk"))


@router.post(
    "/workers/{worker_id}/grades", response={201: GradeOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
)
def add_grade(request: HttpRequest, worker_id: int, payload: GradeIn):
    scope = request.scope
    worker = get_object_or_404(workers_for_user(scope), pk=worker_id)
    if payload.grade not in Grade.values or payload.source not in GradeSource.values:
        raise HttpError(422, _("Unknown grade or source."))
    (occupation,) = _occupations([payload.occupation])
    try:
        grade = people_services.add_grade(
            actor=request.user,
            scope=scope,
            worker=worker,
            occupation=occupation,
            grade=payload.grade,
            source=payload.source,
            certificate_no=payload.certificate_no,
            awarded_on=payload.awarded_on,
            issuer=payload.issuer,
        )
    except people_services.PeopleError as exc:
        return Status(409, {"detail": str(exc)})
    return Status(201, grade)
