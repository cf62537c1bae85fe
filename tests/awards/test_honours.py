"""Honour cycles: quota allocation, nomination, expert review, public notice, objections, approval."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from gongjiang.awards import services
from gongjiang.awards.enums import CycleState, NominationState
from gongjiang.awards.models import HonourCycle, LedgerLine
from gongjiang.orgs.scope import Scope
from gongjiang.policy.models import Rule
from tests.conftest import make_user


@pytest.fixture
def cycle(org, policy):
    prov = org.users.prov
    rule = Rule.objects.get(code="honour-master-craftsman")
    c = services.open_cycle(actor=prov, scope=Scope(prov), rule=rule, year=timezone.localdate().year)
    org.expert = make_user("expert")
    c.reviewers.add(org.expert)
    org.cycle = c
    org.harbin_alloc = services.allocate(actor=prov, scope=Scope(prov), cycle=c, union=org.harbin, quota=1)
    org.qiqihar_alloc = services.allocate(actor=prov, scope=Scope(prov), cycle=c, union=org.qiqihar, quota=1)
    return org


def _to_notice(org):
    prov = org.users.prov
    services.advance_cycle(actor=prov, scope=Scope(prov), cycle=org.cycle, to=CycleState.REVIEWING)
    for n in org.cycle.nominations.all():
        services.review_nomination(actor=org.expert, nomination=n, score=Decimal("88.5"))
    services.advance_cycle(actor=prov, scope=Scope(prov), cycle=org.cycle, to=CycleState.NOTICE)
    HonourCycle.objects.filter(pk=org.cycle.pk).update(notice_ends_on=timezone.localdate() - dt.timedelta(days=1))


def test_cycle_takes_quota_and_amount_from_its_rule(cycle):
    assert (cycle.cycle.title, cycle.cycle.quota) == ("龙江大工匠", 40)
    prov = cycle.users.prov
    with pytest.raises(services.AwardError, match="38"):
        services.allocate(actor=prov, scope=Scope(prov), cycle=cycle.cycle, union=cycle.machinery, quota=39)
    with pytest.raises(services.AwardError):  # counties do not get quotas
        services.allocate(actor=prov, scope=Scope(prov), cycle=cycle.cycle, union=cycle.daoli, quota=1)
    with pytest.raises(PermissionDenied):
        services.allocate(
            actor=cycle.users.alice, scope=Scope(cycle.users.alice), cycle=cycle.cycle, union=cycle.harbin, quota=5
        )


def test_nomination_rules(cycle):
    alice, bob = cycle.users.alice, cycle.users.bob
    with pytest.raises(PermissionDenied):  # Bob cannot use Harbin's allocation
        services.nominate(
            actor=bob, scope=Scope(bob), allocation=cycle.harbin_alloc, worker=cycle.qiqihar_worker, statement="x"
        )
    with pytest.raises(services.AwardError, match="own unions"):  # nor can Harbin nominate Qiqihar's worker
        services.nominate(
            actor=alice, scope=Scope(alice), allocation=cycle.harbin_alloc, worker=cycle.qiqihar_worker, statement="x"
        )
    with pytest.raises(services.AwardError, match="deeds"):
        services.nominate(
            actor=alice, scope=Scope(alice), allocation=cycle.harbin_alloc, worker=cycle.harbin_worker, statement=" "
        )
    services.nominate(
        actor=alice,
        scope=Scope(alice),
        allocation=cycle.harbin_alloc,
        worker=cycle.harbin_worker,
        statement="攻克锅炉焊接难题",
    )
    with pytest.raises(services.AwardError):  # once per cycle, and the quota of 1 is used
        services.nominate(
            actor=alice,
            scope=Scope(alice),
            allocation=cycle.harbin_alloc,
            worker=cycle.harbin_worker,
            statement="again",
        )


def test_review_notice_objection_and_approval_write_the_honour_and_the_award(cycle):
    alice, bob, prov = cycle.users.alice, cycle.users.bob, cycle.users.prov
    harbin = services.nominate(
        actor=alice, scope=Scope(alice), allocation=cycle.harbin_alloc, worker=cycle.harbin_worker, statement="攻克难题"
    )
    qiqihar = services.nominate(
        actor=bob, scope=Scope(bob), allocation=cycle.qiqihar_alloc, worker=cycle.qiqihar_worker, statement="带徒传艺"
    )
    services.advance_cycle(actor=prov, scope=Scope(prov), cycle=cycle.cycle, to=CycleState.REVIEWING)
    with pytest.raises(services.AwardError, match="expert score"):
        services.advance_cycle(actor=prov, scope=Scope(prov), cycle=cycle.cycle, to=CycleState.NOTICE)
    with pytest.raises(PermissionDenied):  # only the cycle's experts score
        services.review_nomination(actor=alice, nomination=harbin, score=Decimal(90))
    with pytest.raises(services.AwardError):
        services.review_nomination(actor=cycle.expert, nomination=harbin, score=Decimal(101))
    services.review_nomination(actor=cycle.expert, nomination=harbin, score=Decimal(90))
    services.review_nomination(actor=cycle.expert, nomination=qiqihar, score=Decimal(80))
    services.advance_cycle(actor=prov, scope=Scope(prov), cycle=cycle.cycle, to=CycleState.NOTICE)
    harbin.refresh_from_db()
    assert (harbin.state, harbin.score) == (NominationState.IN_NOTICE, Decimal("90.00"))
    with pytest.raises(services.AwardError, match="public notice runs"):
        services.approve_nomination(actor=prov, scope=Scope(prov), nomination=harbin)
    HonourCycle.objects.filter(pk=cycle.cycle.pk).update(notice_ends_on=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(PermissionDenied):  # Bob cannot object to Harbin's nominee: not his to see
        services.raise_nomination_objection(actor=bob, scope=Scope(bob), nomination=harbin, text="x")
    objection = services.raise_nomination_objection(actor=prov, scope=Scope(prov), nomination=qiqihar, text="材料不实")
    with pytest.raises(services.AwardError, match="still open"):
        services.approve_nomination(actor=prov, scope=Scope(prov), nomination=qiqihar)
    services.decide_nomination_objection(
        actor=prov, scope=Scope(prov), objection=objection, uphold=True, decision="查实"
    )
    qiqihar.refresh_from_db()
    assert qiqihar.state == NominationState.REJECTED
    with pytest.raises(PermissionDenied):
        services.approve_nomination(actor=alice, scope=Scope(alice), nomination=harbin)
    services.approve_nomination(actor=prov, scope=Scope(prov), nomination=harbin)
    harbin.refresh_from_db()
    assert harbin.state == NominationState.APPROVED
    assert [(h.title, h.level) for h in cycle.harbin_worker.honours.all()] == [("龙江大工匠", 3)]
    line = LedgerLine.objects.get(nomination=harbin)
    assert (line.amount, line.state, line.programme.code) == (
        Decimal("30000.00"),
        "proposed",
        "longjiang-master-craftsman",
    )
    assert "演示〔2023〕2号 第二条" in line.reason
    with pytest.raises(services.AwardError):
        services.approve_nomination(actor=prov, scope=Scope(prov), nomination=harbin)


def test_approvals_stop_at_the_allocation(cycle):
    prov = cycle.users.prov
    services.allocate(actor=prov, scope=Scope(prov), cycle=cycle.cycle, union=cycle.harbin, quota=2)
    alice = cycle.users.alice
    nominations = [
        services.nominate(actor=alice, scope=Scope(alice), allocation=cycle.harbin_alloc, worker=w, statement="事迹")
        for w in (cycle.harbin_worker, _another_harbin_worker(cycle))
    ]
    _to_notice(cycle)
    with pytest.raises(services.AwardError):
        services.advance_cycle(actor=prov, scope=Scope(prov), cycle=cycle.cycle, to=CycleState.CLOSED)
    for n in nominations:
        services.approve_nomination(actor=prov, scope=Scope(prov), nomination=n)
    assert cycle.cycle.nominations.filter(state=NominationState.APPROVED).count() == 2


def _another_harbin_worker(org):
    from gongjiang.core.fakeids import make_id_number
    from gongjiang.people import services as people

    alice = org.users.alice
    return people.create_worker(
        actor=alice,
        scope=Scope(alice),
        data=people.WorkerData(
            name="赵师傅",
            id_number=make_id_number("230102", dt.date(1975, 1, 1), 77, male=True),
            employer=org.harbin_employer,
        ),
    )


def test_a_person_holds_a_programme_title_once(cycle):
    from gongjiang.people.models import Honour

    Honour.objects.create(worker=cycle.harbin_worker, title="龙江大工匠", kind="craftsman", level=3, year=2020)
    alice = cycle.users.alice
    with pytest.raises(services.AwardError, match="already holds"):
        services.nominate(
            actor=alice, scope=Scope(alice), allocation=cycle.harbin_alloc, worker=cycle.harbin_worker, statement="x"
        )


def test_an_expert_finds_the_cycle_to_score_from_the_menu(cycle, as_user):
    prov = cycle.users.prov
    services.advance_cycle(actor=prov, scope=Scope(prov), cycle=cycle.cycle, to=CycleState.REVIEWING)
    page = as_user(cycle.expert).get("/").content.decode()
    assert 'href="/awards/honours/"' in page
    assert as_user(cycle.expert).get("/awards/honours/").status_code == 200
    assert 'href="/awards/honours/"' not in as_user(cycle.users.charlie).get("/").content.decode()
