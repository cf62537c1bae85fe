"""Scores and standings of a labour competition: pure functions, exact fractions, no ORM.

The rules, as the pages state them:

- Each indicator scores 0–100. Measured by **linear** formula: 100 × figure ÷ target, capped at 100
  (a lower-is-better indicator: 100 × target ÷ figure, capped; a figure of 0 scores 100). By **rank**:
  the units that reported are ranked on the figure; the best scores 100, the worst 0, evenly between;
  equal figures score alike; a unit alone scores 100. **Pass/fail**: the figure is the number of
  failures; 100 less the deduction for each, not below 0. **Judged**: the committee's score (0–100).
  A missing figure scores 0.
- A unit's round score is the weighted mean of its indicator scores.
- A **vetoed** unit (a safety accident, when the scheme vetoes) ranks after every unit that is not.
- **Ties** (equal exact scores) go to the higher score on the indicators in the scheme's order (the
  first indicator, then the next), then to the unit entered first (the lower unit id). Ranks are
  1, 2, 3, … with no two alike, so the red flags go to the first ``n`` unvetoed units.
- The **final standing** combines the closed rounds by the scheme's rule: the average of the round
  scores, their mean weighted by each round's weight, or their sum (a round the unit has no score in
  counts 0). A unit vetoed in any round is vetoed in the final standing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

MEASURED, JUDGED = "measured", "judged"
LINEAR, RANK, PASS_FAIL = "linear", "rank", "pass_fail"
AVERAGE, WEIGHTED, SUM = "average", "weighted", "sum"
HUNDRED = Fraction(100)


@dataclass(frozen=True)
class IndicatorRule:
    key: int
    weight: Fraction
    method: str = MEASURED
    formula: str = LINEAR
    target: Fraction | None = None
    higher_is_better: bool = True
    deduction: Fraction = Fraction(10)


@dataclass(frozen=True)
class UnitFigures:
    """A unit's figures in a round, by indicator key (None or absent: not reported)."""

    unit: int
    values: Mapping[int, Fraction | None]
    vetoed: bool = False


@dataclass(frozen=True)
class Placed:
    unit: int
    rank: int
    score: Fraction
    vetoed: bool
    indicator_scores: tuple[Fraction, ...] = ()


def _clamp(value: Fraction) -> Fraction:
    return max(Fraction(0), min(HUNDRED, value))


def linear(value: Fraction, target: Fraction | None, *, higher_is_better: bool = True) -> Fraction:
    if target is None or target <= 0:
        return Fraction(0)
    if higher_is_better:
        return _clamp(HUNDRED * value / target)
    if value <= 0:
        return HUNDRED
    return _clamp(HUNDRED * target / value)


def pass_fail(failures: Fraction, deduction: Fraction) -> Fraction:
    return _clamp(HUNDRED - deduction * max(failures, Fraction(0)))


def by_rank(values: Mapping[int, Fraction], *, higher_is_better: bool = True) -> dict[int, Fraction]:
    """Score per unit from its place among ``values``: best 100, worst 0; equal figures alike."""
    distinct = sorted(set(values.values()), reverse=higher_is_better)
    if len(distinct) <= 1:
        return dict.fromkeys(values, HUNDRED)
    # place = how many units are strictly better
    better = {v: sum(1 for w in values.values() if (w > v if higher_is_better else w < v)) for v in distinct}
    last = len(values) - 1
    return {unit: HUNDRED * (last - better[v]) / last for unit, v in values.items()}


def indicator_scores(
    indicators: Sequence[IndicatorRule], units: Sequence[UnitFigures]
) -> dict[int, tuple[Fraction, ...]]:
    """Each unit's score (0–100) on each indicator, in the scheme's order."""
    per_unit: dict[int, list[Fraction]] = {u.unit: [] for u in units}
    for ind in indicators:
        reported = {u.unit: v for u in units if (v := u.values.get(ind.key)) is not None}
        ranked = by_rank(reported, higher_is_better=ind.higher_is_better) if ind.formula == RANK else {}
        for u in units:
            value = reported.get(u.unit)
            if value is None:
                score = Fraction(0)
            elif ind.method == JUDGED:
                score = _clamp(value)
            elif ind.formula == RANK:
                score = ranked[u.unit]
            elif ind.formula == PASS_FAIL:
                score = pass_fail(value, ind.deduction)
            else:
                score = linear(value, ind.target, higher_is_better=ind.higher_is_better)
            per_unit[u.unit].append(score)
    return {unit: tuple(scores) for unit, scores in per_unit.items()}


def weighted_mean(scores: Sequence[Fraction], weights: Sequence[Fraction]) -> Fraction:
    total = sum(weights, Fraction(0))
    if total <= 0:
        return Fraction(0)
    return sum((s * w for s, w in zip(scores, weights, strict=True)), Fraction(0)) / total


def _place(rows: Sequence[tuple[int, Fraction, bool, tuple[Fraction, ...]]]) -> list[Placed]:
    """Rank (unit, score, vetoed, tie-breakers): unvetoed first, higher score, higher tie-breakers, lower id."""
    ordered = sorted(rows, key=lambda r: (r[2], -r[1], tuple(-t for t in r[3]), r[0]))
    return [Placed(unit, n, score, vetoed, ties) for n, (unit, score, vetoed, ties) in enumerate(ordered, start=1)]


def round_standings(indicators: Sequence[IndicatorRule], units: Sequence[UnitFigures]) -> list[Placed]:
    """The standings of one round (see the module's rules)."""
    if len({u.unit for u in units}) != len(units):
        raise ValueError("a unit appears twice")
    scores = indicator_scores(indicators, units)
    weights = [i.weight for i in indicators]
    return _place([(u.unit, weighted_mean(scores[u.unit], weights), u.vetoed, scores[u.unit]) for u in units])


@dataclass(frozen=True)
class RoundResult:
    weight: Fraction
    scores: Mapping[int, Fraction]  # unit -> round score
    vetoed: frozenset[int] = frozenset()


def combine(rule: str, parts: Sequence[tuple[Fraction, Fraction]]) -> Fraction:
    """Combine (round weight, round score) pairs by the rule."""
    if not parts:
        return Fraction(0)
    if rule == SUM:
        return sum((s for _w, s in parts), Fraction(0))
    if rule == WEIGHTED:
        return weighted_mean([s for _w, s in parts], [w for w, _s in parts])
    if rule == AVERAGE:
        return sum((s for _w, s in parts), Fraction(0)) / len(parts)
    raise ValueError(f"unknown rule {rule!r}")


def final_standings(rule: str, rounds: Sequence[RoundResult], units: Sequence[int]) -> list[Placed]:
    """The final standing of ``units`` over the closed ``rounds`` by ``rule`` (see the module)."""
    rows = []
    for unit in set(units):
        parts = [(r.weight, r.scores.get(unit, Fraction(0))) for r in rounds]
        vetoed = any(unit in r.vetoed for r in rounds)
        rows.append((unit, combine(rule, parts), vetoed, tuple(s for _w, s in parts)))
    return _place(rows)


def red_flags(placed: Sequence[Placed], count: int) -> set[int]:
    """The round's winners: the first ``count`` unvetoed units (none if every unit is vetoed)."""
    return {p.unit for p in placed if not p.vetoed and p.rank <= count}


def fraction(value: Decimal | int | None) -> Fraction | None:
    return None if value is None else Fraction(value)


def to_decimal(value: Fraction, places: int = 4) -> Decimal:
    """A fraction as a Decimal for storage (4 places) or display (2)."""
    exponent = Decimal(1).scaleb(-places)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(exponent, rounding=ROUND_HALF_UP)
