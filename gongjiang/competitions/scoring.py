"""Marks to results: pure functions, no database, so they can be proven with hypothesis.

- An aspect's mark: a measurement aspect takes the judges' mean awarded mark (usually a
  single agreed mark); a judgement aspect is ``max × mean score ÷ 3`` (scores 0–3), and
  with ``trimmed`` and at least three judges the highest and lowest score are dropped
  first (去掉最高最低分).
- The practical score is the aspects' sum scaled to 100; the total weighs theory and
  practical by the event's percentages.
- Every score is exact (a ``Fraction``) from the marks to the ranking: nothing is rounded on the
  way, so ties are decided on exact values. :func:`q2` rounds for display and the printed sheet
  only; result rows store :data:`STORED_PLACES` decimals beside the rank decided exactly.
- Ranking: by total, ties broken by the practical score, then by the shorter time used;
  competitors equal on all three share a rank (the rule is TIE_BREAK, shown beside results).
- Awards: medals for the top ranks, 优胜奖 for at most ⌊n × share⌋ of the field (:func:`award`).
- The WorldSkills scale maps the median to 700, one standard deviation to 20 points.
"""

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

HUNDRED = Fraction(100)
TIE_BREAK = ("total", "practical", "time_used")
JUDGEMENT_JUDGES = 3  # a judgement aspect is scored by three judges independently (DOMAIN.md)
STORED_PLACES = 6  # decimals a result row keeps of the exact scores (the rank is decided exactly)

Number = Decimal | Fraction | int


def rounded(value: Number, places: int = 2) -> Decimal:
    """``value`` rounded half up to ``places`` decimals, exactly (no float, no context precision)."""
    scale = 10**places
    exact = Fraction(value) * scale
    units = math.floor(exact + Fraction(1, 2)) if exact >= 0 else -math.floor(-exact + Fraction(1, 2))
    return Decimal(units).scaleb(-places)


def q2(value: Number) -> Decimal:
    """The score as displayed and printed: two decimals, half up."""
    return rounded(value, 2)


def judgement_mean(scores: Sequence[int], *, trimmed: bool) -> Fraction:
    values = sorted(scores)
    if trimmed and len(values) >= 3:
        values = values[1:-1]
    return Fraction(sum(values), len(values))


def aspect_mark(*, kind: str, max_mark: Number, values: Sequence[Number], trimmed: bool = False) -> Fraction:
    """The mark one competitor earns on one aspect from the judges' values, exact."""
    if not values:
        return Fraction(0)
    if kind == "judgement":
        return Fraction(max_mark) * judgement_mean([int(v) for v in values], trimmed=trimmed) / 3
    return sum((Fraction(v) for v in values), Fraction(0)) / len(values)


def aspect_mark_from_stats(
    *, kind: str, max_mark: Number, count: int, total: Number, low: Number, high: Number, trimmed: bool = False
) -> Fraction:
    """:func:`aspect_mark` from the database's count, sum, min and max of the judges' values, so
    a whole event is scored from one aggregate query (the trimmed mean drops one min and one max)."""
    if count == 0:
        return Fraction(0)
    exact_total = Fraction(total)
    if kind != "judgement":
        return exact_total / count
    if trimmed and count >= 3:
        exact_total, count = exact_total - Fraction(low) - Fraction(high), count - 2
    return Fraction(max_mark) * (exact_total / count) / 3


@dataclass(frozen=True)
class AspectStats:
    """One competitor's marks on one aspect as the database sums them, in whole cents."""

    kind: str
    max_cents: int
    count: int
    total_cents: int
    low_cents: int
    high_cents: int


def practical_from_stats(stats: Iterable[AspectStats], scheme_max: Number, *, trimmed: bool = False) -> Fraction:
    """:func:`practical_score` of the :func:`aspect_mark_from_stats` marks, exactly, in integers.

    Every aspect mark is a whole multiple of 1 / (30000 × count): a measurement's is
    ``total_cents × 300 / (30000 × count)``, a judgement's ``max_cents × total_cents / (30000 × count)``.
    Summed over a common denominator (the lcm of the judge counts), a competitor costs one
    Fraction instead of several per aspect, so a 10,000-entry event still ranks in about a second.
    """
    terms: list[tuple[int, int]] = []
    for s in stats:
        count, total = s.count, s.total_cents
        if s.kind == "judgement":
            if trimmed and count >= 3:
                total, count = total - s.low_cents - s.high_cents, count - 2
            numerator = s.max_cents * total
        else:
            numerator = total * 300
        if count:
            terms.append((numerator, count))
    if not terms or scheme_max <= 0:
        return Fraction(0)
    common = math.lcm(*(count for _n, count in terms))
    scaled = sum(numerator * (common // count) for numerator, count in terms)
    max_n, max_d = _ratio(scheme_max)
    return Fraction(scaled * 100 * max_d, 30000 * common * max_n)


def spread_too_wide(scores: Sequence[int]) -> bool:
    """Judgement scores more than one point apart must be marked again."""
    return len(scores) > 1 and max(scores) - min(scores) > 1


def practical_score(marks: Iterable[Number], scheme_max: Number) -> Fraction:
    """The aspects' marks scaled to 100, exact."""
    if scheme_max <= 0:
        return Fraction(0)
    return sum((Fraction(m) for m in marks), Fraction(0)) * HUNDRED / Fraction(scheme_max)


def _ratio(value: Number) -> tuple[int, int]:
    """``value`` as an exact (numerator, denominator) pair, without building a Fraction."""
    if isinstance(value, Fraction):
        return value.numerator, value.denominator
    return value.as_integer_ratio()


def total_score(*, theory: Number | None, practical: Number, theory_weight: int, practical_weight: int) -> Fraction:
    """Theory and practical weighed by the event's percentages, exact (one Fraction per competitor)."""
    theory_n, theory_d = _ratio(theory or 0)
    practical_n, practical_d = _ratio(practical)
    return Fraction(
        theory_n * theory_weight * practical_d + practical_n * practical_weight * theory_d,
        theory_d * practical_d * 100,
    )


@dataclass(frozen=True)
class Scored:
    entry_id: int
    total: Number
    practical: Number
    time_used: int | None  # seconds; unknown sorts last


@dataclass(frozen=True)
class Ranked:
    entry_id: int
    rank: int
    total: Number
    practical: Number
    time_used: int | None


def _exact(value: Number) -> Fraction:
    return value if isinstance(value, Fraction) else Fraction(value)


def _keys(scored: list[Scored]) -> list[tuple[int, int, float]]:
    """The TIE_BREAK sort key of each competitor, with the exact scores as whole multiples of one
    common denominator: integers compare and sort many times faster than Fractions, and two keys
    are equal exactly when the scores are."""
    exact = [(_exact(s.total), _exact(s.practical)) for s in scored]
    common = math.lcm(*(f.denominator for pair in exact for f in pair)) if exact else 1
    return [
        (
            -(total.numerator * (common // total.denominator)),
            -(practical.numerator * (common // practical.denominator)),
            s.time_used if s.time_used is not None else math.inf,
        )
        for s, (total, practical) in zip(scored, exact, strict=True)
    ]


def rank(scored: Iterable[Scored]) -> list[Ranked]:
    """Competition ranking (1, 2, 2, 4) on the exact scores: the order does not depend on the input order."""
    items = list(scored)
    keyed = sorted(zip(_keys(items), items, strict=True), key=lambda pair: (pair[0], pair[1].entry_id))
    result: list[Ranked] = []
    for position, (key, s) in enumerate(keyed, start=1):
        same = result and keyed[position - 2][0] == key
        rank_no = result[-1].rank if same else position
        result.append(Ranked(s.entry_id, rank_no, s.total, s.practical, s.time_used))
    return result


MEDALS = ("gold", "silver", "bronze")


def merit_limit(field_size: int, merit_percent: int) -> int:
    """How many of the field may hold 优胜奖 or better: ⌊n × share⌋ ("the top half" of 7 is 3)."""
    return field_size * merit_percent // 100


def award(rank_no: int, field_size: int, *, medals: int = 3, merit_percent: int = 50, tied: int = 1) -> str:
    """By default gold, silver, bronze for ranks 1–3 and 优胜奖 ("merit") for the rest of the top
    half; a competition may award fewer medals and a larger or smaller merit share.

    The top share is a ceiling: at most :func:`merit_limit` competitors, so ``tied`` competitors
    sharing ``rank_no`` get 优胜奖 only if all of them fit inside it."""
    if rank_no <= min(medals, len(MEDALS)):
        return MEDALS[rank_no - 1]
    if rank_no + tied - 1 <= merit_limit(field_size, merit_percent):
        return "merit"
    return ""


def awards(ranked: Sequence[Ranked], *, medals: int = 3, merit_percent: int = 50) -> list[str]:
    """:func:`award` for every ranked competitor, counting those tied at each rank."""
    tied: dict[int, int] = {}
    for r in ranked:
        tied[r.rank] = tied.get(r.rank, 0) + 1
    n = len(ranked)
    return [award(r.rank, n, medals=medals, merit_percent=merit_percent, tied=tied[r.rank]) for r in ranked]


def ws700(values: Sequence[Number]) -> list[Decimal]:
    """The WorldSkills scale: median → 700, one population standard deviation → 20 points."""
    if not values:
        return []
    floats = [float(v) for v in values]
    median = statistics.median(floats)
    spread = statistics.pstdev(floats)
    if spread == 0:
        return [Decimal(700) for _ in values]
    return [q2(Decimal(700 + (v - median) / spread * 20)) for v in floats]
