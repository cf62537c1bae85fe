"""Demo data for policy and awards: the rules of DOMAIN.md, budgets, reviewed and paid awards, honours.

Runs after the competitions' and the policy's demo: the finished competitions are decided under the
rules in force on the day each became final. ``sheng`` reviews and pays, ``caiwu`` (the federation's
finance officer) approves, so every payment has two people on it.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from gongjiang.competitions.enums import State
from gongjiang.competitions.models import Competition
from gongjiang.core.models import User
from gongjiang.core.seeding import DemoContext
from gongjiang.orgs.enums import UnionKind
from gongjiang.orgs.models import Union
from gongjiang.orgs.scope import Scope
from gongjiang.people.models import Worker
from gongjiang.policy.models import Programme, Rule

from . import services
from .enums import CycleState, DecisionState
from .models import Budget, Decision, HonourCycle

# nothing in this seed catches a service's failure: seed_demo runs it without savepoints and with
# its audit rows held (core.seeding.in_bulk)
IN_BULK = True

# this year's open cycle takes nominations for three more weeks from the day the demo is seeded
NOMINATION_DAYS_LEFT = 21

BUDGETS = {
    "competition-rewards": Decimal("2000000.00"),
    "longjiang-master-craftsman": Decimal("1200000.00"),
    "longjiang-technical-expert": Decimal("3000000.00"),
    "alliance-subsidy": Decimal("650000.00"),
}


def seed(ctx: DemoContext) -> None:
    for competition in Competition.objects.filter(state=State.FINAL).order_by("pk"):
        refinalise(competition, competition.finalised_on)
    build(
        sheng=ctx.admin,
        caiwu=User.objects.get(username="caiwu"),
        reviewers=list(User.objects.filter(username__in=["caipan", "caipan2", "caipan3"])),
    )


def refinalise(competition: Competition, day: dt.date) -> int:
    """Demo competitions are finished years ago: decide them under the rules in force on ``day``."""
    Competition.objects.filter(pk=competition.pk).update(finalised_on=day)
    Decision.objects.filter(result__event__competition=competition).delete()
    competition.refresh_from_db()
    return services.propose_for_competition(competition)


@transaction.atomic
def build(*, sheng: User, caiwu: User, reviewers: list[User]) -> None:
    for programme in Programme.objects.filter(code__in=BUDGETS):
        for year in range(2023, 2027):
            Budget.objects.get_or_create(programme=programme, year=year, defaults={"amount": BUDGETS[programme.code]})
    s, c = Scope(sheng), Scope(caiwu)
    # every decision up to 2024 reviewed, approved and paid; 2025 left for the demo's officials to do
    for decision in Decision.objects.filter(decided_on__year__lte=2024, state=DecisionState.PROPOSED).order_by("pk"):
        reviewer = _admin_of(decision.owner) or sheng
        services.review_decision(actor=reviewer, scope=Scope(reviewer), decision=decision, verdict="accept")
    for decision in Decision.objects.filter(decided_on__year=2025, kind="promotion").order_by("pk")[:2]:
        harbin = User.objects.get(username="haerbin")
        services.review_decision(actor=harbin, scope=Scope(harbin), decision=decision, verdict="accept")
    for line in services.LedgerLine.objects.filter(state="proposed", year__lte=2024).order_by("pk"):
        services.approve_line(actor=caiwu, scope=c, line=line)
        services.pay_line(actor=sheng, scope=s, line=line, payment_ref=f"GK{line.year}{line.pk:05d}")
    _honours(sheng, caiwu, reviewers)


def _admin_of(union: Union) -> User | None:
    if union.kind == UnionKind.PROVINCE:
        return User.objects.get(username="sheng")
    return User.objects.filter(roles__union=union, roles__kind="union_admin").order_by("pk").first()


def _honours(sheng: User, caiwu: User, reviewers: list[User]) -> None:
    s = Scope(sheng)
    master = Rule.objects.get(code="honour-master-craftsman")
    cycle = services.open_cycle(actor=sheng, scope=s, rule=master, year=2025)
    cycle.reviewers.set(reviewers)
    nominees = {
        "哈尔滨市总工会": ["秦世俊"],
        "齐齐哈尔市总工会": ["刘伯鸣"],
        "大庆市总工会": ["刘丽"],
    }
    for union_name, names in nominees.items():
        union = Union.objects.get(name=union_name)
        allocation = services.allocate(actor=sheng, scope=s, cycle=cycle, union=union, quota=3)
        admin = _admin_of(union) or sheng
        for name in names:
            worker = Worker.objects.get(name=name)
            services.nominate(
                actor=admin,
                scope=Scope(admin),
                allocation=allocation,
                worker=worker,
                statement=f"{name}同志扎根生产一线三十余年，攻克关键技术难题，带徒传艺，成绩突出。",
            )
    services.advance_cycle(actor=sheng, scope=s, cycle=cycle, to=CycleState.REVIEWING)
    for nomination in cycle.nominations.all():
        for n, reviewer in enumerate(reviewers):
            services.review_nomination(actor=reviewer, nomination=nomination, score=Decimal(90 + n))
    services.advance_cycle(actor=sheng, scope=s, cycle=cycle, to=CycleState.NOTICE)
    # the history of a closed cycle: nominations closed in March, the notice ended in April
    HonourCycle.objects.filter(pk=cycle.pk).update(
        nominations_close_on=dt.date(2025, 3, 31), notice_ends_on=dt.date(2025, 4, 20)
    )
    for nomination in cycle.nominations.all():
        services.approve_nomination(actor=sheng, scope=s, nomination=nomination, note="经省政府批准")
    for line in services.LedgerLine.objects.filter(nomination__cycle=cycle):
        services.approve_line(actor=caiwu, scope=Scope(caiwu), line=line)
    services.advance_cycle(actor=sheng, scope=s, cycle=cycle, to=CycleState.CLOSED)
    # this year's 龙江技术能手: open, with places for every city and industrial union
    expert = Rule.objects.get(code="honour-technical-expert")
    current = services.open_cycle(
        actor=sheng,
        scope=s,
        rule=expert,
        year=2026,
        nominations_close_on=timezone.localdate() + dt.timedelta(days=NOMINATION_DAYS_LEFT),
    )
    current.reviewers.set(reviewers)
    for union in Union.objects.filter(kind__in=[UnionKind.CITY, UnionKind.INDUSTRY]).order_by("pk"):
        services.allocate(
            actor=sheng, scope=s, cycle=current, union=union, quota=12 if union.kind == UnionKind.CITY else 10
        )
