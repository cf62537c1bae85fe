"""The innovations part of the REST API: list and detail, through the same selector as the pages."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from gongjiang.core.http import ApiPagination, ErrorOut, one_of
from gongjiang.orgs.rules import CONFIRM_BENEFITS, VIEW_WORKERS

from . import services
from .enums import Grade, Kind, State
from .models import Innovation
from .queries import filter_innovations, innovations_for_user, own_worker, submit_choices

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
    labour_team_id: int | None
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


class AuthorIn(Schema):
    worker_id: int
    share: Decimal


class InnovationIn(Schema):
    title: str
    kind: one_of(Kind)  # type: ignore[valid-type]
    description: str
    employer_id: int
    authors: list[AuthorIn]
    team: str = ""
    labour_team_id: int | None = None
    method_name: str = ""
    named_after_id: int | None = None
    competition_id: int | None = None
    studio_id: int | None = None
    project_id: int | None = None


def _one(qs: Any, pk: int | None, what: str) -> Any:
    if pk is None:
        return None
    found = qs.filter(pk=pk).first()
    if found is None:
        raise services.InnovationError(_("No %(what)s %(id)s within your reach.") % {"what": what, "id": pk})
    return found


@router.post(
    "/innovations",
    response={201: InnovationDetailOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def submit_innovation(request: HttpRequest, payload: InnovationIn):
    """Record an innovation result, as the page does: an official for any employer in their reach, with
    authors among that employer's workers; a worker for their own employer. Anything outside the reach is
    refused as not found, whether or not it exists."""
    from gongjiang.labour.models import Team
    from gongjiang.people.models import Worker

    scope = request.scope  # type: ignore[attr-defined]
    choices = submit_choices(scope)
    employer = get_object_or_404(choices["employers"], pk=payload.employer_id)
    workers = {w.pk: w for w in Worker.objects.filter(employer=employer, pk__in=[a.worker_id for a in payload.authors])}
    try:
        missing = [a.worker_id for a in payload.authors if a.worker_id not in workers]
        if missing:
            raise services.InnovationError(
                _("Not workers of the employer: %(ids)s.") % {"ids": ", ".join(map(str, missing))}
            )
        competition = _one(choices["competitions"], payload.competition_id, _("competition"))
        team = _one(
            Team.objects.filter(unit__employer=employer, unit__competition__in=choices["competitions"]).select_related(
                "unit"
            ),
            payload.labour_team_id,
            pgettext("labour", "team"),
        )
        authors = [(workers[a.worker_id], a.share) for a in payload.authors]
        named = _one(Worker.objects.filter(pk__in=workers), payload.named_after_id, _("author"))
        innovation = services.submit_innovation(
            actor=request.user,  # type: ignore[arg-type]
            scope=scope,
            data=services.InnovationData(
                title=payload.title,
                kind=payload.kind,
                description=payload.description,
                employer=employer,
                authors=authors,
                team=payload.team,
                labour_team=team,
                method_name=payload.method_name,
                named_after=named,
                competition=competition,
                studio=_one(choices["studios"], payload.studio_id, _("studio")),
                project=_one(choices["projects"], payload.project_id, _("project")),
            ),
        )
    except services.InnovationError as exc:
        return Status(422, {"detail": str(exc)})
    return Status(
        201, Innovation.objects.select_related("employer").prefetch_related("authors__worker").get(pk=innovation.pk)
    )
