"""Demo data for the competitions: a provincial competition open for entries, a Harbin one under way,
a Qiqihar draft, and four years of finished provincial competitions (and one Harbin one) with entries,
blind marks by three judges, signed-off results, public notice, final results and certificates.

Reads ``rng`` and ``admin`` from the demo context (the users by their demo log-in names). Deterministic
for a given seed; the final competitions carry the day they became final, years ago.
"""

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from gongjiang.core.changes import announce
from gongjiang.core.models import User
from gongjiang.core.seeding import DemoContext
from gongjiang.orgs import services as org_services
from gongjiang.orgs.enums import RoleKind, UnionKind
from gongjiang.orgs.models import Union
from gongjiang.orgs.scope import Scope
from gongjiang.people.models import Occupation, Worker

from . import certificates, demo_data, marking
from . import services as comp_services
from .enums import State
from .models import Competition, Entry, Judge

# The marking scheme of every finished demo event: (code, description, kind, max mark, descriptors).
DEMO_ASPECTS = (
    ("A1", "关键尺寸精度", "measurement", 40, ()),
    ("A2", "工艺规范与表面质量", "judgement", 30, ("不符合要求", "基本符合", "良好", "优秀")),
    ("A3", "安全文明生产", "judgement", 30, ("有违规", "基本规范", "规范", "示范")),
)


def create_demo_competition(
    user: User, *, name: str, tier: str, organiser: Union, series: str, closes: dt.date, starts: dt.date
) -> Competition:
    """A three-day skills competition with its organising committee, created as ``user``."""
    return comp_services.create_competition(
        actor=user,
        scope=Scope(user),
        data=comp_services.CompetitionData(
            name=name,
            tier=tier,
            kind="skills",
            organiser=organiser,
            series=series,
            committee=f"{organiser.name.removesuffix('总工会')}职工技能竞赛组委会",
            registration_closes_on=closes,
            starts_on=starts,
            ends_on=starts + dt.timedelta(days=2),
        ),
    )


def add_demo_event(
    user: User,
    competition: Competition,
    occupation: Occupation,
    grade_min: int | None = None,
    grade_max: int | None = None,
    *,
    capacity: int | None = None,
) -> Any:
    """An individual event for workers of 18–60, weighted 30/70."""
    return comp_services.save_event(
        actor=user,
        scope=Scope(user),
        competition=competition,
        fields={
            "name": occupation.name,
            "occupation": occupation,
            "grade_min": grade_min,
            "grade_max": grade_max,
            "mode": "individual",
            "team_size": 1,
            "theory_weight": 30,
            "practical_weight": 70,
            "capacity": capacity,
            "min_age": 18,
            "max_age": 60,
            "audience": "employed",
        },
    )


def seed(ctx: DemoContext) -> None:
    build_competitions(ctx.rng, ctx.admin)
    enter_demo_worker(ctx.admin)
    build_past_competitions(ctx.rng, ctx.admin)


def build_competitions(rng: random.Random, admin: User) -> None:
    """A provincial competition open for entries, a Harbin one under way, a Qiqihar draft."""
    harbin_admin = User.objects.get(username="haerbin")
    qiqihar_admin = User.objects.get(username="qiqihaer")
    plan = (
        (
            admin,
            "2026年黑龙江省职工职业技能大赛",
            "provincial_1",
            "黑龙江省总工会",
            "五个百万",
            dt.date(2026, 12, 20),
            dt.date(2027, 1, 10),
            State.REGISTRATION,
            (("数控车工", 3, None), ("焊工", None, None), ("电工", 3, 6)),
        ),
        (
            harbin_admin,
            "2026年哈尔滨市“五个百万”车工技能竞赛",
            "city",
            "哈尔滨市总工会",
            "五个百万",
            dt.date(2026, 11, 10),
            dt.date(2026, 11, 20),
            State.IN_PROGRESS,
            (("车工", None, None),),
        ),
        (
            qiqihar_admin,
            "齐齐哈尔市装备制造业焊工比武",
            "city",
            "齐齐哈尔市总工会",
            "",
            dt.date(2027, 3, 1),
            dt.date(2027, 3, 15),
            State.DRAFT,
            (("焊工", 2, None),),
        ),
    )
    occupations = {o.name: o for o in Occupation.objects.all()}
    for user, name, tier, organiser_name, series, closes, starts, state, events in plan:
        scope = Scope(user)
        organiser = Union.objects.get(name=organiser_name)
        competition = create_demo_competition(
            user, name=name, tier=tier, organiser=organiser, series=series, closes=closes, starts=starts
        )
        for occupation, grade_min, grade_max in events:
            add_demo_event(user, competition, occupations[occupation], grade_min, grade_max, capacity=60)
        if state == State.DRAFT:
            continue
        comp_services.transition(actor=user, scope=scope, competition=competition, to=State.REGISTRATION)
        for event in competition.events.select_related("occupation"):
            candidates = list(
                Worker.objects.filter(occupations=event.occupation, union__ancestor_links__ancestor=organiser).order_by(
                    "pk"
                )[:200]
            )
            for worker in rng.sample(candidates, min(len(candidates), 40)):
                try:
                    comp_services.register_entry(actor=user, scope=scope, event=event, worker=worker)
                except comp_services.CompetitionError:
                    continue  # not eligible (grade, age): a real union would not enter them either
        if state == State.IN_PROGRESS:  # starting needs a marking scheme and judges for every event
            for event in competition.events.all():
                prepare_judging(user, event, demo_judges(admin))
            comp_services.transition(actor=user, scope=scope, competition=competition, to=state)


def enter_demo_worker(admin: User) -> None:
    """秦世俊, the demo's worker log-in, enters the provincial competition's CNC milling event, so a
    worker's home page and 我的竞赛 have a registration to show."""
    competition = Competition.objects.get(name="2026年黑龙江省职工职业技能大赛")
    worker = Worker.objects.filter(user__username="qinshijun").first()
    if worker is None:
        return
    event = add_demo_event(admin, competition, worker.occupations.get(), 3, None, capacity=60)
    comp_services.register_entry(actor=admin, scope=Scope(admin), event=event, worker=worker)


def build_past_competitions(rng: random.Random, admin: User) -> None:
    """Four years of finished provincial competitions and one Harbin one: entries, blind marks by
    three judges, signed-off results, public notice, final results and certificates."""
    province = Union.objects.get(kind=UnionKind.PROVINCE)
    judges = demo_judges(admin)
    for year in (2022, 2023, 2024, 2025):
        run_finished_competition(
            rng,
            admin,
            judges,
            f"{year}年黑龙江省职工职业技能大赛",
            "provincial_1",
            province,
            year,
            ("数控车工", "焊工"),
        )
    harbin = Union.objects.get(name="哈尔滨市总工会")
    harbin_admin = User.objects.get(username="haerbin")
    run_finished_competition(
        rng, harbin_admin, judges, "2025年哈尔滨市“五个百万”电工技能竞赛", "city", harbin, 2025, ("电工",)
    )


def demo_judges(admin: User) -> dict[str, Any]:
    """The province pool's judges (demo_data.JUDGES, one to three trades each), by log-in, made once."""
    logins = [username for username, *_ in demo_data.JUDGES]
    judges = {j.user.username: j for j in Judge.objects.filter(user__username__in=logins).select_related("user")}
    if len(judges) == len(logins):
        return judges
    scope = Scope(admin)
    province = Union.objects.get(kind=UnionKind.PROVINCE)
    occupations = {o.name: o for o in Occupation.objects.all()}
    first = User.objects.get(username=logins[0])
    for username, name, trades, affiliation in demo_data.JUDGES:
        if username in judges:
            continue
        user = User.objects.filter(username=username).first()
        if user is None:  # the demo password, hashed once (argon2 takes a moment each time)
            user = User.objects.create(username=username, password=first.password, display_name=f"裁判 {name}")
            org_services.grant_role(actor=None, scope=None, user=user, union=province, kind=RoleKind.JUDGE)
        judges[username] = comp_services.add_judge(
            actor=admin,
            scope=scope,
            pool=province,
            name=name,
            region_code="230100",
            occupations=[occupations[t] for t in trades],
            affiliation=affiliation,
            user=user,
        )
    return judges


def prepare_judging(user: User, event: Any, judges: dict[str, Any]) -> None:
    """The demo marking scheme and the three judges of the event's trade (the first chairs)."""
    scope = Scope(user)
    criterion = marking.add_criterion(actor=user, scope=scope, event=event, code="A", name="实操加工")
    for code, description, kind, max_mark, descriptors in DEMO_ASPECTS:
        marking.add_aspect(
            actor=user,
            scope=scope,
            criterion=criterion,
            code=code,
            description=description,
            kind=kind,
            max_mark=Decimal(max_mark),
            descriptors=list(descriptors),
        )
    for index, login in enumerate(demo_data.judges_of(event.occupation.name)[:3]):
        assignment = comp_services.assign_judge(actor=user, scope=scope, event=event, judge=judges[login])
        if index == 0:
            comp_services.set_chief(actor=user, scope=scope, assignment=assignment)


def run_finished_competition(  # noqa: PLR0917
    rng: random.Random,
    user: User,
    judges: dict[str, Any],
    name: str,
    tier: str,
    organiser: Union,
    year: int,
    events: tuple[str, ...],
) -> None:
    scope = Scope(user)
    occupations = {o.name: o for o in Occupation.objects.all()}
    competition = create_demo_competition(
        user,
        name=name,
        tier=tier,
        organiser=organiser,
        series="五个百万",
        closes=dt.date(year, 8, 31),
        starts=dt.date(year, 9, 20),
    )
    for occupation in events:
        event = add_demo_event(user, competition, occupations[occupation])
        prepare_judging(user, event, judges)
    comp_services.transition(actor=user, scope=scope, competition=competition, to=State.REGISTRATION)
    for event in competition.events.select_related("occupation"):
        candidates = list(
            Worker.objects.filter(occupations=event.occupation, union__ancestor_links__ancestor=organiser)
            .exclude(pk__in=event.entries.values("worker_id"))
            .order_by("pk")[:300]
        )
        for worker in rng.sample(candidates, min(len(candidates), 16)):
            try:
                comp_services.register_entry(actor=user, scope=scope, event=event, worker=worker)
            except comp_services.CompetitionError:
                continue
    comp_services.transition(actor=user, scope=scope, competition=competition, to=State.IN_PROGRESS)
    comp_services.transition(actor=user, scope=scope, competition=competition, to=State.MARKING)
    for event in competition.events.all():
        mark_event(rng, event, [a.judge for a in event.assignments.select_related("judge__user")])
    comp_services.transition(actor=user, scope=scope, competition=competition, to=State.NOTICE)
    Competition.objects.filter(pk=competition.pk).update(notice_ends_on=dt.date(year, 10, 10))
    comp_services.transition(actor=user, scope=scope, competition=competition, to=State.FINAL)
    # finished years ago: the awards' demo decides it under the rules in force on that day
    Competition.objects.filter(pk=competition.pk).update(finalised_on=dt.date(year, 10, 12))
    certificates.issue_all(actor=user, scope=scope, competition=competition)


def mark_event(rng: random.Random, event: Any, judges: list[Any]) -> None:
    """Three judges mark every competitor blind; spreads of two points are re-marked; the chief signs off.

    The sheets of each pass go in as one batch (``marking.record_sheets``: the checks and the audit of
    ``record_marks`` sheet by sheet, written in a few statements)."""
    aspects = list(marking.Aspect.objects.filter(criterion__event=event))
    entries = list(event.entries.filter(state="registered"))
    sheets = []
    for entry in entries:
        level = rng.randint(1, 3)
        entry.theory_score = Decimal(rng.randint(6000, 9800)) / 100
        entry.time_used = rng.randint(5400, 10800)
        for index, judge in enumerate(judges):
            values = {a.pk: max(0, min(3, level + rng.choice((-1, 0, 0, 1)))) for a in aspects if a.kind == "judgement"}
            if index == 0:  # the measurement is taken once
                values |= {a.pk: rng.randint(20, 40) for a in aspects if a.kind == "measurement"}
            sheets.append(marking.Sheet(actor=judge.user, entry=entry, values=values))
    announce(Entry, instances=entries)  # a bulk update sends no signal; the statistics' listeners hear it here
    Entry.objects.bulk_update(entries, ["theory_score", "time_used"])
    marking.record_sheets(event=event, sheets=sheets)
    flagged_aspects, statuses = marking.marking_status(event)
    remarks = []
    for status in statuses:
        for aspect in flagged_aspects:
            if aspect.code in status.flagged:
                middle = sorted(int(v) for v in status.marks[aspect.pk])[1]
                remarks += [
                    marking.Sheet(
                        actor=judge.user,
                        entry=status.entry,
                        values={aspect.pk: middle},
                        reason="评分差异超过1分，复核后重评",
                    )
                    for judge in judges
                ]
    marking.record_sheets(event=event, sheets=remarks)
    marking.sign_off(actor=judges[0].user, event=event)
