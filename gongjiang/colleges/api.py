"""The colleges part of the REST API: classes, enrolments, attendance and completions.

Every operation starts from the same selectors as the pages (:mod:`.queries`) and calls the same
services, so a token sees and changes exactly what its user may on the pages.
"""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from gongjiang.core.http import ApiPagination, one_of
from gongjiang.people.queries import workers_for_user

from . import services
from .enums import CohortState, EnrolmentStatus
from .models import Attendance, Completion, Session
from .queries import cohorts_for_user, colleges_for_user, enrolments_for_user, managed_cohorts

router = Router(tags=["colleges"])
ROUTERS = [router]


class ErrorOut(Schema):
    detail: str


class CollegeOut(Schema):
    id: int
    name: str
    industry: str
    union_id: int
    universities: str
    plan_year: int | None
    plan_classes: int
    plan_days: int
    plan_places: int


class ClassOut(Schema):
    id: int
    college_id: int
    course_id: int
    course_title: str = Field(alias="course.title")
    name: str
    starts_on: dt.date
    ends_on: dt.date
    place: str
    capacity: int
    required_hours: Decimal
    pass_mark: Decimal
    state: one_of(CohortState)


class EnrolmentOut(Schema):
    id: int
    cohort_id: int
    worker_id: int
    worker_name: str = Field(alias="worker.name")
    status: one_of(EnrolmentStatus)
    queued_at: dt.datetime
    promoted_at: dt.datetime | None
    withdrawn_reason: str
    score: Decimal | None


class EnrolmentIn(Schema):
    worker_id: int


class WithdrawIn(Schema):
    reason: str


class WithdrawOut(Schema):
    withdrawn_id: int
    promoted_id: int | None


class AttendanceOut(Schema):
    session_id: int
    day: dt.date = Field(alias="session.day")
    enrolment_id: int
    present: bool


class AttendanceIn(Schema):
    present: list[int]


class CompletionOut(Schema):
    id: int
    enrolment_id: int
    worker_id: int
    worker_name: str
    hours: Decimal
    score: Decimal
    completed_on: dt.date
    grade_id: int | None
    certificate_code: str | None


@router.get("/colleges", response=list[CollegeOut])
@paginate(ApiPagination)
def list_colleges(request: HttpRequest, q: str = ""):
    qs = colleges_for_user(request.scope).order_by("pk")
    if q:
        qs = qs.filter(name__contains=q)
    return qs


@router.get("/colleges/{college_id}", response={200: CollegeOut, 404: ErrorOut})
def get_college(request: HttpRequest, college_id: int):
    return get_object_or_404(colleges_for_user(request.scope), pk=college_id)


@router.get("/classes", response=list[ClassOut])
@paginate(ApiPagination)
def list_classes(request: HttpRequest, state: str = "", college_id: int | None = None):
    qs = cohorts_for_user(request.scope).select_related("course").order_by("-starts_on", "-pk")
    if state:
        qs = qs.filter(state=state)
    if college_id is not None:
        qs = qs.filter(college_id=college_id)
    return qs


@router.get("/classes/{class_id}", response={200: ClassOut, 404: ErrorOut})
def get_class(request: HttpRequest, class_id: int):
    return get_object_or_404(cohorts_for_user(request.scope).select_related("course"), pk=class_id)


@router.get("/classes/{class_id}/enrolments", response={200: list[EnrolmentOut], 404: ErrorOut})
@paginate(ApiPagination)
def list_enrolments(request: HttpRequest, class_id: int):
    """The trainees and waiting list the user may see: all for the college, one's own workers otherwise."""
    cohort = get_object_or_404(cohorts_for_user(request.scope), pk=class_id)
    return enrolments_for_user(request.scope).filter(cohort=cohort).select_related("worker").order_by("queued_at", "pk")


@router.post(
    "/classes/{class_id}/enrolments",
    response={201: EnrolmentOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def create_enrolment(request: HttpRequest, class_id: int, payload: EnrolmentIn):
    """Enrol a worker: a place while there is one, else the waiting list (``status`` says which)."""
    scope = request.scope
    cohort = get_object_or_404(cohorts_for_user(scope), pk=class_id)
    worker = get_object_or_404(workers_for_user(scope), pk=payload.worker_id)
    try:
        enrolment = services.enrol(actor=request.user, scope=scope, cohort=cohort, worker=worker)
    except services.CollegeError as exc:
        return Status(409, {"detail": str(exc)})
    return Status(201, enrolment)


@router.post(
    "/enrolments/{enrolment_id}/withdraw", response={200: WithdrawOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
)
def withdraw(request: HttpRequest, enrolment_id: int, payload: WithdrawIn):
    """Withdraw; a freed place goes to the first on the waiting list, whose enrolment id is returned."""
    enrolment = get_object_or_404(enrolments_for_user(request.scope).select_related("cohort__college"), pk=enrolment_id)
    try:
        promoted = services.withdraw(
            actor=request.user, scope=request.scope, enrolment=enrolment, reason=payload.reason
        )
    except services.CollegeError as exc:
        return Status(409, {"detail": str(exc)})
    return Status(200, {"withdrawn_id": enrolment.pk, "promoted_id": promoted.pk if promoted else None})


@router.get("/classes/{class_id}/attendance", response={200: list[AttendanceOut], 404: ErrorOut})
def list_attendance(request: HttpRequest, class_id: int):
    cohort = get_object_or_404(cohorts_for_user(request.scope), pk=class_id)
    visible = enrolments_for_user(request.scope).filter(cohort=cohort)
    return Status(
        200,
        Attendance.objects.filter(enrolment__in=visible)
        .select_related("session")
        .order_by("session__day", "session__starts_at", "enrolment_id"),
    )


@router.post("/sessions/{session_id}/attendance", response={200: dict, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def record_attendance(request: HttpRequest, session_id: int, payload: AttendanceIn):
    """Who of the enrolled was present (enrolment ids); everyone else enrolled is marked absent."""
    session = get_object_or_404(
        Session.objects.filter(cohort__in=managed_cohorts(request.scope)).select_related("cohort__college"),
        pk=session_id,
    )
    try:
        count = services.record_attendance(
            actor=request.user, scope=request.scope, session=session, present=payload.present
        )
    except services.CollegeError as exc:
        return Status(409, {"detail": str(exc)})
    return Status(200, {"present": count})


@router.get("/classes/{class_id}/completions", response={200: list[CompletionOut], 404: ErrorOut})
def list_completions(request: HttpRequest, class_id: int):
    cohort = get_object_or_404(cohorts_for_user(request.scope), pk=class_id)
    visible = enrolments_for_user(request.scope).filter(cohort=cohort)
    rows = []
    for c in (
        Completion.objects.filter(enrolment__in=visible)
        .select_related("worker")
        .prefetch_related("certificates")
        .order_by("pk")
    ):
        code = next((cert.code for cert in c.certificates.all() if cert.revoked_at is None), None)
        rows.append(
            {
                "id": c.pk,
                "enrolment_id": c.enrolment_id,
                "worker_id": c.worker_id,
                "worker_name": c.worker.name,
                "hours": c.hours,
                "score": c.score,
                "completed_on": c.completed_on,
                "grade_id": c.grade_id,
                "certificate_code": code,
            }
        )
    return Status(200, rows)
