"""Five years of history for the statistics demo: a few hundred finished competitions across the
cities, counties, enterprises and industrial unions, growing year on year, tens of thousands of
participations, the promotions and paid rewards that follow, then a full fill of the rollups.

Written with bulk inserts (the history is the demo's backdrop, not a walk through the
services, which ``seed_demo`` already shows on the competitions it runs itself).
Deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from gongjiang.competitions.enums import EntryState, Kind, State, Tier
from gongjiang.competitions.models import Competition, Entry, Event
from gongjiang.core.models import User
from gongjiang.core.seeding import DemoContext
from gongjiang.orgs.enums import UnionKind
from gongjiang.orgs.models import Union
from gongjiang.people.enums import GradeSource
from gongjiang.people.models import Occupation, SkillGrade, Worker
from gongjiang.policy.models import Programme

from . import fill

YEARS = 5
OCCUPATIONS = ["车工", "焊工", "钳工", "电工", "数控铣工", "维修电工", "汽车维修工", "起重装卸机械操作工"]
PREFIX = "demo-stats"


def _day(rng: random.Random, year: int, today: dt.date) -> dt.date:
    last = today - dt.timedelta(days=20) if year == today.year else dt.date(year, 12, 20)
    first = dt.date(year, 3, 1)
    return first + dt.timedelta(days=rng.randint(0, max((last - first).days, 0)))


def seed(ctx: DemoContext) -> None:
    """The demo orchestrator's entry: five years of history, then the rollups filled."""
    build(ctx.admin)


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
    with transaction.atomic():
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
                        admin,
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
                        admin,
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


def _competition(  # noqa: PLR0917
    rng: random.Random,
    admin: User,
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
    holders = [w for w in pool if trades.get(w[0])]
    if holders:  # a trade some of them hold, entered by those who hold it
        occupation = rng.choice(trades[rng.choice(holders)[0]])
        pool = [w for w in holders if occupation in trades[w[0]]]
    else:  # nobody here has a trade on record (a bare database): no promotions either
        occupation = rng.choice(occupations)
    competition = Competition.objects.create(
        name=f"{organiser.name.removesuffix('总工会').removesuffix('工会')}{year}年{occupation.name}技能竞赛",
        tier=tier,
        kind=rng.choice([Kind.SKILLS, Kind.SKILLS, Kind.LABOUR]),
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
