"""The labour-competitions part of the REST API: units, rounds and standings (a round's, the final)."""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from gongjiang.core.http import ApiPagination, ErrorOut, one_of

from .enums import RoundState
from .queries import labour_competitions_for_user, published_standings, rounds_for_user, units_for_user
from .scoring import to_decimal
from .standings import final_table
from .views import units_shown

router = Router(tags=["labour"])
ROUTERS = [router]


class UnitOut(Schema):
    id: int
    competition_id: int
    employer_id: int
    employer: str = Field(alias="employer.name")
    section: str
    teams: int = Field(alias="team_count")


class RoundOut(Schema):
    id: int
    competition_id: int
    number: int
    name: str
    starts_on: dt.date
    ends_on: dt.date
    due_on: dt.date
    weight: Decimal
    state: one_of(RoundState)


class StandingOut(Schema):
    rank: int
    unit_id: int
    employer: str
    section: str
    score: Decimal
    vetoed: bool
    red_flag: bool = False
    published: bool = True  # the final standing: False while it is the provisional one over the rounds so far


@router.get("/labour/units", response=list[UnitOut])
@paginate(ApiPagination)
def list_units(request: HttpRequest, competition_id: int | None = None):
    """The units the user sees: every unit of the competitions they organise, else their own."""
    from django.db.models import Count

    qs = units_for_user(request.scope).select_related("employer").annotate(team_count=Count("teams"))
    if competition_id is not None:
        qs = qs.filter(competition_id=competition_id)
    return qs.order_by("pk")


@router.get("/labour/rounds", response=list[RoundOut])
@paginate(ApiPagination)
def list_rounds(request: HttpRequest, competition_id: int | None = None):
    qs = rounds_for_user(request.scope)
    if competition_id is not None:
        qs = qs.filter(competition_id=competition_id)
    return qs.order_by("competition_id", "number")


@router.get("/labour/rounds/{round_id}/standings", response={200: list[StandingOut], 404: ErrorOut})
@paginate(ApiPagination)
def round_standings(request: HttpRequest, round_id: int):
    """A closed round's published standings (empty while it is open), as the user may see them."""
    round_ = get_object_or_404(rounds_for_user(request.scope).select_related("competition"), pk=round_id)
    units = units_shown(request, round_.competition)
    return [
        {
            "rank": s.rank,
            "unit_id": s.unit_id,
            "employer": s.unit.employer.name,
            "section": s.unit.section,
            "score": s.score,
            "vetoed": s.vetoed,
            "red_flag": s.red_flag,
        }
        for s in published_standings(round_).filter(unit__in=units)
    ]


@router.get("/labour/competitions/{competition_id}/standings", response={200: list[StandingOut], 404: ErrorOut})
@paginate(ApiPagination)
def final_standings(request: HttpRequest, competition_id: int):
    """The final standing over the closed rounds, by the scheme's rule: as published by the committee
    (which finished the competition; publish it by moving the competition to final), else provisional."""
    competition = get_object_or_404(labour_competitions_for_user(request.scope), pk=competition_id)
    _closed, rows, published = final_table(competition.pk, list(units_shown(request, competition)))
    return [
        {
            "rank": r.placed.rank,
            "unit_id": r.unit.pk,
            "employer": r.unit.employer.name,
            "section": r.unit.section,
            "score": to_decimal(r.placed.score),
            "vetoed": r.placed.vetoed,
            "published": published,
        }
        for r in rows
    ]
