"""What waits in the labour competitions, on the home page.

The committee (the organiser's own union): competitions with an open round to check and close — its
figures are due, or a unit's reported figures wait to be checked. An enterprise clerk (a union that
enters but does not organise): competitions with an open round where one of its units has not
reported every measured figure. Each to-do's rows are what the labour list shows under ``?todo=<key>``.
"""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from gongjiang.competitions.enums import State
from gongjiang.competitions.models import Competition
from gongjiang.core.todolist import Todo, once
from gongjiang.orgs.rules import ENTER_COMPETITIONS, MANAGE_COMPETITIONS

from .enums import FigureState, Method, RoundState
from .models import Figure, FinalStanding, Indicator, Round, Unit
from .queries import labour_competitions_for_user


def rounds_to_close(request: Any) -> QuerySet[Competition]:
    scope = request.scope
    waiting = Round.objects.filter(competition=OuterRef("pk"), state=RoundState.OPEN).filter(
        Q(due_on__lte=timezone.localdate())
        | Exists(Figure.objects.filter(round=OuterRef("pk"), state=FigureState.REPORTED))
    )
    if not scope.has(MANAGE_COMPETITIONS):
        return Competition.objects.none()
    # the committee's own competitions (a few hundred at most, by the organiser index), each probed in
    # the closure rather than the reach hashed (see Scope.probing)
    return once(request, "labour.competitions", lambda: labour_competitions_for_user(scope.probing())).filter(
        Exists(waiting), organiser_id__in=scope.roots(MANAGE_COMPETITIONS)
    )


def figures_missing(request: Any) -> QuerySet[Competition]:
    scope = request.scope
    if scope.has(MANAGE_COMPETITIONS) or not scope.has(ENTER_COMPETITIONS):
        return Competition.objects.none()
    units = list(
        Unit.objects.filter(scope.union_filter(ENTER_COMPETITIONS), competition__kind="labour").values_list(
            "pk", "competition_id"
        )
    )
    competitions = {c for _u, c in units}
    open_rounds = dict(
        Round.objects.filter(competition_id__in=competitions, state=RoundState.OPEN).values_list("competition_id", "pk")
    )
    measured: dict[int, int] = {}
    for competition_id in Indicator.objects.filter(
        scheme__competition_id__in=open_rounds, method=Method.MEASURED
    ).values_list("scheme__competition_id", flat=True):
        measured[competition_id] = measured.get(competition_id, 0) + 1
    reported: dict[tuple[int, int], int] = {}
    for unit_id, round_id in Figure.objects.filter(
        round_id__in=open_rounds.values(), indicator__method=Method.MEASURED, value__isnull=False
    ).values_list("unit_id", "round_id"):
        reported[(unit_id, round_id)] = reported.get((unit_id, round_id), 0) + 1
    short = {c for u, c in units if c in open_rounds and reported.get((u, open_rounds[c]), 0) < measured.get(c, 0)}
    return labour_competitions_for_user(scope).filter(pk__in=short)


def final_to_publish(request: Any) -> QuerySet[Competition]:
    """The committee's competitions in progress whose rounds have all closed (at least one): the final
    standing waits to be published, which finishes the competition."""
    scope = request.scope
    if not scope.has(MANAGE_COMPETITIONS):
        return Competition.objects.none()
    rounds = Round.objects.filter(competition=OuterRef("pk"))
    return once(request, "labour.competitions", lambda: labour_competitions_for_user(scope.probing())).filter(
        Exists(rounds.filter(state=RoundState.CLOSED)),
        ~Exists(rounds.filter(state=RoundState.OPEN)),
        ~Exists(FinalStanding.objects.filter(competition=OuterRef("pk"))),
        state=State.IN_PROGRESS,
        organiser_id__in=scope.roots(MANAGE_COMPETITIONS),
    )


TODOS = [
    Todo(
        key="labour_close",
        label=gettext_lazy("Labour competition rounds to check and close"),
        icon="flag",
        url_name="labour:list",
        query="todo=labour_close",
        rows=rounds_to_close,
    ),
    Todo(
        key="labour_figures",
        label=gettext_lazy("Figures your units have not reported"),
        icon="clipboard-data",
        url_name="labour:list",
        query="todo=labour_figures",
        rows=figures_missing,
    ),
    Todo(
        key="labour_final",
        label=gettext_lazy("Labour competitions whose final standing waits to be published"),
        icon="trophy",
        url_name="labour:list",
        query="todo=labour_final",
        rows=final_to_publish,
    ),
]
