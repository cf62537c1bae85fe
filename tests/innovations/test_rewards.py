"""Rewards for recognised innovations: the engine decides (pure), the ledger records one line per author."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongjiang.awards.models import LedgerLine
from gongjiang.innovations import rewards, services
from gongjiang.innovations.demo import reward_rule
from gongjiang.innovations.models import Innovation
from gongjiang.orgs.scope import Scope
from gongjiang.policy import engine

from . import factories as f

RULE = engine.RuleView(
    id=1, code="r", version=1, kind="innovation", name="职工创新成果奖励", doc_no="演示〔2024〕9号", clause="第八条",
    effective_from=dt.date(2024, 1, 1), effective_to=None,
    terms=engine.parse_terms("innovation", {"share_percent": "1", "grades": {"1": "20000"}, "ceiling": "50000"}),
)  # fmt: skip


def _facts(benefit, grade="1", authors=((7, Decimal(60)), (8, Decimal(40))), on=dt.date(2026, 6, 1)):
    return engine.InnovationFacts(1, "renovation", grade, Decimal(benefit), on, tuple(authors))


def test_share_of_benefit_plus_grade_capped_and_split_by_share():
    proposals = engine.innovation_rewards(_facts("1000000"), [RULE])  # 10,000 + 20,000
    assert [(p.worker_id, p.amount) for p in proposals] == [(7, Decimal("18000.00")), (8, Decimal("12000.00"))]
    capped = engine.innovation_rewards(_facts("9000000"), [RULE])  # 90,000 + 20,000 > 50,000
    assert sum(p.amount for p in capped) == Decimal("50000.00")
    assert engine.innovation_rewards(_facts("1000000", on=dt.date(2023, 1, 1)), [RULE]) == []  # not yet in force


def test_terms_are_checked():
    with pytest.raises(engine.TermsError):
        engine.parse_terms("innovation", {"ceiling": "100"})
    with pytest.raises(engine.TermsError):
        engine.parse_terms("innovation", {"share_percent": "150"})


@given(
    amount=st.decimals(min_value=Decimal("0.01"), max_value=Decimal(10**6), places=2),
    shares=st.lists(st.integers(min_value=1, max_value=97), min_size=1, max_size=5),
)
def test_the_parts_add_up_to_the_reward_exactly(amount, shares):
    total = sum(shares)
    percents = [Decimal(s) * 100 / total for s in shares]
    parts = engine.split(amount, list(enumerate(percents)))
    assert sum(p for _w, p in parts) == amount
    assert all(p > 0 for _w, p in parts)


def test_a_recognised_innovation_gets_one_line_per_author_citing_the_rule(inno):
    reward_rule()
    alice = inno.users.alice
    i = f.confirmed(alice, inno.harbin_employer, inno.authors, Decimal("800000"))
    with pytest.raises(services.InnovationError):  # not recognised yet
        rewards.propose_rewards(actor=alice, scope=Scope(alice), innovation=i)
    Innovation.objects.filter(pk=i.pk).update(state="recognised", recognised_on=dt.date.today(), grade="2")
    i.refresh_from_db()
    made = rewards.propose_rewards(actor=alice, scope=Scope(alice), innovation=i)
    # 1 % of 800,000 + 10,000 for the second grade = 18,000, 60 / 40
    assert [(line.worker, line.amount, line.state) for line in made] == [
        (inno.harbin_worker, Decimal("10800.00"), "proposed"),
        (inno.mate, Decimal("7200.00"), "proposed"),
    ]
    assert "演示〔2024〕9号" in made[0].reason
    again = rewards.propose_rewards(actor=alice, scope=Scope(alice), innovation=i)
    assert [line.pk for line in again] == [line.pk for line in made]
    assert LedgerLine.objects.filter(source__startswith=f"innovation:{i.pk}:").count() == 2
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        rewards.propose_rewards(actor=inno.users.bob, scope=Scope(inno.users.bob), innovation=i)
