"""Final results → proposals → review → ledger; promotions and titles on the worker's record."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from gongjiang.awards import services
from gongjiang.awards.enums import DecisionState, LineState
from gongjiang.awards.models import Decision, LedgerLine
from gongjiang.core.audit import history
from gongjiang.orgs.scope import Scope
from gongjiang.people.models import SkillGrade
from gongjiang.policy import services as policy_services
from gongjiang.policy.models import PolicyDocument, Rule

YEAR = dt.date.today().year


def _decision(c, worker, kind):
    return Decision.objects.get(worker=worker, kind=kind, result__event=c.province_event)


def test_final_results_propose_rewards_and_titles_citing_their_rules(awarded):
    decisions = Decision.objects.filter(result__event=awarded.province_event).order_by("result__rank", "kind")
    assert [(d.result.rank, d.kind, d.ceiling, d.title) for d in decisions] == [
        (1, "reward", Decimal("20000.00"), ""),
        (1, "title", None, "龙江技术能手"),
        (2, "reward", Decimal("20000.00"), ""),
        (2, "title", None, "龙江技术能手"),
    ]
    reward = decisions[2]
    assert reward.worker == awarded.harbin_worker
    assert reward.rule.code == "reward-provincial1-top3" and reward.rule.version == 1
    assert "演示〔2023〕1号 第三条" in reward.reason and "20,000.00" in reward.reason
    # running it again adds nothing
    assert services.propose_for_competition(awarded.province_comp) == 0


def test_a_competition_final_before_the_rules_were_loaded_can_be_proposed_later(final):
    from gongjiang.policy import seed

    assert Decision.objects.count() == 0
    seed.load()
    assert services.propose_for_competition(final.province_comp) == 4
    with pytest.raises(services.AwardError):
        services.propose_for_competition(final.harbin_comp)  # not final


def test_review_is_for_the_organiser_and_adjustments_stay_under_the_ceiling(awarded):
    alice, prov = awarded.users.alice, awarded.users.prov
    reward = _decision(awarded, awarded.harbin_worker, "reward")
    with pytest.raises(PermissionDenied):  # the province organised it; Harbin only watches
        services.review_decision(actor=alice, scope=Scope(alice), decision=reward, verdict="accept")
    with pytest.raises(services.AwardError, match="20000"):
        services.review_decision(
            actor=prov, scope=Scope(prov), decision=reward, verdict="adjust", amount=Decimal("20000.01"), note="x"
        )
    with pytest.raises(services.AwardError):
        services.review_decision(actor=prov, scope=Scope(prov), decision=reward, verdict="adjust", amount=Decimal(5000))
    services.review_decision(
        actor=prov, scope=Scope(prov), decision=reward, verdict="adjust", amount=Decimal("15000"), note="团体已另奖"
    )
    reward.refresh_from_db()
    assert (reward.state, reward.amount) == (DecisionState.ADJUSTED, Decimal("15000.00"))
    line = reward.line
    assert (line.amount, line.state, line.payee, line.proposed_by) == (Decimal("15000.00"), "proposed", "王铁军", prov)
    assert "演示〔2023〕1号" in line.reason and "团体已另奖" in line.reason
    with pytest.raises(services.AwardError):
        services.review_decision(actor=prov, scope=Scope(prov), decision=reward, verdict="accept")
    assert [e.changes["state"] for e in history(reward)] == [["proposed", "adjusted"]]


def test_two_people_approve_and_pay_once_and_a_reversal_is_a_new_line(awarded):
    prov, prov2 = awarded.users.prov, awarded.prov2
    reward = _decision(awarded, awarded.harbin_worker, "reward")
    services.review_decision(actor=prov, scope=Scope(prov), decision=reward, verdict="accept")
    line = LedgerLine.objects.get(decision=reward)
    with pytest.raises(services.AwardError, match="proposed"):
        services.approve_line(actor=prov, scope=Scope(prov), line=line)
    with pytest.raises(PermissionDenied):
        services.approve_line(actor=awarded.users.alice, scope=Scope(awarded.users.alice), line=line)
    services.approve_line(actor=prov2, scope=Scope(prov2), line=line)
    with pytest.raises(services.AwardError, match="approved"):
        services.pay_line(actor=prov2, scope=Scope(prov2), line=line, payment_ref="V-1")
    with pytest.raises(services.AwardError, match="reference"):
        services.pay_line(actor=prov, scope=Scope(prov), line=line, payment_ref=" ")
    services.pay_line(actor=prov, scope=Scope(prov), line=line, payment_ref="V-1")
    with pytest.raises(services.AwardError, match="already been paid"):
        services.pay_line(actor=prov, scope=Scope(prov), line=line, payment_ref="V-2")
    line.refresh_from_db()
    assert (line.state, line.paid_by, line.payment_ref) == (LineState.PAID, prov, "V-1")
    assert services.committed(line.programme_id, YEAR) == Decimal("20000.00")
    reversal = services.reverse_line(actor=prov, scope=Scope(prov), line=line, reason="重复发放")
    assert reversal.amount == Decimal("-20000.00") and reversal.reverses == line
    with pytest.raises(services.AwardError):
        services.reverse_line(actor=prov, scope=Scope(prov), line=line, reason="again")
    services.approve_line(actor=prov2, scope=Scope(prov2), line=reversal)
    assert services.committed(line.programme_id, YEAR) == Decimal("0.00")
    assert LedgerLine.objects.count() == 2  # nothing deleted, nothing rewritten


def test_budget_limits_approvals(awarded):
    prov, prov2 = awarded.users.prov, awarded.prov2
    programme = awarded.policy.programmes["competition-rewards"]
    services.set_budget(actor=prov, scope=Scope(prov), programme=programme, year=YEAR, amount=Decimal("30000"))
    lines = []
    for worker in (awarded.harbin_worker, awarded.qiqihar_worker):
        services.review_decision(
            actor=prov, scope=Scope(prov), decision=_decision(awarded, worker, "reward"), verdict="accept"
        )
        lines.append(LedgerLine.objects.get(worker=worker))
    services.approve_line(actor=prov2, scope=Scope(prov2), line=lines[0])
    with pytest.raises(services.AwardError, match=r"10000\.00"):
        services.approve_line(actor=prov2, scope=Scope(prov2), line=lines[1])
    with pytest.raises(services.AwardError):
        services.set_budget(actor=prov, scope=Scope(prov), programme=programme, year=YEAR, amount=Decimal("100"))
    services.reject_line(actor=prov2, scope=Scope(prov2), line=lines[1], reason="超出预算，下年度安排")
    lines[1].refresh_from_db()
    assert lines[1].state == LineState.REJECTED


def test_no_budget_no_approval(awarded):
    from gongjiang.awards.models import Budget

    prov, prov2 = awarded.users.prov, awarded.prov2
    Budget.objects.all().delete()
    reward = _decision(awarded, awarded.harbin_worker, "reward")
    services.review_decision(actor=prov, scope=Scope(prov), decision=reward, verdict="accept")
    with pytest.raises(services.AwardError, match="no budget"):
        services.approve_line(actor=prov2, scope=Scope(prov2), line=reward.line)


def test_accepting_a_title_records_the_honour(awarded):
    prov = awarded.users.prov
    title = _decision(awarded, awarded.harbin_worker, "title")
    services.review_decision(actor=prov, scope=Scope(prov), decision=title, verdict="accept")
    assert [h.title for h in awarded.harbin_worker.honours.all()] == ["龙江技术能手"]


def _promotion_rule(policy_doc, start, grade=5, version_of=None):
    return policy_services.add_rule_version(
        actor=None,
        scope=None,
        code=version_of or "promote-provincial1-top1",
        kind="promotion",
        name="省级一类竞赛第一名晋升",
        document=policy_doc,
        clause="第五条",
        effective_from=start,
        terms={"tier": "provincial_1", "rank_max": 2, "grade": grade, "cap": 6},
    )


def test_a_new_rule_version_changes_future_decisions_only(awarded):
    prov = awarded.users.prov
    doc = PolicyDocument.objects.get(doc_no="演示〔2023〕1号")
    old = Rule.objects.get(code="reward-provincial1-top3")
    past = _decision(awarded, awarded.harbin_worker, "reward")
    new = policy_services.add_rule_version(
        actor=prov,
        scope=Scope(prov),
        code=old.code,
        kind="reward",
        name=old.name,
        document=doc,
        clause="第三条（修订）",
        effective_from=timezone.localdate(),
        terms=old.terms | {"ranks": {"1": "30000", "2": "25000", "3": "20000"}},
        programme=old.programme,
    )
    old.refresh_from_db()
    assert (new.version, old.effective_to) == (2, timezone.localdate() - dt.timedelta(days=1))
    past.refresh_from_db()
    assert (past.rule, past.ceiling) == (old, Decimal("20000.00"))
    assert "第三条" in past.reason and "修订" not in past.reason
    # a result decided from today cites version 2
    Decision.objects.filter(result__event=awarded.province_event).delete()
    services.propose_for_competition(awarded.province_comp)
    fresh = _decision(awarded, awarded.harbin_worker, "reward")
    assert (fresh.rule, fresh.ceiling) == (new, Decimal("25000.00"))
    assert "第三条（修订）" in fresh.reason
    with pytest.raises(policy_services.PolicyError):  # versions only move forward
        policy_services.add_rule_version(
            actor=prov,
            scope=Scope(prov),
            code=old.code,
            kind="reward",
            name=old.name,
            document=doc,
            clause="x",
            effective_from=timezone.localdate(),
            terms=old.terms,
            programme=old.programme,
        )
    with pytest.raises(PermissionDenied):
        policy_services.add_rule_version(
            actor=awarded.users.alice,
            scope=Scope(awarded.users.alice),
            code="mine",
            kind="reward",
            name="x",
            document=doc,
            clause="x",
            effective_from=timezone.localdate(),
            terms=old.terms,
            programme=old.programme,
        )


def test_an_accepted_promotion_appends_to_the_grade_history_once_a_year(awarded):
    prov = awarded.users.prov
    _promotion_rule(PolicyDocument.objects.get(doc_no="演示〔2023〕1号"), dt.date(2023, 3, 1))
    Decision.objects.all().delete()
    services.propose_for_competition(awarded.province_comp)
    promotion = _decision(awarded, awarded.harbin_worker, "promotion")
    assert promotion.grade == 5  # the Harbin worker holds 高级工 (4) as a lathe operator: 技师 now
    services.review_decision(actor=prov, scope=Scope(prov), decision=promotion, verdict="accept")
    grade = SkillGrade.objects.get(decision=promotion)
    assert (grade.grade, grade.source, grade.certificate_no) == (5, "competition", f"GJ-JS{YEAR}-{promotion.pk:07d}")
    assert "演示〔2023〕1号 第五条" in grade.reason
    awarded.harbin_worker.refresh_from_db()
    assert awarded.harbin_worker.top_grade == 5
    # another qualifying result the same year: the engine holds it back
    assert services.promoted_years({awarded.harbin_worker.pk}) == {(awarded.harbin_worker.pk, YEAR)}


def test_a_second_promotion_in_a_year_is_refused_at_acceptance(awarded):
    """Even if two proposals exist (say one was entered before the other was granted by hand)."""
    prov = awarded.users.prov
    _promotion_rule(PolicyDocument.objects.get(doc_no="演示〔2023〕1号"), dt.date(2023, 3, 1))
    Decision.objects.all().delete()
    services.propose_for_competition(awarded.province_comp)
    SkillGrade.objects.create(
        worker=awarded.harbin_worker,
        occupation=awarded.lathe,
        grade=5,
        source="competition",
        certificate_no="HAND-1",
        awarded_on=timezone.localdate(),
    )
    promotion = _decision(awarded, awarded.harbin_worker, "promotion")
    with pytest.raises(services.AwardError, match="at most one a year"):
        services.review_decision(actor=prov, scope=Scope(prov), decision=promotion, verdict="accept")
    promotion.refresh_from_db()
    assert promotion.state == DecisionState.PROPOSED


def test_the_decision_list_names_final_competitions_still_without_proposals(final, as_user):
    """Found with EXISTS per competition (no join over every result); gone once proposed."""
    from gongjiang.policy import seed

    seed.load()
    client = as_user(final.users.prov)
    waiting = client.get("/awards/decisions/").context["final_without"]
    assert [c.pk for c in waiting] == [final.province_comp.pk]
    services.propose_for_competition(final.province_comp)
    assert list(client.get("/awards/decisions/").context["final_without"]) == []


def test_final_competitions_without_proposals_keep_the_reach_read_row_by_row(final, as_user):
    """Issue 17: the list walks the newest competitions probing each one's organiser for the reach
    (``Scope.walking``) instead of hashing a city's closure rows; the same competitions, in reach
    only: Harbin's admin sees Harbin's final competition, Qiqihar's does not."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gongjiang.competitions.models import Competition
    from gongjiang.policy import seed

    seed.load()
    Competition.objects.filter(pk=final.province_comp.pk).update(organiser=final.harbin)
    with CaptureQueriesContext(connection) as ctx:
        waiting = as_user(final.users.alice).get("/awards/decisions/").context["final_without"]
        assert [c.pk for c in waiting] == [final.province_comp.pk]
    listed = [q["sql"] for q in ctx.captured_queries if 'FROM "competitions_competition"' in q["sql"]]
    assert listed and "OFFSET 0" in listed[-1]  # each organiser probed (ProbeEachRow), no hash
    assert list(as_user(final.users.bob).get("/awards/decisions/").context["final_without"]) == []
