"""Five years of history for the statistics demo: a few hundred finished competitions across the
cities, counties, enterprises and industrial unions, growing year on year, tens of thousands of
participations, the promotions and paid rewards that follow, then a full fill of the rollups.

The skills contests are written with bulk inserts (the history is the demo's backdrop, not a walk
through the marking, which ``seed_demo`` already shows on the competitions it runs itself). A third
of the history are labour competitions (劳动竞赛), run through the labour app's own services as a
committee runs one: an indicator scheme, units (enterprises, or an enterprise's work areas) with a
team each, two quarterly rounds reported (the committee's table of each round in one call), checked
and closed with their standings, and the final standing published as the competition goes final; no
events, entries, marks or certificates.
Deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from gongjiang.competitions import services as comp_services
from gongjiang.competitions.enums import EntryState, Kind, State, Tier
from gongjiang.competitions.models import Competition, Entry, Event
from gongjiang.core import audit
from gongjiang.core.models import User
from gongjiang.core.seeding import DemoContext, without_savepoints
from gongjiang.labour import demo as labour_demo
from gongjiang.labour import services as labour
from gongjiang.labour.models import Round
from gongjiang.orgs.enums import UnionKind
from gongjiang.orgs.models import Employer, Union, UnionAncestor
from gongjiang.orgs.scope import Scope
from gongjiang.people.enums import GradeSource
from gongjiang.people.models import Occupation, SkillGrade, Worker
from gongjiang.policy.models import Programme

from . import fill

YEARS = 5
OCCUPATIONS = ["车工", "焊工", "钳工", "电工", "数控铣工", "维修电工", "汽车维修工", "起重装卸机械操作工"]
PREFIX = "demo-stats"
# A history labour competition's theme (its name) and the scheme it is scored on: (name, category,
# weight, method, formula, target, unit of measure, higher is better).
LABOUR_THEMES = ("重点项目建设", "安全生产", "提质增效", "节能降耗", "冬季生产保供", "技术比武与质量攻关")
LABOUR_SCHEME = (
    ("生产进度", "progress", 40, "measured", "linear", Decimal(100), "%", True),
    ("工程质量", "quality", 30, "judged", "", None, "", True),
    ("安全生产", "safety", 30, "measured", "pass_fail", None, "项隐患", True),
)
WORK_AREAS = ("一工区", "二工区", "三工区", "四工区")
MEMBERS = 3  # of each unit's team


def _day(rng: random.Random, year: int, today: dt.date) -> dt.date:
    last = today - dt.timedelta(days=20) if year == today.year else dt.date(year, 12, 20)
    first = dt.date(year, 3, 1)
    return first + dt.timedelta(days=rng.randint(0, max((last - first).days, 0)))


def seed(ctx: DemoContext) -> None:
    """The demo orchestrator's entry: five years of history, then the rollups filled."""
    build(ctx.admin)


def around_seed() -> AbstractContextManager[None]:
    """Around the whole demo seed (``core.seeding.seed_apps``), every app's part: the watchers of
    ``stats.changes`` mark nothing, since :func:`build` ends in a full fill that counts every row anew
    (thousands of anchor reads and marks fewer; the rollups, ``Seen`` and the fill states come out the
    same). A seed that ends without that fill gets it on leaving (``fill.deferred``)."""
    return fill.deferred()


def build(admin: User, *, seed: int = 2026, caiwu: User | None = None) -> None:
    """Write the history and fill the rollups from scratch."""
    rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
    today = timezone.localdate()
    caiwu = caiwu or User.objects.filter(username="caiwu").first() or admin
    occupations = list(Occupation.objects.filter(name__in=OCCUPATIONS)) or list(Occupation.objects.all()[:8])
    # each competition is in a trade its entrants hold (the demo's trades fit their employers)
    trades: dict[int, list[Occupation]] = defaultdict(list)
    by_id = {o.pk: o for o in Occupation.objects.all()}
    for worker_id, occupation_id in Worker.occupations.through.objects.values_list("worker_id", "occupation_id"):
        trades[worker_id].append(by_id[occupation_id])
    reward = Programme.objects.filter(code="competition-rewards").first()
    workers_by_city: dict[str, list[tuple[int, int, int, str, str]]] = defaultdict(list)
    for row in Worker.objects.filter(status="employed").values_list(
        "pk", "employer_id", "union_id", "region_code", "name"
    ):
        workers_by_city[row[3][:4]].append(row)
    cities = list(Union.objects.filter(kind=UnionKind.CITY).select_related("region"))
    industries = list(Union.objects.filter(kind=UnionKind.INDUSTRY))
    organisers_below: dict[int, list[Union]] = defaultdict(list)
    for union in Union.objects.filter(kind__in=[UnionKind.COUNTY, UnionKind.GRASSROOTS]).select_related("region"):
        for city in cities:
            if union.region_id[:4] == city.region_id[:4]:
                organisers_below[city.pk].append(union)
    history = _History(admin, Scope(admin), _subtrees(), Employer.objects.in_bulk())
    # one transaction that any failure rolls back whole: its services open no savepoints and their
    # audit rows are written a thousand at a time (the same checks, writes and rows)
    with transaction.atomic(), without_savepoints(), audit.held():
        entries, grades, lines = [], [], []
        serial = 0
        for offset in range(YEARS - 1, -1, -1):
            year = today.year - offset
            growth = YEARS - offset  # 1 .. 5: more competitions every year
            for city in cities:
                pool = workers_by_city.get(city.region_id[:4], [])
                if not pool:
                    continue
                for n in range(2 + growth + rng.randint(0, 2)):
                    below = organisers_below.get(city.pk) or [city]
                    organiser = city if n == 0 else rng.choice(below)
                    tier = Tier.CITY if organiser == city else Tier.ENTERPRISE
                    serial += 1
                    entries_, grades_, lines_ = _competition(
                        rng,
                        history,
                        caiwu,
                        reward,
                        occupations,
                        trades,
                        organiser,
                        tier,
                        pool,
                        year,
                        today,
                        serial,
                        size=(15, 70),
                    )
                    entries += entries_
                    grades += grades_
                    lines += lines_
            everyone = [w for pool in workers_by_city.values() for w in pool]
            for industry in industries:
                for _n in range(rng.randint(0, growth)):
                    serial += 1
                    e_, g_, l_ = _competition(
                        rng,
                        history,
                        caiwu,
                        reward,
                        occupations,
                        trades,
                        industry,
                        Tier.PROVINCIAL_2,
                        everyone,
                        year,
                        today,
                        serial,
                        size=(30, 90),
                    )
                    entries += e_
                    grades += g_
                    lines += l_
        history.back_date()
        Entry.objects.bulk_create(entries, batch_size=2000)
        SkillGrade.objects.bulk_create(grades, batch_size=2000)
        if reward is not None:
            from gongjiang.awards.models import LedgerLine
            from gongjiang.orgs.queries import cities_of

            city = cities_of({line["union_id"] for line in lines})  # bulk_create calls no save()
            LedgerLine.objects.bulk_create(
                [LedgerLine(**line, city_id=city[line["union_id"]]) for line in lines], batch_size=2000
            )
    fill.update_stats(since=fill.EPOCH)


def _short(organiser: Union) -> str:
    """The organiser's name without 总工会 / 工会, to name its competitions and committee."""
    return organiser.name.removesuffix("总工会").removesuffix("工会")


@dataclass
class _History:
    """What the history's competitions share: the admin who runs them and the admin's scope (the build is
    one long request of one user, whose roles do not change), the unions below each union, the employers,
    and the days the labour competitions really closed their rounds and went final, written once at the
    end (:meth:`back_date`: the services stamp today)."""

    admin: User
    scope: Scope
    subtrees: dict[int, set[int]]
    employers: dict[int, Employer]
    rounds: list[Round] = field(default_factory=list)
    finished: list[Competition] = field(default_factory=list)

    def back_date(self) -> None:
        Round.objects.bulk_update(self.rounds, ["closed_at"], batch_size=500)
        Competition.objects.bulk_update(self.finished, ["finalised_on", "state"], batch_size=500)


def _subtrees() -> dict[int, set[int]]:
    """The unions below each union, itself included: a labour competition's units are of its organiser's."""
    below: dict[int, set[int]] = defaultdict(set)
    for ancestor_id, descendant_id in UnionAncestor.objects.values_list("ancestor_id", "descendant_id"):
        below[ancestor_id].add(descendant_id)
    return below


def _competition(  # noqa: PLR0917
    rng: random.Random,
    history: _History,
    caiwu: User,
    reward: Programme | None,
    occupations: list[Occupation],
    trades: dict[int, list[Occupation]],
    organiser: Union,
    tier: str,
    pool: list[tuple[int, int, int, str, str]],
    year: int,
    today: dt.date,
    serial: int,
    size: tuple[int, int],
) -> tuple[list[Entry], list[SkillGrade], list[dict]]:
    starts = _day(rng, year, today)
    if rng.random() < 1 / 3 and _run_labour(rng, history, organiser, tier, pool, year, today, starts):
        return [], [], []
    admin = history.admin
    holders = [w for w in pool if trades.get(w[0])]
    if holders:  # a trade some of them hold, entered by those who hold it
        occupation = rng.choice(trades[rng.choice(holders)[0]])
        pool = [w for w in holders if occupation in trades[w[0]]]
    else:  # nobody here has a trade on record (a bare database): no promotions either
        occupation = rng.choice(occupations)
    competition = Competition.objects.create(
        name=f"{_short(organiser)}{year}年{occupation.name}技能竞赛",
        tier=tier,
        kind=Kind.SKILLS,
        organiser=organiser,
        registration_closes_on=starts - dt.timedelta(days=10),
        starts_on=starts,
        ends_on=starts + dt.timedelta(days=2),
        state=State.ARCHIVED if year < today.year else State.FINAL,
        finalised_on=starts + dt.timedelta(days=20),
        notice_ends_on=starts + dt.timedelta(days=15),
        region_code=organiser.region_id,
    )
    entries, grades, lines = [], [], []
    for e in range(rng.choice([1, 1, 2])):
        event = Event.objects.create(
            competition=competition, name=f"{occupation.name}{'个人赛' if e == 0 else '青年组'}", occupation=occupation
        )
        chosen = rng.sample(pool, min(len(pool), rng.randint(*size)))
        for rank, (worker_id, employer_id, union_id, region, name) in enumerate(chosen, start=1):
            entries.append(
                Entry(
                    event=event,
                    worker_id=worker_id,
                    employer_id=employer_id,
                    union_id=union_id,
                    region_code=region,
                    state=EntryState.WITHDRAWN if rng.random() < 0.03 else EntryState.REGISTERED,
                    registered_by=admin,
                )
            )
            if rank <= 3 and holders:
                grades.append(
                    SkillGrade(
                        worker_id=worker_id,
                        occupation=occupation,
                        grade=rng.choice([4, 5]),
                        source=GradeSource.COMPETITION,
                        certificate_no=f"{PREFIX}-{serial}-{e}-{rank}",
                        awarded_on=competition.finalised_on,
                        issuer=organiser.name,
                        reason=f"{competition.name}第{rank}名",
                    )
                )
                if reward is not None:
                    paid = timezone.make_aware(
                        dt.datetime.combine(competition.finalised_on + dt.timedelta(days=30), dt.time(10))
                    )
                    if paid.date() <= today:
                        lines.append(
                            {
                                "programme": reward,
                                "year": paid.year,
                                "union_id": union_id,
                                "worker_id": worker_id,
                                "payee": name,
                                "amount": Decimal((4 - rank) * 1000),
                                "reason": f"{competition.name}第{rank}名奖励",
                                "proposed_by": admin,
                                "approved_by": caiwu,
                                "approved_at": paid,
                                "paid_by": admin,
                                "paid_at": paid,
                                "state": "paid",
                                "source": f"{PREFIX}:{serial}:{e}:{rank}",
                            }
                        )
    return entries, grades, lines


def _run_labour(  # noqa: PLR0917
    rng: random.Random,
    history: _History,
    organiser: Union,
    tier: str,
    pool: list[tuple[int, int, int, str, str]],
    year: int,
    today: dt.date,
    starts: dt.date,
) -> bool:
    """A finished labour competition of the organiser's enterprises, run through the labour services;
    False (nothing written) when fewer than three units with a team of three can be made of the pool."""
    below = history.subtrees[organiser.pk]
    staff: dict[int, list[int]] = defaultdict(list)
    for worker_id, employer_id, union_id, _region, _name in pool:
        if union_id in below:
            staff[employer_id].append(worker_id)
    employers = sorted(e for e, ids in staff.items() if len(ids) >= MEMBERS)
    if not employers:
        return False
    if len(employers) >= 3:  # enterprises compete
        plan = [(e, "") for e in rng.sample(employers, min(len(employers), rng.randint(3, 4)))]
    elif len(staff[employers[0]]) >= 3 * MEMBERS:  # one enterprise's work areas compete
        plan = [(employers[0], area) for area in WORK_AREAS[: min(3, len(staff[employers[0]]) // MEMBERS)]]
    else:
        return False
    quarters = _quarters(starts, 2, today)  # half a year of quarterly rounds
    starts, ends = quarters[0][1], quarters[-1][2]
    theme = rng.choice(LABOUR_THEMES)
    admin, scope = history.admin, history.scope
    competition = Competition.objects.create(
        name=f"{_short(organiser)}{starts.year}年{theme}劳动竞赛",
        tier=tier,
        kind=Kind.LABOUR,
        organiser=organiser,
        committee=f"{_short(organiser)}劳动竞赛委员会",
        registration_closes_on=starts - dt.timedelta(days=10),
        starts_on=starts,
        ends_on=ends,
        state=State.IN_PROGRESS,
        region_code=organiser.region_id,
    )
    indicators = labour_demo.add_scheme(admin, competition, LABOUR_SCHEME, "average", scope=scope)
    teams = []  # each unit's team: its members (a worker is in one team) and its strength
    for employer_id, _section in plan:
        chosen = rng.sample(staff[employer_id], MEMBERS)
        staff[employer_id] = [w for w in staff[employer_id] if w not in chosen]
        teams.append((chosen, rng.random()))
    workers = Worker.objects.in_bulk([w for chosen, _strength in teams for w in chosen])
    units = []
    for (employer_id, section), (chosen, strength) in zip(plan, teams, strict=True):
        unit = labour.enter_unit(
            actor=admin, scope=scope, competition=competition, employer=history.employers[employer_id], section=section
        )
        team = labour.add_team(actor=admin, scope=scope, unit=unit, name=f"{section or '生产'}突击队")
        members = [workers[pk] for pk in sorted(chosen)]
        labour.add_members(actor=admin, scope=scope, team=team, workers=members)
        units.append((unit, strength))
    for name, first, last in quarters:
        round_ = labour.open_round(
            actor=admin,
            scope=scope,
            competition=competition,
            data=labour.RoundData(name, first, last, last + dt.timedelta(days=10)),
        )
        figures = {
            unit: {i.pk: (labour_demo.figure_for(i, rng, strength + rng.uniform(-0.2, 0.2)), "") for i in indicators}
            for unit, strength in units
        }  # the committee enters and checks the round's table
        labour.report_round(actor=admin, scope=scope, round_=round_, figures=figures, check=True)
        round_ = labour.close_round(actor=admin, scope=scope, round_=round_)
        round_.closed_at = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=12), dt.time(10)))
        history.rounds.append(round_)
    # the committee publishes the final standing as the competition goes final (labour.finish)
    competition = comp_services.transition(actor=admin, scope=scope, competition=competition, to=State.FINAL)
    competition.finalised_on = ends + dt.timedelta(days=20)
    competition.state = State.ARCHIVED if year < today.year else State.FINAL
    history.finished.append(competition)
    return True


def _quarters(day: dt.date, count: int, today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """``count`` calendar quarters from the one holding ``day`` (earlier ones where the last would not
    have closed 25 days before today): each round's name, first and last day."""
    first = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    while True:
        quarters = []
        for n in range(count):
            month = first.month - 1 + 3 * n
            start = dt.date(first.year + month // 12, month % 12 + 1, 1)
            after = dt.date(start.year + (start.month + 2) // 12, (start.month + 2) % 12 + 1, 1)
            quarters.append(
                (f"{start.year}年第{'一二三四'[(start.month - 1) // 3]}季度", start, after - dt.timedelta(days=1))
            )
        if quarters[-1][2] + dt.timedelta(days=25) <= today:
            return quarters
        month = first.month - 4
        first = dt.date(first.year + month // 12, month % 12 + 1, 1)
