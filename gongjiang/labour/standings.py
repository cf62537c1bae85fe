"""From the database to labour.scoring and back: the facts of a round, its standings, the final table."""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .enums import RoundState
from .models import Figure, FinalStanding, Indicator, Round, Scheme, Standing, Unit
from .scoring import (
    IndicatorRule,
    Placed,
    RoundResult,
    UnitFigures,
    final_standings,
    fraction,
    red_flags,
    round_standings,
)


def scheme_of(competition_id: int) -> Scheme:
    """The competition's scheme, or (unsaved) the default one until the committee saves its own: a read
    writes nothing."""
    return Scheme.objects.filter(competition_id=competition_id).first() or Scheme(competition_id=competition_id)


def scheme_for_change(competition_id: int) -> Scheme:
    scheme, _created = Scheme.objects.get_or_create(competition_id=competition_id)
    return scheme


def indicators_of(competition_id: int) -> list[Indicator]:
    return list(Indicator.objects.filter(scheme__competition_id=competition_id).order_by("position", "pk"))


def rules(indicators: list[Indicator]) -> list[IndicatorRule]:
    return [
        IndicatorRule(
            key=i.pk,
            weight=Fraction(i.weight),
            method=i.method,
            formula=i.formula,
            target=fraction(i.target),
            higher_is_better=i.higher_is_better,
            deduction=Fraction(i.deduction),
        )
        for i in indicators
    ]


@dataclass
class RoundTable:
    """A round's standings with its units, for pages and exports."""

    round: Round
    indicators: list[Indicator]
    rows: list[tuple[Placed, Unit, bool]]  # (placed, unit, red flag)


def compute(round_: Round, *, indicators: list[Indicator] | None = None) -> RoundTable:
    """The standings of a round from its figures and vetoes now (the committee's preview, and close);
    ``indicators``: the competition's, when the caller has just read them (``indicators_of``)."""
    scheme = scheme_of(round_.competition_id)
    indicators = indicators_of(round_.competition_id) if indicators is None else indicators
    units = {u.pk: u for u in Unit.objects.filter(competition_id=round_.competition_id).select_related("employer")}
    values: dict[int, dict[int, Fraction | None]] = {pk: {} for pk in units}
    for unit_id, indicator_id, value in Figure.objects.filter(round=round_).values_list(
        "unit_id", "indicator_id", "value"
    ):
        if unit_id in values:
            values[unit_id][indicator_id] = fraction(value)
    vetoed = set(round_.vetoes.values_list("unit_id", flat=True)) if scheme.safety_veto else set()
    placed = round_standings(rules(indicators), [UnitFigures(pk, values[pk], pk in vetoed) for pk in sorted(units)])
    flags = red_flags(placed, scheme.red_flags)
    return RoundTable(round_, indicators, [(p, units[p.unit], p.unit in flags) for p in placed])


def published(round_: Round) -> list[Standing]:
    return list(round_.standings.select_related("unit__employer").order_by("rank"))


@dataclass
class FinalRow:
    placed: Placed
    unit: Unit
    round_scores: list[Decimal | None]


def closed_rounds(competition_id: int) -> list[Round]:
    return list(Round.objects.filter(competition_id=competition_id, state=RoundState.CLOSED).order_by("number"))


def _round_standings(closed: list[Round]) -> dict[int, dict[int, Standing]]:
    by_round: dict[int, dict[int, Standing]] = {r.pk: {} for r in closed}
    for s in Standing.objects.filter(round__in=closed):
        by_round[s.round_id][s.unit_id] = s
    return by_round


def combined(
    competition_id: int, closed: list[Round], *, scheme: Scheme | None = None, units: list[int] | None = None
) -> list[Placed]:
    """Every unit of the competition placed over the ``closed`` rounds by the scheme's rule (labour.scoring),
    from the rounds' published standings: a unit vetoed in any round is vetoed, and ranks last.
    ``scheme`` and ``units`` (every unit's id): the competition's, when the caller has just read them."""
    if not closed:
        return []
    scheme = scheme_of(competition_id) if scheme is None else scheme
    by_round = _round_standings(closed)
    results = [
        RoundResult(
            weight=Fraction(r.weight),
            scores={u: Fraction(s.score) for u, s in by_round[r.pk].items()},
            vetoed=frozenset(u for u, s in by_round[r.pk].items() if s.vetoed),
        )
        for r in closed
    ]
    if units is None:
        units = list(Unit.objects.filter(competition_id=competition_id).values_list("pk", flat=True))
    return final_standings(scheme.combine, results, units)


def published_final(competition_id: int) -> list[Placed]:
    """The final standing as the committee published it (empty before): stored, never recomputed."""
    return [
        Placed(unit=f.unit_id, rank=f.rank, score=Fraction(f.score), vetoed=f.vetoed)
        for f in FinalStanding.objects.filter(competition_id=competition_id).order_by("rank")
    ]


def final_table(competition_id: int, units: list[Unit]) -> tuple[list[Round], list[FinalRow], bool]:
    """The final standing with each unit's round scores, and whether it is the published one. Once the
    committee has published it, the stored rows; before, the provisional standing over the rounds closed
    so far. ``units``: those the reader may see (ranks are over every unit; the reader's rows are kept)."""
    closed = closed_rounds(competition_id)
    by_round = _round_standings(closed)
    placed = published_final(competition_id)
    published = bool(placed)
    if not published:
        placed = combined(competition_id, closed)
    shown = {u.pk: u for u in units}
    rows = [
        FinalRow(p, shown[p.unit], [by_round[r.pk][p.unit].score if p.unit in by_round[r.pk] else None for r in closed])
        for p in placed
        if p.unit in shown
    ]
    return closed, rows, published
