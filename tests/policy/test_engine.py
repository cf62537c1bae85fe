"""The decision engine: pure, so its promises are checked over generated facts and rules."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongjiang.competitions.enums import Tier
from gongjiang.policy import engine
from gongjiang.policy.engine import ResultFacts, RuleView, TermsError, parse_terms

DAY = dt.date(2025, 6, 1)


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


def rule(id_, kind, terms, *, code=None, version=1, start=dt.date(2020, 1, 1), end=None):
    return RuleView(
        id=id_,
        code=code or f"r{id_}",
        version=version,
        kind=kind,
        name=f"rule {id_}",
        doc_no=f"DOC-{id_}",
        clause=f"第{id_}条",
        effective_from=start,
        effective_to=end,
        terms=parse_terms(kind, terms),
    )


def facts(
    result_id=1, worker_id=1, tier="national_1", rank=1, field=20, held=None, on=DAY, student=False, region="230102"
):
    return ResultFacts(
        result_id=result_id,
        worker_id=worker_id,
        tier=tier,
        rank=rank,
        field_size=field,
        occupation_id=7,
        on=on,
        is_student=student,
        region_code=region,
        held_grade=held,
    )


REWARD = {
    "tier": "national_1",
    "ranks": {"1": "100000", "2": "100000", "3": "100000"},
    "workers_only": True,
    "in_province": "23",
}
MERIT = {"tier": "national_1", "top_percent": 50, "grade": 5, "step_if_held": True, "cap": 6}


def test_top_three_worker_in_the_province_gets_a_reward_citing_its_rule():
    out = engine.decide([facts(rank=2)], [rule(1, "reward", REWARD)])
    [reward] = [p for p in out.proposals if p.kind == "reward"]
    assert reward.amount == Decimal("100000.00") and reward.ceiling
    assert reward.rule_id == 1
    text = engine.explain(reward.reason_code, reward.params)
    assert "DOC-1" in text and "第1条" in text and "100,000.00" in text


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"rank": 4}, "rank"),
        ({"student": True}, "students"),
        ({"region": "110101"}, "outside"),
        ({"tier": "city"}, "tier"),
    ],
)
def test_no_reward_outside_the_rule(change, why):
    assert not [
        p for p in engine.decide([facts(**change)], [rule(1, "reward", REWARD)]).proposals if p.kind == "reward"
    ]


def test_promotion_one_grade_up_if_held_and_capped():
    rules = [rule(2, "promotion", MERIT)]
    [p] = engine.decide([facts(rank=10, field=20)], rules).proposals
    assert (p.kind, p.grade, p.reason_code) == ("promotion", 5, "promotion")
    [p] = engine.decide([facts(rank=10, field=20, held=5)], rules).proposals
    assert (p.grade, p.reason_code) == (6, "promotion_step")
    out = engine.decide([facts(rank=10, field=20, held=6)], rules)
    assert out.proposals == [] and out.held_back[0][1] == "promotion_at_cap"
    assert engine.decide([facts(rank=11, field=20)], rules).proposals == []  # outside the top half


def test_rule_versions_apply_by_day():
    old = rule(1, "reward", REWARD, code="x", version=1, end=dt.date(2025, 12, 31))
    new = rule(2, "reward", REWARD | {"ranks": {"1": "150000"}}, code="x", version=2, start=dt.date(2026, 1, 1))
    [p] = engine.decide([facts(on=dt.date(2025, 12, 31))], [old, new]).proposals
    assert (p.rule_id, p.amount) == (1, Decimal("100000.00"))
    [p] = engine.decide([facts(on=dt.date(2026, 1, 1))], [old, new]).proposals
    assert (p.rule_id, p.amount) == (2, Decimal("150000.00"))


def test_two_qualifying_results_in_a_year_give_one_promotion_the_higher():
    rules = [rule(2, "promotion", MERIT), rule(3, "promotion", {"tier": "city", "rank_max": 10, "grade": 4, "cap": 6})]
    out = engine.decide([facts(1, tier="city", rank=1), facts(2, rank=1)], rules)
    assert [(p.result_id, p.grade) for p in out.proposals] == [(2, 5)]
    assert [(r, code) for r, code, _ in out.held_back] == [(1, "promotion_once_a_year")]
    # and nothing at all when the year already has one
    assert engine.decide([facts(2, rank=1)], rules, promoted={(1, 2025)}).proposals == []


@pytest.mark.parametrize(
    ("kind", "terms", "message"),
    [
        ("reward", {"tier": "nope", "ranks": {"1": "1"}}, "tier"),
        ("reward", {"tier": "city", "ranks": {"1": "-5"}}, "above zero"),
        ("reward", {"tier": "city", "ranks": {"x": "5"}}, "rank"),
        ("promotion", {"tier": "city", "grade": 5}, "rank_max"),
        ("promotion", {"tier": "city", "rank_max": 3, "grade": 6, "cap": 5}, "cap"),
        ("honour", {"quota": 0, "amount": "1", "title": "t", "honour_kind": "craftsman", "level": 3}, "quota"),
        ("subsidy", {"amount": "5"}, "subject"),
    ],
)
def test_terms_are_checked_with_a_reason(kind, terms, message):
    with pytest.raises(TermsError, match=message):
        parse_terms(kind, terms)


# ---- properties

tiers = st.sampled_from(Tier.values)
amounts = st.decimals(min_value=1, max_value=1_000_000, places=2)


@st.composite
def rule_sets(draw):
    rules = []
    for i in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["reward", "promotion", "title"]))
        tier = draw(tiers)
        if kind == "reward":
            ranks = {str(r): str(draw(amounts)) for r in range(1, draw(st.integers(1, 5)) + 1)}
            terms = {"tier": tier, "ranks": ranks, "workers_only": draw(st.booleans())}
        elif kind == "promotion":
            grade = draw(st.integers(1, 8))
            terms = {
                "tier": tier,
                "rank_max": draw(st.one_of(st.none(), st.integers(1, 30))),
                "top_percent": draw(st.integers(1, 100)),
                "grade": grade,
                "cap": draw(st.integers(grade, 8)),
                "step_if_held": draw(st.booleans()),
            }
        else:
            terms = {
                "tier": tier,
                "rank_max": draw(st.integers(1, 10)),
                "title": "能手",
                "honour_kind": "technical_expert",
                "level": 3,
            }
        start = draw(st.dates(dt.date(2020, 1, 1), dt.date(2026, 12, 31)))
        rules.append(rule(i + 1, kind, terms, start=start))
    return rules


@st.composite
def fact_sets(draw):
    out = []
    for i in range(draw(st.integers(0, 12))):
        field = draw(st.integers(1, 60))
        out.append(
            facts(
                result_id=i + 1,
                worker_id=draw(st.integers(1, 4)),
                tier=draw(tiers),
                rank=draw(st.integers(1, field)),
                field=field,
                held=draw(st.one_of(st.none(), st.integers(1, 8))),
                on=draw(st.dates(dt.date(2020, 1, 1), dt.date(2027, 12, 31))),
                student=draw(st.booleans()),
            )
        )
    return out


@settings(max_examples=300, deadline=None)
@given(rule_sets(), fact_sets(), st.sets(st.tuples(st.integers(1, 4), st.integers(2020, 2027)), max_size=4))
def test_every_decision_cites_a_rule_in_force_of_its_kind(rules, results, promoted):
    by_id = {r.id: r for r in rules}
    by_result = {f.result_id: f for f in results}
    for p in engine.decide(results, rules, promoted).proposals:
        cited = by_id[p.rule_id]
        assert cited.kind == p.kind
        assert cited.in_force(by_result[p.result_id].on)
        assert (p.params["doc_no"], p.params["clause"], p.params["version"]) == (
            cited.doc_no,
            cited.clause,
            cited.version,
        )
        assert engine.explain(p.reason_code, p.params)


@settings(max_examples=300, deadline=None)
@given(rule_sets(), fact_sets())
def test_reward_amounts_never_exceed_the_rule(rules, results):
    by_id = {r.id: r for r in rules}
    by_result = {f.result_id: f for f in results}
    for p in engine.decide(results, rules).proposals:
        if p.kind == "reward":
            assert p.amount == Decimal(by_id[p.rule_id].terms["ranks"][str(by_result[p.result_id].rank)])


@settings(max_examples=300, deadline=None)
@given(amounts, amounts)
def test_an_adjusted_amount_never_exceeds_the_ceiling(amount, ceiling):
    try:
        granted = engine.check_adjustment(amount, ceiling)
    except ValueError:
        assert amount > ceiling
    else:
        assert Decimal(0) < granted <= ceiling


@settings(max_examples=300, deadline=None)
@given(rule_sets(), fact_sets(), st.sets(st.tuples(st.integers(1, 4), st.integers(2020, 2027)), max_size=4))
def test_no_worker_gets_two_competition_promotions_in_a_year(rules, results, promoted):
    by_result = {f.result_id: f for f in results}
    seen = set(promoted)
    for p in engine.decide(results, rules, promoted).proposals:
        if p.kind == "promotion":
            f = by_result[p.result_id]
            key = (f.worker_id, f.on.year)
            assert key not in seen
            seen.add(key)
            assert f.held_grade is None or p.grade > f.held_grade
