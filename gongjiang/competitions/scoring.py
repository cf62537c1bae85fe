"""Marks to results: pure functions, no database, so they can be proven with hypothesis.

- An aspect's mark: a measurement aspect takes the judges' mean awarded mark (usually a
  single agreed mark); a judgement aspect is ``max × mean score ÷ 3`` (scores 0–3), and
  with ``trimmed`` and at least three judges the highest and lowest score are dropped
  first (去掉最高最低分).
- The practical score is the aspects' sum scaled to 100; the total weighs theory and
  practical by the event's percentages.
- Ranking: by total, ties broken by the practical score, then by the shorter time used;
  competitors equal on all three share a rank (the rule is TIE_BREAK, shown beside results).
- The WorldSkills scale maps the median to 700, one standard deviation to 20 points.
"""

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

TWO = Decimal("0.01")
HUNDRED = Decimal(100)
TIE_BREAK = ("total", "practical", "time_used")


def q2(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


def judgement_mean(scores: Sequence[int], *, trimmed: bool) -> Decimal:
    values = sorted(scores)
    if trimmed and len(values) >= 3:
        values = values[1:-1]
    return Decimal(sum(values)) / Decimal(len(values))


def aspect_mark(*, kind: str, max_mark: Decimal, values: Sequence[Decimal], trimmed: bool = False) -> Decimal:
    """The mark one competitor earns on one aspect from the judges' values (not yet rounded)."""
    if not values:
        return Decimal(0)
    if kind == "judgement":
        return max_mark * judgement_mean([int(v) for v in values], trimmed=trimmed) / Decimal(3)
    return sum(values, Decimal(0)) / Decimal(len(values))


def aspect_mark_from_stats(
    *, kind: str, max_mark: Decimal, count: int, total: Decimal, low: Decimal, high: Decimal, trimmed: bool = False
) -> Decimal:
    """:func:`aspect_mark` from the database's count, sum, min and max of the judges' values, so
    a whole event is scored from one aggregate query (the trimmed mean drops one min and one max)."""
    if count == 0:
        return Decimal(0)
    if kind != "judgement":
        return total / Decimal(count)
    if trimmed and count >= 3:
        total, count = total - low - high, count - 2
    return max_mark * (total / Decimal(count)) / Decimal(3)


def spread_too_wide(scores: Sequence[int]) -> bool:
    """Judgement scores more than one point apart must be marked again."""
    return len(scores) > 1 and max(scores) - min(scores) > 1


def practical_score(marks: Iterable[Decimal], scheme_max: Decimal) -> Decimal:
    if scheme_max <= 0:
        return Decimal(0)
    return q2(sum(marks, Decimal(0)) * HUNDRED / scheme_max)


def total_score(*, theory: Decimal | None, practical: Decimal, theory_weight: int, practical_weight: int) -> Decimal:
    theory_part = (theory or Decimal(0)) * theory_weight / HUNDRED
    return q2(theory_part + practical * practical_weight / HUNDRED)


@dataclass(frozen=True)
class Scored:
    entry_id: int
    total: Decimal
    practical: Decimal
    time_used: int | None  # seconds; unknown sorts last


@dataclass(frozen=True)
class Ranked:
    entry_id: int
    rank: int
    total: Decimal
    practical: Decimal
    time_used: int | None


def _key(s: Scored) -> tuple:
    return (-s.total, -s.practical, s.time_used if s.time_used is not None else math.inf)


def rank(scored: Iterable[Scored]) -> list[Ranked]:
    """Competition ranking (1, 2, 2, 4): the order does not depend on the input order."""
    ordered = sorted(scored, key=lambda s: (_key(s), s.entry_id))
    result: list[Ranked] = []
    for position, s in enumerate(ordered, start=1):
        same = result and _key(ordered[position - 2]) == _key(s)
        rank_no = result[-1].rank if same else position
        result.append(Ranked(s.entry_id, rank_no, s.total, s.practical, s.time_used))
    return result


MEDALS = ("gold", "silver", "bronze")


def award(rank_no: int, field_size: int, *, medals: int = 3, merit_percent: int = 50) -> str:
    """By default gold, silver, bronze for ranks 1–3 and 优胜奖 ("merit") for the rest of the top
    half; a competition may award fewer medals and a larger or smaller merit share."""
    if rank_no <= min(medals, len(MEDALS)):
        return MEDALS[rank_no - 1]
    if rank_no <= math.ceil(field_size * merit_percent / 100):
        return "merit"
    return ""


def ws700(values: Sequence[Decimal]) -> list[Decimal]:
    """The WorldSkills scale: median → 700, one population standard deviation → 20 points."""
    if not values:
        return []
    floats = [float(v) for v in values]
    median = statistics.median(floats)
    spread = statistics.pstdev(floats)
    if spread == 0:
        return [Decimal(700) for _ in values]
    return [q2(Decimal(700 + (v - median) / spread * 20)) for v in floats]
