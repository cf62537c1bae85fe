"""Build a plausible Heilongjiang: the union tree, employers, workers with grades, one log-in per role.

Deterministic for a given --seed. Workers go through the real importer, so the demo
exercises the same validation, bulk path and audit rows as a union official's file.
"""

import datetime as dt
import random
import time
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from gongjiang.awards import demo as awards_demo
from gongjiang.colleges import demo as colleges_demo
from gongjiang.competitions import certificates, marking
from gongjiang.competitions import services as comp_services
from gongjiang.competitions.enums import State
from gongjiang.competitions.models import Competition
from gongjiang.core.fakeids import make_id_number, make_uscc
from gongjiang.core.models import User
from gongjiang.imports.samples import header, worker_rows
from gongjiang.imports.workers import WorkerImporter
from gongjiang.orgs import services as org_services
from gongjiang.orgs.enums import RegionLevel, RoleKind, UnionKind
from gongjiang.orgs.models import Employer, Region, Union
from gongjiang.orgs.scope import Scope
from gongjiang.people import services as people_services
from gongjiang.people.enums import GradeSource
from gongjiang.people.models import Honour, Occupation, Worker
from gongjiang.policy import seed as policy_seed
from gongjiang.stats import demo as stats_demo
from gongjiang.studios import demo as studio_demo

DEMO_PASSWORD = "gongjiang-demo"  # noqa: S105 (demo only; printed for the reader)

INDUSTRY_UNIONS = (
    ("forestry", "黑龙江省森林工业工会"),
    ("farming", "黑龙江省农林水利工会"),
    ("coal", "黑龙江省能源化学地质工会"),
    ("power", "黑龙江省电力工会"),
    ("machinery", "黑龙江省机械冶金建材工会"),
    ("transport", "黑龙江省交通运输工会"),
    ("education", "黑龙江省教育工会"),
    ("health", "黑龙江省科教文卫工会"),
    ("petroleum", "黑龙江省石油化工工会"),
)

# Employers the article names, with a county-level region and an industrial union.
NAMED_EMPLOYERS = (
    ("中国第一重型机械集团有限公司", "230206", "machinery", "重型装备制造"),
    ("中车齐齐哈尔车辆有限公司", "230204", "machinery", "铁路车辆制造"),
    ("齐齐哈尔和平重工集团有限公司", "230206", "machinery", "重型装备制造"),
    ("龙煤鸡西矿业有限责任公司", "230302", "coal", "煤炭开采"),
    ("哈尔滨电机厂有限责任公司", "230110", "power", "发电设备制造"),
    ("哈尔滨飞机工业集团有限责任公司", "230108", "machinery", "航空器制造"),
    ("中国龙江森林工业集团有限公司", "230103", "forestry", "林业"),
    ("北大荒农垦集团有限公司", "230110", "farming", "现代农业"),
    ("大庆油田有限责任公司", "230602", "petroleum", "石油开采"),
    ("国网黑龙江省电力有限公司", "230103", "power", "电力供应"),
)
SUFFIXES = ("机械制造有限公司", "建设集团有限公司", "食品有限公司", "电力工程有限公司", "化工有限公司", "装备有限公司")
INDUSTRY_OF_SUFFIX = ("machinery", None, "farming", "power", "petroleum", "machinery")

# The marking scheme of every finished demo event: (code, description, kind, max mark, descriptors).
DEMO_ASPECTS = (
    ("A1", "关键尺寸精度", "measurement", 40, ()),
    ("A2", "工艺规范与表面质量", "judgement", 30, ("不符合要求", "基本符合", "良好", "优秀")),
    ("A3", "安全文明生产", "judgement", 30, ("有违规", "基本规范", "规范", "示范")),
)

# (name, employer, occupation, grade, birth, certificate date): craftsmen the article names.
CRAFTSMEN = (
    ("秦世俊", "哈尔滨飞机工业集团有限责任公司", "数控铣工", 6, dt.date(1981, 3, 12), dt.date(2012, 6, 1)),
    ("刘伯鸣", "中国第一重型机械集团有限公司", "锻造工", 6, dt.date(1969, 10, 8), dt.date(2008, 9, 1)),
    ("刘丽", "大庆油田有限责任公司", "采油工", 6, dt.date(1971, 5, 20), dt.date(2005, 11, 1)),
)
# The honours each of them holds, as the article gives them: (title, kind, level, year).
CRAFTSMEN_HONOURS = {
    "秦世俊": (("大国工匠年度人物", "craftsman", 4, 2019), ("全国劳动模范", "model_worker", 4, 2020)),
    "刘伯鸣": (("大国工匠年度人物", "craftsman", 4, 2020), ("全国劳动模范", "model_worker", 4, 2015)),
    "刘丽": (("大国工匠年度人物", "craftsman", 4, 2021), ("全国劳动模范", "model_worker", 4, 2010)),
}


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


class Command(BaseCommand):
    help = "Load the Heilongjiang demo: unions, employers, workers with grades, and one log-in per role."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--workers", type=int, default=3000, help="generated workers (default 3000)")
        parser.add_argument("--employers-per-city", type=int, default=10)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--if-empty", action="store_true", help="do nothing when unions already exist")

    def handle(self, *args: Any, **opts: Any) -> None:
        if Union.objects.exists():
            if opts["if_empty"]:
                self.stdout.write("Demo data already present; nothing to do.")
                self.print_logins()
                return
            raise CommandError("The database already has unions; seed_demo only fills an empty database.")
        started = time.monotonic()
        rng = random.Random(opts["seed"])
        with transaction.atomic():
            province, cities, counties, industries = self.build_unions()
            employers = self.build_employers(rng, province, cities, counties, industries, opts["employers_per_city"])
            admin = self.build_users(province, cities, industries, employers)
        self.build_workers(rng, admin, employers, opts["workers"])
        self.link_worker_logins(admin, employers)
        policy_seed.load()
        self.build_competitions(rng, admin, cities)
        self.build_past_competitions(rng, admin)
        studio_demo.build(admin, User.objects.get(username="gongzuoshi"))
        awards_demo.build(
            sheng=admin,
            caiwu=User.objects.get(username="caiwu"),
            reviewers=list(User.objects.filter(username__in=["caipan", "caipan2", "caipan3"])),
        )
        colleges_demo.build(admin)
        stats_demo.build(admin)  # five years of history, then the rollups filled
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready in {time.monotonic() - started:.1f}s: {Union.objects.count()} unions, "
                f"{Employer.objects.count()} employers, {Worker.objects.count()} workers."
            )
        )
        self.print_logins()

    def build_unions(self) -> tuple[Union, dict[str, Union], dict[str, Union], dict[str, Union]]:
        regions = {r.code: r for r in Region.objects.all()}
        province = org_services.create_union(
            actor=None, name="黑龙江省总工会", kind=UnionKind.PROVINCE, region=regions["230000"], parent=None
        )
        cities: dict[str, Union] = {}
        counties: dict[str, Union] = {}
        for region in sorted(regions.values(), key=lambda r: r.code):
            if region.level == RegionLevel.PREFECTURE:
                cities[region.code] = org_services.create_union(
                    actor=None, name=f"{region.name}总工会", kind=UnionKind.CITY, region=region, parent=province
                )
        for region in sorted(regions.values(), key=lambda r: r.code):
            if region.level == RegionLevel.COUNTY and region.parent_id in cities:
                city = cities[region.parent_id]
                counties[region.code] = org_services.create_union(
                    actor=None,
                    name=f"{city.region.name}{region.name}总工会",
                    kind=UnionKind.COUNTY,
                    region=region,
                    parent=city,
                )
        industries = {
            key: org_services.create_union(
                actor=None, name=name, kind=UnionKind.INDUSTRY, region=regions["230000"], parent=province
            )
            for key, name in INDUSTRY_UNIONS
        }
        return province, cities, counties, industries

    def build_employers(  # noqa: PLR0917
        self,
        rng: random.Random,
        province: Union,
        cities: dict[str, Union],
        counties: dict[str, Union],
        industries: dict[str, Union],
        per_city: int,
    ) -> list[Employer]:
        employers = []
        serial = 1000
        for name, region_code, industry_key, industry in NAMED_EMPLOYERS:
            serial += 1
            employers.append(
                org_services.create_employer(
                    actor=None,
                    name=name,
                    uscc=make_uscc(region_code, serial),
                    region=counties[region_code].region,
                    parent_union=counties[region_code],
                    industry_union=industries[industry_key],
                    industry=industry,
                )
            )
        county_list = sorted(counties.values(), key=lambda u: u.region_id)
        for city_code in sorted(cities):
            local = [c for c in county_list if c.region.parent_id == city_code]
            for i in range(per_city):
                county = rng.choice(local)
                suffix_index = rng.randrange(len(SUFFIXES))
                industry_key = INDUSTRY_OF_SUFFIX[suffix_index]
                serial += 1
                city_name = cities[city_code].region.name.removesuffix("市").removesuffix("地区")
                name = f"{city_name}{county.region.name[:2]}{SUFFIXES[suffix_index]}"
                if Employer.objects.filter(name=name).exists():
                    name = f"{name[:-4]}{i + 1}号{name[-4:]}"
                employers.append(
                    org_services.create_employer(
                        actor=None,
                        name=name,
                        uscc=make_uscc(county.region_id, serial),
                        region=county.region,
                        parent_union=county,
                        industry_union=industries[industry_key] if industry_key else None,
                        industry=SUFFIXES[suffix_index].removesuffix("有限公司").removesuffix("集团"),
                    )
                )
        return employers

    def build_users(
        self, province: Union, cities: dict[str, Union], industries: dict[str, Union], employers: list[Employer]
    ) -> User:
        by_name = {e.name: e for e in employers}
        plan = (
            ("caiwu", "省总 财务处 审核员", province, RoleKind.PROVINCE_ADMIN),
            ("sheng", "省总 管理员", province, RoleKind.PROVINCE_ADMIN),
            ("haerbin", "哈尔滨市总 管理员", cities["230100"], RoleKind.UNION_ADMIN),
            ("qiqihaer", "齐齐哈尔市总 管理员", cities["230200"], RoleKind.UNION_ADMIN),
            ("qiqihaer2", "齐齐哈尔市总 财务", cities["230200"], RoleKind.UNION_ADMIN),
            ("jixie", "机械冶金建材工会 管理员", industries["machinery"], RoleKind.UNION_ADMIN),
            ("hafei", "哈飞工会 干事", by_name["哈尔滨飞机工业集团有限责任公司"].union, RoleKind.ENTERPRISE_STAFF),
            ("xueyuan", "装备制造业工匠学院 管理员", province, RoleKind.COLLEGE_ADMIN),
            ("caipan", "裁判 张建国", province, RoleKind.JUDGE),
            ("caipan2", "裁判 李振华", province, RoleKind.JUDGE),
            ("caipan3", "裁判 赵立新", province, RoleKind.JUDGE),
            ("gongzuoshi", "哈电机创新工作室 领衔人", by_name["哈尔滨电机厂有限责任公司"].union, RoleKind.STUDIO_LEAD),
        )
        admin = None
        for username, display, union, kind in plan:
            user = User.objects.create_user(username=username, password=DEMO_PASSWORD, display_name=display)
            org_services.grant_role(actor=None, scope=None, user=user, union=union, kind=kind)
            if kind == RoleKind.PROVINCE_ADMIN:
                admin = user
        if admin is None:
            raise CommandError("the demo plan has no provincial admin")
        return admin

    def build_workers(self, rng: random.Random, admin: User, employers: list[Employer], count: int) -> None:
        occupations = list(Occupation.objects.values_list("name", flat=True))
        pairs = [(e.uscc, e.region_id) for e in employers]
        rows = iter([header(), *worker_rows(rng, pairs, occupations, count)])
        importer = WorkerImporter(actor=admin, scope=Scope(admin))
        records = importer.clean_rows(rows)
        importer.clean_file(records)
        if importer.errors:
            raise CommandError("generated demo rows failed validation: " + "; ".join(map(str, importer.errors[:5])))
        importer.write(records)

    def link_worker_logins(self, admin: User, employers: list[Employer]) -> None:
        by_name = {e.name: e for e in employers}
        scope = Scope(admin)
        occupations = {o.name: o for o in Occupation.objects.all()}
        for index, (name, employer_name, occupation, grade, birth, awarded) in enumerate(CRAFTSMEN):
            employer = by_name[employer_name]
            worker = people_services.create_worker(
                actor=admin,
                scope=scope,
                data=people_services.WorkerData(
                    name=name,
                    id_number=make_id_number(employer.region_id, birth, 900 + index, male=name != "刘丽"),
                    employer=employer,
                    occupations=(occupations[occupation],),
                ),
            )
            people_services.add_grade(
                actor=admin,
                scope=scope,
                worker=worker,
                occupation=occupations[occupation],
                grade=grade,
                source=GradeSource.EVALUATION,
                certificate_no=f"HLJ{awarded:%Y}{index + 1:06d}",
                awarded_on=awarded,
                issuer="黑龙江省职业技能鉴定指导中心",
            )
            for title, kind, level, year in CRAFTSMEN_HONOURS[name]:
                Honour.objects.create(
                    worker=worker, title=title, kind=kind, level=level, year=year, conferred_by="中华全国总工会"
                )
            if index == 0:
                user = User.objects.create_user(username="qinshijun", password=DEMO_PASSWORD, display_name=name)
                org_services.grant_role(actor=None, scope=None, user=user, union=employer.union, kind=RoleKind.WORKER)
                Worker.objects.filter(pk=worker.pk).update(user=user)

    def build_competitions(self, rng: random.Random, admin: User, cities: dict[str, Union]) -> None:
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
                    Worker.objects.filter(
                        occupations=event.occupation, union__ancestor_links__ancestor=organiser
                    ).order_by("pk")[:200]
                )
                for worker in rng.sample(candidates, min(len(candidates), 40)):
                    try:
                        comp_services.register_entry(actor=user, scope=scope, event=event, worker=worker)
                    except comp_services.CompetitionError:
                        continue  # not eligible (grade, age): a real union would not enter them either
            if state == State.IN_PROGRESS:
                comp_services.transition(actor=user, scope=scope, competition=competition, to=state)

    def build_past_competitions(self, rng: random.Random, admin: User) -> None:
        """Four years of finished provincial competitions and one Harbin one: entries, blind marks by
        three judges, signed-off results, public notice, final results and certificates."""
        scope = Scope(admin)
        province = Union.objects.get(kind=UnionKind.PROVINCE)
        occupations = {o.name: o for o in Occupation.objects.all()}
        judges = []
        for username in ("caipan", "caipan2", "caipan3"):
            user = User.objects.get(username=username)
            judges.append(
                comp_services.add_judge(
                    actor=admin,
                    scope=scope,
                    pool=province,
                    name=user.display_name.removeprefix("裁判 "),
                    region_code="230100",
                    occupations=list(occupations.values()),
                    affiliation="哈尔滨工业大学",
                    user=user,
                )
            )
        for year in (2022, 2023, 2024, 2025):
            self.run_finished_competition(
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
        self.run_finished_competition(
            rng, harbin_admin, judges, "2025年哈尔滨市“五个百万”电工技能竞赛", "city", harbin, 2025, ("电工",)
        )

    def run_finished_competition(  # noqa: PLR0917
        self,
        rng: random.Random,
        user: User,
        judges: list[Any],
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
            for index, judge in enumerate(judges):
                assignment = comp_services.assign_judge(actor=user, scope=scope, event=event, judge=judge)
                if index == 0:
                    comp_services.set_chief(actor=user, scope=scope, assignment=assignment)
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
            self.mark_event(rng, event, judges)
        comp_services.transition(actor=user, scope=scope, competition=competition, to=State.NOTICE)
        Competition.objects.filter(pk=competition.pk).update(notice_ends_on=dt.date(year, 10, 10))
        comp_services.transition(actor=user, scope=scope, competition=competition, to=State.FINAL)
        awards_demo.refinalise(competition, dt.date(year, 10, 12))
        certificates.issue_all(actor=user, scope=scope, competition=competition)

    def mark_event(self, rng: random.Random, event: Any, judges: list[Any]) -> None:
        """Three judges mark every competitor blind; spreads of two points are re-marked; the chief signs off."""
        aspects = list(marking.Aspect.objects.filter(criterion__event=event))
        for entry in event.entries.filter(state="registered").select_related("worker", "employer"):
            level = rng.randint(1, 3)
            entry.theory_score = Decimal(rng.randint(6000, 9800)) / 100
            entry.time_used = rng.randint(5400, 10800)
            entry.save(update_fields=["theory_score", "time_used"])
            for index, judge in enumerate(judges):
                values = {
                    a.pk: max(0, min(3, level + rng.choice((-1, 0, 0, 1)))) for a in aspects if a.kind == "judgement"
                }
                if index == 0:  # the measurement is taken once
                    values |= {a.pk: rng.randint(20, 40) for a in aspects if a.kind == "measurement"}
                marking.record_marks(actor=judge.user, event=event, entry=entry, values=values)
        flagged_aspects, statuses = marking.marking_status(event)
        for status in statuses:
            for aspect in flagged_aspects:
                if aspect.code in status.flagged:
                    middle = sorted(int(v) for v in status.marks[aspect.pk])[1]
                    for judge in judges:
                        marking.record_marks(
                            actor=judge.user,
                            event=event,
                            entry=status.entry,
                            values={aspect.pk: middle},
                            reason="评分差异超过1分，复核后重评",
                        )
        marking.sign_off(actor=judges[0].user, event=event)

    def print_logins(self) -> None:
        self.stdout.write(f"\nDemo log-ins (password for all: {DEMO_PASSWORD}):")
        for user in User.objects.filter(roles__isnull=False).distinct().order_by("pk"):
            roles = ", ".join(f"{r.get_kind_display()} @ {r.union.name}" for r in user.roles.select_related("union"))
            self.stdout.write(f"  {user.username:<12} {roles}")
