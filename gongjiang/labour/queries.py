"""Reads of the labour competitions; each starts from the user's scope.

- The committee is whoever manages the organiser (``MANAGE_COMPETITIONS`` over its union): it sees
  and changes everything of the competition. Leadership reads its subtree's competitions.
- A union that enters competitions (``ENTER_COMPETITIONS``: a city, a county, an enterprise clerk)
  sees the labour competitions open to it (competitions.queries) and, of their units, only those of
  its own employers.
"""

from django.db.models import Q, QuerySet

from gongjiang.competitions.enums import Kind
from gongjiang.competitions.models import Competition
from gongjiang.competitions.queries import competitions_for_user
from gongjiang.orgs.rules import ENTER_COMPETITIONS, MANAGE_COMPETITIONS, VIEW_COMPETITIONS
from gongjiang.orgs.scope import Scope

from .enums import RoundState
from .models import Evidence, Figure, Round, Standing, Unit


def labour_competitions_for_user(scope: Scope) -> QuerySet[Competition]:
    return competitions_for_user(scope).filter(kind=Kind.LABOUR)


def manages(scope: Scope, competition: Competition) -> bool:
    return scope.covers(MANAGE_COMPETITIONS, competition.organiser_id)


def reads_all(scope: Scope, competition: Competition) -> bool:
    """The committee, and leadership above the organiser, see every unit."""
    return manages(scope, competition) or scope.covers(VIEW_COMPETITIONS, competition.organiser_id)


def _units_q(scope: Scope, prefix: str = "") -> Q:
    return (
        scope.union_filter(MANAGE_COMPETITIONS, f"{prefix}competition__organiser")
        | scope.union_filter(VIEW_COMPETITIONS, f"{prefix}competition__organiser")
        | scope.union_filter(ENTER_COMPETITIONS, f"{prefix}union")
    )


def units_for_user(scope: Scope) -> QuerySet[Unit]:
    return Unit.objects.filter(_units_q(scope), competition__kind=Kind.LABOUR)


def changeable_unit(scope: Scope, unit: Unit) -> bool:
    """The committee, or the unit's own union (its clerk, or a union above its employer)."""
    return scope.covers(MANAGE_COMPETITIONS, unit.competition.organiser_id) or scope.covers(
        ENTER_COMPETITIONS, unit.union_id
    )


def rounds_for_user(scope: Scope) -> QuerySet[Round]:
    return Round.objects.filter(competition__in=labour_competitions_for_user(scope))


def figures_for_user(scope: Scope) -> QuerySet[Figure]:
    return Figure.objects.filter(_units_q(scope, "unit__"))


def evidence_for_user(scope: Scope) -> QuerySet[Evidence]:
    return Evidence.objects.filter(_units_q(scope, "figure__unit__"))


def published_standings(round_: Round) -> QuerySet[Standing]:
    """A closed round's standings, as on its public board."""
    if round_.state != RoundState.CLOSED:
        return Standing.objects.none()
    return round_.standings.select_related("unit__employer").order_by("rank")
