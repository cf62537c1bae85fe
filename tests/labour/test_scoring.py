"""The pure scoring of labour competitions: examples, then properties (hypothesis)."""

from fractions import Fraction as F

from hypothesis import given
from hypothesis import strategies as st

from gongjiang.labour import scoring as s


def test_linear_is_capped_and_lower_is_better_inverts():
    assert s.linear(F(50), F(100)) == 50
    assert s.linear(F(130), F(100)) == 100
    assert s.linear(F(200), F(100), higher_is_better=False) == 50
    assert s.linear(F(0), F(100), higher_is_better=False) == 100
    assert s.linear(F(5), None) == 0


def test_rank_scores_best_100_worst_0_equal_alike():
    assert s.by_rank({1: F(3), 2: F(1), 3: F(3), 4: F(2)}) == {1: 100, 2: 0, 3: 100, 4: F(100, 3)}
    assert s.by_rank({1: F(7)}) == {1: 100}
    assert s.by_rank({1: F(1), 2: F(2)}, higher_is_better=False) == {1: 100, 2: 0}


def test_pass_fail_deducts_per_failure_not_below_zero():
    assert s.pass_fail(F(0), F(20)) == 100
    assert s.pass_fail(F(2), F(20)) == 60
    assert s.pass_fail(F(9), F(20)) == 0


INDICATORS = [
    s.IndicatorRule(1, F(30), s.MEASURED, s.LINEAR, F(100)),
    s.IndicatorRule(2, F(25), s.JUDGED, ""),
    s.IndicatorRule(3, F(25), s.MEASURED, s.PASS_FAIL, deduction=F(20)),
    s.IndicatorRule(4, F(20), s.MEASURED, s.RANK),
]


def test_a_round_weighted_mean_veto_last_and_red_flags():
    units = [
        s.UnitFigures(10, {1: F(100), 2: F(90), 3: F(0), 4: F(3)}),  # 30+22.5+25+20 = 97.5
        s.UnitFigures(11, {1: F(80), 2: F(95), 3: F(1), 4: F(1)}),  # 24+23.75+20+0 = 67.75
        s.UnitFigures(12, {1: F(100), 2: F(100), 3: F(0), 4: F(2)}, vetoed=True),  # 30+25+25+10 = 90, vetoed
    ]
    placed = s.round_standings(INDICATORS, units)
    assert [(p.unit, p.rank, p.score, p.vetoed) for p in placed] == [
        (10, 1, F(195, 2), False),
        (11, 2, F(271, 4), False),
        (12, 3, F(90), True),
    ]
    assert s.red_flags(placed, 1) == {10}
    assert s.red_flags(placed, 5) == {10, 11}  # a vetoed unit never carries the flag


def test_a_missing_figure_scores_zero():
    [placed] = s.round_standings(INDICATORS, [s.UnitFigures(1, {1: F(100)})])
    # progress 100 × 30 and innovation scored only among units that reported (none): 0
    assert placed.score == F(30 * 100, 100)


def test_ties_go_to_the_first_indicator_then_the_lower_unit():
    rules = [s.IndicatorRule(1, F(1), s.JUDGED, ""), s.IndicatorRule(2, F(1), s.JUDGED, "")]
    placed = s.round_standings(
        rules,
        [
            s.UnitFigures(7, {1: F(60), 2: F(80)}),
            s.UnitFigures(5, {1: F(80), 2: F(60)}),
            s.UnitFigures(3, {1: F(60), 2: F(80)}),
        ],
    )
    assert [p.unit for p in placed] == [5, 3, 7]


def test_final_rules():
    rounds = [
        s.RoundResult(F(1), {1: F(90), 2: F(80)}),
        s.RoundResult(F(3), {1: F(70), 2: F(80)}, vetoed=frozenset()),
    ]
    by = {
        rule: {p.unit: p.score for p in s.final_standings(rule, rounds, [1, 2])}
        for rule in (s.AVERAGE, s.WEIGHTED, s.SUM)
    }
    assert by[s.AVERAGE] == {1: F(80), 2: F(80)}
    assert by[s.WEIGHTED] == {1: F(75), 2: F(80)}
    assert by[s.SUM] == {1: F(160), 2: F(160)}


# --- properties ---------------------------------------------------------------------------------

scores = st.fractions(min_value=0, max_value=200, max_denominator=8)
unit_rows = st.lists(
    st.tuples(
        st.dictionaries(st.sampled_from([1, 2, 3, 4]), st.one_of(st.none(), scores), max_size=4),
        st.booleans(),
    ),
    min_size=1,
    max_size=8,
)


def _units(rows):
    return [s.UnitFigures(100 + n, values, vetoed) for n, (values, vetoed) in enumerate(rows)]


@given(unit_rows, st.randoms(use_true_random=False))
def test_standings_do_not_depend_on_input_order(rows, rnd):
    units = _units(rows)
    shuffled = list(units)
    rnd.shuffle(shuffled)
    assert s.round_standings(INDICATORS, units) == s.round_standings(INDICATORS, shuffled)


@given(unit_rows)
def test_a_veto_always_ranks_last(rows):
    placed = s.round_standings(INDICATORS, _units(rows))
    vetoed = [p.rank for p in placed if p.vetoed]
    clean = [p.rank for p in placed if not p.vetoed]
    assert not vetoed or not clean or min(vetoed) > max(clean)
    assert sorted(p.rank for p in placed) == list(range(1, len(placed) + 1))
    for p in placed:
        assert 0 <= p.score <= 100


@given(unit_rows)
def test_higher_score_ranks_higher_among_the_unvetoed(rows):
    placed = [p for p in s.round_standings(INDICATORS, _units(rows)) if not p.vetoed]
    assert [p.score for p in placed] == sorted((p.score for p in placed), reverse=True)


round_lists = st.lists(
    st.tuples(
        st.fractions(min_value=F(1, 4), max_value=4, max_denominator=4),
        st.dictionaries(st.sampled_from([1, 2, 3]), st.fractions(min_value=0, max_value=100, max_denominator=4)),
        st.frozensets(st.sampled_from([1, 2, 3])),
    ),
    min_size=1,
    max_size=5,
)


@given(round_lists, st.sampled_from([s.AVERAGE, s.WEIGHTED, s.SUM]))
def test_combining_rounds_follows_the_stated_rule(raw, rule):
    rounds = [s.RoundResult(w, scores, vetoed) for w, scores, vetoed in raw]
    placed = {p.unit: p for p in s.final_standings(rule, rounds, [1, 2, 3])}
    for unit in (1, 2, 3):
        got = [r.scores.get(unit, F(0)) for r in rounds]
        weights = [r.weight for r in rounds]
        expected = {
            s.AVERAGE: sum(got) / len(got),
            s.SUM: sum(got),
            s.WEIGHTED: sum(g * w for g, w in zip(got, weights, strict=True)) / sum(weights),
        }[rule]
        assert placed[unit].score == expected
        assert placed[unit].vetoed == any(unit in r.vetoed for r in rounds)
    ranks = sorted(placed.values(), key=lambda p: p.rank)
    assert [p.vetoed for p in ranks] == sorted(p.vetoed for p in ranks)  # the vetoed come last


@given(round_lists, st.randoms(use_true_random=False))
def test_final_standing_does_not_depend_on_unit_order(raw, rnd):
    rounds = [s.RoundResult(w, scores, vetoed) for w, scores, vetoed in raw]
    units = [1, 2, 3]
    rnd.shuffle(units)
    assert s.final_standings(s.AVERAGE, rounds, units) == s.final_standings(s.AVERAGE, rounds, [1, 2, 3])
