import itertools
import statistics
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from gongjiang.competitions.scoring import (
    Scored,
    aspect_mark,
    aspect_mark_from_stats,
    award,
    judgement_mean,
    practical_score,
    rank,
    spread_too_wide,
    total_score,
    ws700,
)

marks = st.decimals(min_value=0, max_value=100, places=2)


def test_judgement_aspect_is_max_times_mean_over_three():
    # exact: 3 × (7/3) / 3 = 7/3, not 2.333… cut at some precision
    assert aspect_mark(kind="judgement", max_mark=Decimal("3.00"), values=[Decimal(2), Decimal(2), Decimal(3)]) == (
        Fraction(7, 3)
    )
    assert judgement_mean([0, 2, 3], trimmed=True) == Decimal(2)
    assert spread_too_wide([1, 3, 2]) is True
    assert spread_too_wide([1, 2, 2]) is False


@given(theory=marks, practical=marks, wt=st.integers(0, 100))
def test_totals_honour_the_weights(theory, practical, wt):
    total = total_score(theory=theory, practical=practical, theory_weight=wt, practical_weight=100 - wt)
    # exact, not rounded to 0.01 on the way (scores are rounded only when shown)
    assert total == Fraction(theory) * wt / 100 + Fraction(practical) * (100 - wt) / 100
    assert min(theory, practical) <= total <= max(theory, practical)


def test_practical_score_scales_to_100():
    assert practical_score([Decimal("12.5"), Decimal("7.5")], Decimal(40)) == Decimal("50.00")


scored = st.lists(
    st.builds(
        Scored,
        entry_id=st.integers(1, 10**6),
        total=st.decimals(min_value=0, max_value=100, places=1),
        practical=st.decimals(min_value=0, max_value=100, places=1),
        time_used=st.one_of(st.none(), st.integers(60, 600)),
    ),
    max_size=40,
    unique_by=lambda s: s.entry_id,
)


@given(scored, st.randoms())
def test_ranking_does_not_depend_on_input_order(items, rnd):
    shuffled = list(items)
    rnd.shuffle(shuffled)
    assert rank(items) == rank(shuffled)


@given(scored)
def test_ties_resolve_exactly_by_the_stored_rule(items):
    ranked = rank(items)
    for a, b in itertools.pairwise(ranked):
        key_a = (-a.total, -a.practical, a.time_used if a.time_used is not None else 10**9)
        key_b = (-b.total, -b.practical, b.time_used if b.time_used is not None else 10**9)
        assert key_a <= key_b
        assert (a.rank == b.rank) == (key_a == key_b)
        if a.rank != b.rank:
            assert b.rank == ranked.index(b) + 1


def test_a_tie_on_total_goes_to_the_better_practical_then_the_faster():
    ranked = rank(
        [
            Scored(1, Decimal(90), Decimal(80), 300),
            Scored(2, Decimal(90), Decimal(85), 400),
            Scored(3, Decimal(90), Decimal(85), 350),
            Scored(4, Decimal(90), Decimal(85), 350),
        ]
    )
    assert [(r.entry_id, r.rank) for r in ranked] == [(3, 1), (4, 1), (2, 3), (1, 4)]


def test_awards():
    assert [award(r, 10) for r in range(1, 8)] == ["gold", "silver", "bronze", "merit", "merit", "", ""]


@given(
    st.lists(st.decimals(min_value=0, max_value=100, places=2), min_size=1, max_size=51).filter(lambda v: len(v) % 2)
)
def test_ws700_puts_the_median_at_700(values):
    converted = ws700(values)
    assert abs(statistics.median(converted) - 700) <= Decimal("0.01")
    # monotonic: a better mark never converts lower
    pairs = sorted(zip(values, converted, strict=True))
    assert all(a[1] <= b[1] for a, b in itertools.pairwise(pairs))


@given(
    kind=st.sampled_from(["measurement", "judgement"]),
    scores=st.lists(st.integers(0, 3), min_size=1, max_size=7),
    trimmed=st.booleans(),
)
def test_aspect_mark_from_aggregates_equals_the_mark_from_every_value(kind, scores, trimmed):
    values = [Decimal(v) for v in scores]
    assert aspect_mark_from_stats(
        kind=kind,
        max_mark=Decimal(6),
        count=len(values),
        total=sum(values),
        low=min(values),
        high=max(values),
        trimmed=trimmed,
    ) == aspect_mark(kind=kind, max_mark=Decimal(6), values=values, trimmed=trimmed)


def test_award_rules_are_configurable():
    assert [award(r, 10, medals=1, merit_percent=30) for r in range(1, 6)] == ["gold", "merit", "merit", "", ""]
    assert [award(r, 4, medals=3, merit_percent=100) for r in range(1, 5)] == ["gold", "silver", "bronze", "merit"]
