"""The REST API (OpenAPI 3 at /api/openapi.json, interactive docs at /api/docs).

Every endpoint starts from the same visibility selectors as the pages and checks
the same capabilities, so a token sees exactly what its user sees.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from gongjiang.colleges.api import router as college_router
from gongjiang.competitions import marking
from gongjiang.competitions import services as competition_services
from gongjiang.competitions.models import Mark
from gongjiang.competitions.queries import competitions_for_user, entries_for_user, events_for_user, own_assignments
from gongjiang.orgs.models import Employer
from gongjiang.orgs.queries import employers_for_user, unions_for_user
from gongjiang.orgs.rules import CHANGE_WORKERS, MANAGE_COMPETITIONS, VIEW_EMPLOYERS, VIEW_UNIONS, VIEW_WORKERS
from gongjiang.people import services as people_services
from gongjiang.people.enums import Grade, GradeSource, WorkerStatus
from gongjiang.people.models import Occupation
from gongjiang.people.queries import filter_workers, workers_for_user
from gongjiang.studios.api import router as studios_router

from .auth import TokenAuth
from .awards import router as awards_router
from .schemas import (
    AssignmentOut,
    CompetitionOut,
    EmployerOut,
    EntryIn,
    EntryOut,
    ErrorOut,
    EventOut,
    GradeIn,
    GradeOut,
    MarkOut,
    MarksIn,
    ResultOut,
    UnionOut,
    WorkerIn,
    WorkerOut,
)

api = NinjaAPI(
    title="Gongjiang API",
    version="1",
    auth=TokenAuth(),
    docs_decorator=login_required,
    urls_namespace="api-1",
)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": _("You may not do this.")}, status=403)


def _need(request: HttpRequest, cap: str) -> None:
    if not request.scope.has(cap):
        raise PermissionDenied


orgs = Router(tags=["orgs"])
people = Router(tags=["people"])


@orgs.get("/unions", response=list[UnionOut])
@paginate(LimitOffsetPagination)
def list_unions(request: HttpRequest, q: str = ""):
    _need(request, VIEW_UNIONS)
    qs = unions_for_user(request.scope).order_by("pk")
    if q:
        qs = qs.filter(name__contains=q)
    return qs


@orgs.get("/unions/{union_id}", response={200: UnionOut, 404: ErrorOut})
def get_union(request: HttpRequest, union_id: int):
    _need(request, VIEW_UNIONS)
    return get_object_or_404(unions_for_user(request.scope), pk=union_id)


@orgs.get("/employers", response=list[EmployerOut])
@paginate(LimitOffsetPagination)
def list_employers(request: HttpRequest, q: str = ""):
    _need(request, VIEW_EMPLOYERS)
    qs = employers_for_user(request.scope).order_by("pk")
    if q:
        qs = qs.filter(name__contains=q)
    return qs


@orgs.get("/employers/{employer_id}", response={200: EmployerOut, 404: ErrorOut})
def get_employer(request: HttpRequest, employer_id: int):
    _need(request, VIEW_EMPLOYERS)
    return get_object_or_404(employers_for_user(request.scope), pk=employer_id)


class WorkerFilters(Schema):
    q: str = ""
    occupation: str = ""
    grade: str = ""
    status: str = ""
    sex: str = ""
    employer: str = ""


@people.get("/workers", response=list[WorkerOut])
@paginate(LimitOffsetPagination)
def list_workers(request: HttpRequest, filters: Query[WorkerFilters]):
    _need(request, VIEW_WORKERS)
    qs = filter_workers(workers_for_user(request.scope, own=False), filters.dict())
    return qs.prefetch_related("occupations")


@people.get("/workers/{worker_id}", response={200: WorkerOut, 404: ErrorOut})
def get_worker(request: HttpRequest, worker_id: int):
    return get_object_or_404(workers_for_user(request.scope).prefetch_related("occupations"), pk=worker_id)


def _occupations(names: list[str]) -> tuple[Occupation, ...]:
    found = {o.name: o for o in Occupation.objects.filter(name__in=names)}
    unknown = [n for n in names if n not in found]
    if unknown:
        raise HttpError(422, _("Unknown occupation: %(names)s") % {"names": "、".join(unknown)})
    return tuple(found[n] for n in names)


@people.post("/workers", response={201: WorkerOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut})
def create_worker(request: HttpRequest, payload: WorkerIn):
    scope = request.scope
    _need(request, CHANGE_WORKERS)
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


@people.get("/workers/{worker_id}/grades", response={200: list[GradeOut], 404: ErrorOut})
def list_grades(request: HttpRequest, worker_id: int):
    worker = get_object_or_404(workers_for_user(request.scope), pk=worker_id)
    return Status(200, worker.grades.select_related("occupation").order_by("awarded_on", "pk"))


@people.post(
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


competitions = Router(tags=["competitions"])


@competitions.get("/competitions", response=list[CompetitionOut])
@paginate(LimitOffsetPagination)
def list_competitions(request: HttpRequest, q: str = "", state: str = ""):
    qs = competitions_for_user(request.scope)
    if q:
        qs = qs.filter(name__contains=q)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-starts_on", "-pk")


@competitions.get("/competitions/{competition_id}", response={200: CompetitionOut, 404: ErrorOut})
def get_competition(request: HttpRequest, competition_id: int):
    return get_object_or_404(competitions_for_user(request.scope), pk=competition_id)


@competitions.get("/competitions/{competition_id}/events", response={200: list[EventOut], 404: ErrorOut})
def list_events(request: HttpRequest, competition_id: int):
    competition = get_object_or_404(competitions_for_user(request.scope), pk=competition_id)
    return Status(200, competition.events.select_related("occupation").order_by("pk"))


@competitions.get("/events/{event_id}/entries", response={200: list[EntryOut], 404: ErrorOut})
@paginate(LimitOffsetPagination)
def list_entries(request: HttpRequest, event_id: int):
    event = get_object_or_404(events_for_user(request.scope), pk=event_id)
    return entries_for_user(request.scope).filter(event=event).select_related("worker").order_by("competitor_no", "pk")


@competitions.post(
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


@competitions.get("/judging", response=list[AssignmentOut])
def my_assignments(request: HttpRequest):
    """The events the token's user judges."""
    return own_assignments(request.user).select_related("event__competition").order_by("pk")


@competitions.get("/events/{event_id}/marks", response={200: list[MarkOut], 404: ErrorOut})
def my_marks(request: HttpRequest, event_id: int):
    """The judge's own marks in the event, and no one else's."""
    assignment = get_object_or_404(own_assignments(request.user).select_related("judge"), event_id=event_id)
    return Status(
        200,
        Mark.objects.filter(judge=assignment.judge, aspect__criterion__event_id=event_id)
        .select_related("entry", "aspect")
        .order_by("entry__competitor_no", "aspect__code"),
    )


@competitions.post("/events/{event_id}/marks", response={200: dict, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
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


@competitions.get("/events/{event_id}/results", response={200: list[ResultOut], 403: ErrorOut, 404: ErrorOut})
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
                "practical": r.ranked.practical,
                "total": r.ranked.total,
                "award": r.award,
            }
            for r in marking.results(event)
        ],
    )


api.add_router("/", orgs)
api.add_router("/", people)
api.add_router("/", competitions)
api.add_router("/", studios_router)
api.add_router("/", awards_router)
api.add_router("/", college_router)
