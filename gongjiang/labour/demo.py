"""Demo data for the labour competitions (all names invented for the demo and marked 演示):

- 哈尔滨至伊春高速公路建设劳动竞赛, a provincial key project organised by the province: four contractors'
  sections (标段) and the grid company's power-supply section, averaged over the rounds;
- 哈飞新厂区扩建工程劳动竞赛, a Harbin city project: two sections of a city builder and 哈飞's own
  equipment-installation section (the 哈飞 clerk's unit), weighted by round.

Each has teams with members, an indicator scheme, four closed quarterly rounds (2025 Q4 – 2026 Q3) with
their standings and red flags — a unit of the highway vetoed for a safety accident in 2026 Q2 — and an
open 2026 Q4 with some figures in, so that the committee has a round to check and a clerk figures to
report. The competitions are under way (approving them through 立项 and the catalogue is §1's part).
Reads ``admin``, ``counties`` and ``industries`` from the demo context.
"""

import datetime as dt
import random
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction

from gongjiang.competitions import services as comp_services
from gongjiang.competitions.enums import State
from gongjiang.competitions.models import Competition
from gongjiang.core import crypto
from gongjiang.core.fakeids import make_id_number, make_uscc
from gongjiang.core.models import User
from gongjiang.core.seeding import DemoContext
from gongjiang.orgs import services as org_services
from gongjiang.orgs.models import Employer, Union
from gongjiang.orgs.scope import Scope
from gongjiang.people import services as people_services
from gongjiang.people.demo_data import ISSUER, pick_name, pick_occupation
from gongjiang.people.enums import Grade, GradeSource
from gongjiang.people.models import Occupation, Worker

from . import services
from .enums import Method
from .models import Indicator, Round, Unit

# nothing in this seed catches a service's failure: seed_demo runs it without savepoints and with
# its audit rows held (core.seeding.in_bulk)
IN_BULK = True

# (name, county code, industrial union key)
BUILDERS = (
    ("龙运路桥工程有限公司（演示）", "230102", "transport"),
    ("北方交通建设集团有限公司（演示）", "231202", "transport"),
    ("伊春林海路桥有限公司（演示）", "230717", "transport"),
    ("哈尔滨城建工程有限公司（演示）", "230103", None),
)
HIGHWAY = "哈尔滨至伊春高速公路建设劳动竞赛（演示）"
AIRCRAFT = "哈飞新厂区扩建工程劳动竞赛（演示）"
# (employer, section, teams)
HIGHWAY_UNITS = (
    ("龙运路桥工程有限公司（演示）", "HY-1标段", ("路基施工一班", "桥梁架设班")),
    ("北方交通建设集团有限公司（演示）", "HY-2标段", ("隧道掘进班", "路面摊铺班")),
    ("伊春林海路桥有限公司（演示）", "HY-3标段", ("桥涵施工班", "边坡防护班")),
    ("国网黑龙江省电力有限公司", "供电配套标段", ("线路架设班",)),
)
AIRCRAFT_UNITS = (
    ("哈尔滨城建工程有限公司（演示）", "土建一标", ("钢结构安装班", "混凝土班")),
    ("哈尔滨城建工程有限公司（演示）", "土建二标", ("厂房基础班",)),
    ("哈尔滨飞机工业集团有限责任公司", "设备安装标", ("总装设备安装班", "智能产线调试班")),
)
# (name, category, weight, method, formula, target, unit of measure, higher is better)
HIGHWAY_SCHEME = (
    ("工程进度", "progress", 30, "measured", "linear", Decimal(100), "%", True),
    ("工程质量", "quality", 20, "judged", "", None, "", True),
    ("安全生产", "safety", 20, "measured", "pass_fail", None, "项隐患", True),
    ("文明施工", "civilised", 10, "judged", "", None, "", True),
    ("技术创新", "innovation", 10, "measured", "rank", None, "项", True),
    ("节能减排", "energy", 10, "measured", "linear", Decimal("0.80"), "吨标煤/百万元产值", False),
)
AIRCRAFT_SCHEME = (
    ("形象进度", "progress", 35, "measured", "linear", Decimal(100), "%", True),
    ("质量安全", "safety", 30, "measured", "pass_fail", None, "项问题", True),
    ("文明施工", "civilised", 15, "judged", "", None, "", True),
    ("合理化建议", "own", 20, "measured", "rank", None, "条", True),
)
QUARTERS = (
    ("2025年第四季度", dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
    ("2026年第一季度", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
    ("2026年第二季度", dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
    ("2026年第三季度", dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
    ("2026年第四季度", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
)
MEMBERS_PER_TEAM = 3
# How many workers this demo adds: the members of the teams of the demo's own builders.
WORKERS = MEMBERS_PER_TEAM * sum(len(t) for e, _s, t in HIGHWAY_UNITS + AIRCRAFT_UNITS if "演示" in e)
VETO = (HIGHWAY, 3, "HY-2标段", "隧道掘进作业面发生一般坍塌事故，1人重伤（演示）")


@transaction.atomic
def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    admin = ctx.admin
    harbin_admin = User.objects.get(username="haerbin")
    employers = _builders(ctx)
    ids = iter(range(7000, 9000))
    highway = _competition(
        admin, Union.objects.get(name="黑龙江省总工会"), HIGHWAY, "provincial_1", "哈伊高速建设劳动竞赛委员会"
    )
    aircraft = _competition(
        harbin_admin, Union.objects.get(name="哈尔滨市总工会"), AIRCRAFT, "city", "哈尔滨市重点工程劳动竞赛委员会"
    )
    for user, competition, scheme, units, combine in (
        (admin, highway, HIGHWAY_SCHEME, HIGHWAY_UNITS, "average"),
        (harbin_admin, aircraft, AIRCRAFT_SCHEME, AIRCRAFT_UNITS, "weighted"),
    ):
        scope = Scope(user)
        add_scheme(user, competition, scheme, combine)
        for employer_name, section, teams in units:
            employer = employers.get(employer_name) or Employer.objects.get(name=employer_name)
            unit = services.enter_unit(
                actor=user, scope=scope, competition=competition, employer=employer, section=section
            )
            _teams(user, unit, teams, rng, ids)
        _rounds(user, competition, rng)
    ctx.labour_competitions = [highway, aircraft]


def add_scheme(
    user: User, competition: Competition, scheme: tuple, combine: str, *, scope: Scope | None = None
) -> list[Indicator]:
    """A quarterly scheme with a safety veto and the indicators ``scheme`` lists, as (name, category,
    weight, method, formula, target, unit of measure, higher is better); its indicators. ``scope``:
    ``user``'s, when the caller holds one."""
    scope = scope or Scope(user)
    services.save_scheme(
        actor=user,
        scope=scope,
        competition=competition,
        period="quarterly",
        combine=combine,
        safety_veto=True,
        red_flags=1,
    )
    return services.add_indicators(
        actor=user,
        scope=scope,
        competition=competition,
        data=[
            services.IndicatorData(
                name, category, Decimal(weight), method, formula, target, measure, higher, Decimal(25)
            )
            for name, category, weight, method, formula, target, measure, higher in scheme
        ],
    )


def _builders(ctx: DemoContext) -> dict[str, Employer]:
    made = {}
    for n, (name, county, industry) in enumerate(BUILDERS):
        union = ctx.counties[county]
        made[name] = org_services.create_employer(
            actor=None,
            name=name,
            uscc=make_uscc(county, 2615 + n),
            region=union.region,
            parent_union=union,
            industry_union=ctx.industries[industry] if industry else None,
            industry="道路桥梁施工" if industry else "房屋建筑施工",
        )
    return made


def _competition(user: User, organiser: Union, name: str, tier: str, committee: str) -> Competition:
    competition = comp_services.create_competition(
        actor=user,
        scope=Scope(user),
        data=comp_services.CompetitionData(
            name=name,
            tier=tier,
            kind="labour",
            organiser=organiser,
            committee=committee,
            series="重大工程劳动竞赛",
            registration_closes_on=dt.date(2025, 9, 30),
            starts_on=dt.date(2025, 10, 1),
            ends_on=dt.date(2026, 12, 31),
        ),
    )
    # under way: approval through 立项 and the catalogue is the catalogue's part (§1)
    Competition.objects.filter(pk=competition.pk).update(state=State.IN_PROGRESS)
    competition.refresh_from_db()
    return competition


def _teams(user: User, unit: Unit, teams: tuple[str, ...], rng: random.Random, ids) -> None:  # type: ignore[no-untyped-def]
    scope = Scope(user)
    existing = list(Worker.objects.filter(employer_id=unit.employer_id).order_by("pk")[: MEMBERS_PER_TEAM * len(teams)])
    for t, name in enumerate(teams):
        team = services.add_team(actor=user, scope=scope, unit=unit, name=name)
        for m in range(MEMBERS_PER_TEAM):
            if "演示" in unit.employer.name or len(existing) <= t * MEMBERS_PER_TEAM + m:
                worker = _worker(user, unit.employer, rng, ids)
            else:
                worker = existing[t * MEMBERS_PER_TEAM + m]
            services.add_member(actor=user, scope=scope, team=team, worker=worker)


def _worker(user: User, employer: Employer, rng: random.Random, ids) -> Worker:  # type: ignore[no-untyped-def]
    while True:
        number = make_id_number(
            employer.region_id,
            dt.date(1975 + rng.randrange(25), 1 + rng.randrange(12), 1 + rng.randrange(28)),
            next(ids),
            male=True,
        )
        if not Worker.objects.filter(id_number_hash=crypto.keyed_hash(number)).exists():
            break
    name = pick_name(rng, male=True)  # a given name that fits the sex in the ID number
    # a trade of the builder's industry and a certificate in it, like every other demo worker
    trade = Occupation.objects.get(name=pick_occupation(rng, employer.industry))
    worker = people_services.create_worker(
        actor=user,
        scope=Scope(user),
        data=people_services.WorkerData(name=name, id_number=number, employer=employer, occupations=(trade,)),
    )
    people_services.add_grade(
        actor=user,
        scope=Scope(user),
        worker=worker,
        occupation=trade,
        grade=rng.choice((Grade.JUNIOR, Grade.INTERMEDIATE, Grade.SENIOR)),
        source=GradeSource.EVALUATION,
        certificate_no=f"LD-{worker.pk:07d}",
        awarded_on=dt.date(2018 + rng.randrange(7), 1 + rng.randrange(12), 1 + rng.randrange(28)),
        issuer=ISSUER,
    )
    return worker


def figure_for(indicator: Indicator, rng: random.Random, strength: float) -> Decimal:
    """A believable figure of a unit of this strength (0 weak .. 1 strong) for the indicator."""
    if indicator.method == Method.JUDGED:
        return Decimal(round(min(99.5, 78 + 18 * strength + rng.uniform(-4, 4)), 1))
    if indicator.formula == "pass_fail":
        return Decimal(rng.choice((0, 0, 0, 1, 1, 2)) if strength < 0.7 else rng.choice((0, 0, 1)))
    if indicator.formula == "rank":
        return Decimal(rng.randrange(1, 4) + round(4 * strength))
    if indicator.higher_is_better:
        return Decimal(round(88 + 16 * strength + rng.uniform(-6, 6), 1))
    return Decimal(round(0.95 - 0.2 * strength + rng.uniform(-0.05, 0.05), 2))


def _rounds(user: User, competition: Competition, rng: random.Random) -> None:
    scope = Scope(user)
    units = list(Unit.objects.filter(competition=competition).order_by("pk"))
    indicators = list(Indicator.objects.filter(scheme__competition=competition))
    strength = {u.pk: rng.random() for u in units}
    weights = (1, 1, 1, Decimal("1.5"), Decimal("1.5"))
    for number, (name, starts, ends) in enumerate(QUARTERS, start=1):
        round_ = services.open_round(
            actor=user,
            scope=scope,
            competition=competition,
            data=services.RoundData(name, starts, ends, ends + dt.timedelta(days=10), Decimal(weights[number - 1])),
        )
        last = number == len(QUARTERS)
        for n, unit in enumerate(units):
            if last and n % 2 == 0:
                continue  # the open quarter: half the units (哈飞's among them) have not reported yet
            values = {i.pk: (figure_for(i, rng, strength[unit.pk] + rng.uniform(-0.2, 0.2)), "") for i in indicators}
            if last:
                values = {
                    i.pk: v
                    for i, (pk, v) in zip(indicators, values.items(), strict=True)
                    if i.method == Method.MEASURED
                }
            services.report_figures(actor=user, scope=scope, round_=round_, unit=unit, values=values, check=not last)
        if number == 1:
            _evidence(user, round_, units[0], indicators[0])
        if (competition.name, number) == VETO[:2]:
            vetoed = next(u for u in units if u.section == VETO[2])
            services.record_veto(actor=user, scope=scope, round_=round_, unit=vetoed, reason=VETO[3])
        if not last:
            services.close_round(actor=user, scope=scope, round_=round_)
            Round.objects.filter(pk=round_.pk).update(closed_at=_aware(ends + dt.timedelta(days=15)))


def _evidence(user: User, round_: Round, unit: Unit, indicator: Indicator) -> None:
    pdf = ContentFile(b"%PDF-1.4\n% demo progress report\n", name="进度月报（演示）.pdf")
    services.report_figures(
        actor=user, scope=Scope(user), round_=round_, unit=unit, values={}, evidence={indicator.pk: [pdf]}
    )


def _aware(day: dt.date) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
