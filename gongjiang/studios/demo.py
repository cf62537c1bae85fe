"""Demo studios and alliances as the article describes them, built through the real services.

- 林业工会劳模创新工作室联盟 (forestry union, August 2022): three studio leads on 红松种植 problems;
- 中国一重 with 中车齐车, 和平重工 and three more Qiqihar units (six units);
- 龙煤鸡西矿业's seven alliances, over 70 million yuan of economic value in 2023;
- 哈电集团哈尔滨电机's cross-industry alliance of eleven, four of them from other provinces
  (一汽, 邯钢, 北京金隅, 长城铝业), chaired by the studio of the demo log-in ``gongzuoshi``.

Workers for leads and teams are created here (``WORKERS`` of them), each lead with the honour the
level requires; studios are applied for, given projects and results, and named by the province.
"""

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongjiang.core import crypto
from gongjiang.core.fakeids import make_id_number, make_uscc
from gongjiang.core.models import User
from gongjiang.core.seeding import DemoContext
from gongjiang.orgs import services as org_services
from gongjiang.orgs.enums import RoleKind, UnionKind
from gongjiang.orgs.models import Employer, Union, UnionAncestor
from gongjiang.orgs.scope import Scope
from gongjiang.people import demo_data as people_demo
from gongjiang.people import services as people_services
from gongjiang.people.enums import GradeSource
from gongjiang.people.models import Honour, Occupation, Worker

from . import demo_data, policy_targets, services
from .enums import StudioState
from .models import Alliance, Membership, Problem, Project, Studio

# nothing in this seed catches a service's failure: seed_demo runs it without savepoints and with
# its audit rows held (core.seeding.in_bulk)
IN_BULK = True

# Two forestry employers the base demo lacks: (name, county code, serial).
FORESTRY_EMPLOYERS = (
    ("黑龙江省林口林业局有限公司", "231025", 2001),
    ("黑龙江伊春森工集团有限责任公司", "230717", 2002),
)

# (key, studio name, employer, level, field, lead name or None for a new lead, own project, its value, result)
STUDIOS: tuple[tuple[str, str, str, str, str, str | None, str, int, str], ...] = (
    (
        "pine",
        "红松种植创新工作室",
        "中国龙江森林工业集团有限公司",
        "city",
        "红松种植 林下经济",
        None,
        "红松果林结实率提升",
        1_200_000,
        "红松果林修剪操作法",
    ),
    (
        "graft",
        "红松嫁接育苗创新工作室",
        "黑龙江省林口林业局有限公司",
        "city",
        "红松嫁接育苗 林木育苗",
        None,
        "红松嫁接育苗成活率提升",
        860_000,
        "红松芽接技术规程",
    ),
    (
        "pest",
        "森林病虫害防治创新工作室",
        "黑龙江伊春森工集团有限责任公司",
        "city",
        "林木病虫害防治",
        None,
        "落叶松毛虫生物防治",
        540_000,
        "病虫害监测规范",
    ),
    (
        "forge",
        "刘伯鸣大锻件创新工作室",
        "中国第一重型机械集团有限公司",
        "national",
        "大型锻件锻造 锻造工",
        "刘伯鸣",
        "核电大锻件一体化锻造",
        38_000_000,
        "超大型锻件锻造方法",
    ),
    (
        "crrc",
        "铁路货车转向架创新工作室",
        "中车齐齐哈尔车辆有限公司",
        "city",
        "铁路货车 转向架 焊接",
        None,
        "转向架侧架焊接变形控制",
        2_600_000,
        "转向架焊接工艺规程",
    ),
    (
        "heping",
        "重型装备焊接创新工作室",
        "齐齐哈尔和平重工集团有限公司",
        "city",
        "重型装备 焊接 结构件",
        None,
        "大型结构件焊接质量提升",
        1_500_000,
        "厚板焊接操作法",
    ),
    (
        "hadian",
        "大型发电机创新工作室",
        "哈尔滨电机厂有限责任公司",
        "provincial",
        "大型发电机 定子线圈 绝缘",
        "王洪涛",
        "水轮发电机定子线圈绝缘工艺改进",
        9_800_000,
        "定子线棒绝缘专利",
    ),
    (
        "hadian2",
        "水轮机转轮创新工作室",
        "哈尔滨电机厂有限责任公司",
        "city",
        "水轮机 转轮 数控加工",
        None,
        "大型转轮叶片数控加工",
        4_200_000,
        "叶片加工操作法",
    ),
    (
        "hafei",
        "秦世俊数控铣创新工作室",
        "哈尔滨飞机工业集团有限责任公司",
        "provincial",
        "数控铣削 航空零件",
        "秦世俊",
        "航空薄壁零件变形控制",
        6_500_000,
        "薄壁件数控铣削方法",
    ),
    (
        "grid",
        "输变电检修创新工作室",
        "国网黑龙江省电力有限公司",
        "city",
        "输变电 带电作业",
        None,
        "带电作业机器人应用",
        3_100_000,
        "带电作业工器具专利",
    ),
)
JIXI_STUDIOS = (
    ("综采工作面智能化", "智能化综采 液压支架"),
    ("瓦斯抽采", "瓦斯抽采 通风安全"),
    ("机电设备维修", "矿山机电 设备维修"),
    ("井下运输", "井下运输 胶带机"),
    ("选煤工艺", "选煤 洗选工艺"),
    ("矿井供电", "矿井供电 变电所"),
    ("掘进支护", "掘进 锚杆支护"),
    ("煤矿机械加工", "煤矿机械 零件加工"),
)
JIXI_ALLIANCES = (  # name, member indexes into JIXI_STUDIOS, joint project, value in yuan (2023)
    ("鸡西矿业智能开采创新工作室联盟", (0, 6), "综采工作面自动化截割改造", 14_800_000),
    ("鸡西矿业瓦斯治理创新工作室联盟", (1, 5), "高瓦斯工作面抽采系统优化", 12_300_000),
    ("鸡西矿业机电创新工作室联盟", (2, 7), "主通风机变频节能改造", 9_600_000),
    ("鸡西矿业运输创新工作室联盟", (3, 2), "井下胶带机智能巡检", 8_200_000),
    ("鸡西矿业洗选创新工作室联盟", (4, 2), "重介质选煤工艺优化", 11_900_000),
    ("鸡西矿业供电创新工作室联盟", (5, 7), "井下供电系统漏电保护改造", 7_400_000),
    ("鸡西矿业掘进创新工作室联盟", (6, 0, 3), "快速掘进锚护一体化", 8_400_000),
)
EXTERNAL = (
    ("一汽解放焊装创新工作室", "中国第一汽车集团有限公司", "吉林省", "汽车焊装"),
    ("邯钢轧钢创新工作室", "邯郸钢铁集团有限责任公司", "河北省", "轧钢 设备维修"),
    ("金隅水泥窑创新工作室", "北京金隅集团股份有限公司", "北京市", "水泥窑 耐火材料"),
    ("长城铝业电解创新工作室", "中国长城铝业有限公司", "河南省", "铝电解 节能"),
)


def _team(level: str) -> int:
    return 5 if level in {"provincial", "national"} else 3


QIQIHAR_EXTRA, HARBIN_EXTRA = 3, 2  # studios of generated employers in the 一重 and 哈电 alliances
HEAVY_INDUSTRIES = ("机械制造", "装备", "电力工程")  # the generated employers such an alliance takes in
# How many workers this demo adds: every team member, and every lead the base demo does not have.
WORKERS = (
    sum(_team(s[3]) - (1 if s[5] in {"刘伯鸣", "秦世俊"} else 0) for s in STUDIOS)
    + (len(JIXI_STUDIOS) + QIQIHAR_EXTRA + HARBIN_EXTRA) * 3
)


class _Ids:
    """Fresh ID numbers, checked against the registry's keyed hash."""

    def __init__(self) -> None:
        self.serial = 450
        self.day = dt.date(1968, 1, 1)

    def next(self, region: str, male: bool = True) -> str:
        while True:
            self.serial += 1
            self.day += dt.timedelta(days=37)
            number = make_id_number(region, self.day, self.serial, male=male)
            if not Worker.objects.filter(id_number_hash=crypto.keyed_hash(number)).exists():
                return number


def _worker(
    admin: User,
    ids: _Ids,
    employer: Employer,
    name: str,
    trades: tuple[str, ...] = (),
    *,
    male: bool = True,
    grade: int = 4,
) -> Worker:
    """A worker of ``employer`` holding ``trades``, with a certificate of ``grade`` in the first."""
    occupations = tuple(Occupation.objects.filter(name__in=trades))
    worker = people_services.create_worker(
        actor=admin,
        scope=Scope(admin),
        data=people_services.WorkerData(
            name=name, id_number=ids.next(employer.region_id, male=male), employer=employer, occupations=occupations
        ),
    )
    first = next((o for o in occupations if o.name == trades[0]), None) if trades else None
    if first is not None:
        people_services.add_grade(
            actor=admin,
            scope=Scope(admin),
            worker=worker,
            occupation=first,
            grade=grade,
            source=GradeSource.EVALUATION,
            certificate_no=f"HLJ-STU-{ids.serial:06d}",
            awarded_on=dt.date(2016 + ids.serial % 8, 6, 1),
            issuer=people_demo.ISSUER,
        )
    return worker


def _person(i: int, industry: str, trades: tuple[str, ...]) -> tuple[str, bool]:
    """The ``i``-th generated team member's name and sex, as the employer's industry and the trades
    make likely (no woman works underground)."""
    rng = random.Random(i)  # noqa: S311 (demo names, not secrets)
    male = rng.random() >= people_demo.WOMEN_SHARE.get(industry, 0.3) or bool(people_demo.MEN_ONLY & set(trades))
    return people_demo.pick_name(rng, male=male), male


def _studio(
    admin: User,
    ids: _Ids,
    counter: list[int],
    *,
    employer: Employer,
    name: str,
    level: str,
    field: str,
    lead: Worker | None,
    project: tuple[str, int],
    result: str,
    year: int = 2021,
    trades: tuple[str, ...] = (),
    recent: tuple[str, str, str] | None = None,
) -> Studio:
    """Apply, staff, give a project and a result, name; then this year's work (``recent``), which keeps
    the "六有" met today. The team holds ``trades`` (the lead a 高级技师, the others 高级工 or 技师)."""
    scope = Scope(admin)
    if lead is None:
        counter[0] += 1
        person, male = _person(counter[0], employer.industry, trades)
        lead = _worker(admin, ids, employer, person, trades, male=male, grade=6)
    if not lead.honours.filter(level__gte=3 if level == "national" else 2).exists():
        Honour.objects.create(
            worker=lead,
            title="黑龙江省劳动模范" if level in {"provincial", "national"} else "市级劳动模范",
            kind="model_worker",
            level=3 if level in {"provincial", "national"} else 2,
            year=year - 3,
            conferred_by="黑龙江省人民政府" if level in {"provincial", "national"} else "市人民政府",
        )
    studio = services.apply_studio(
        actor=admin,
        scope=scope,
        data=services.StudioData(
            name=name,
            level=level,
            employer=employer,
            lead=lead,
            field=field,
            founded_on=dt.date(year - 4, 3, 1),
            occupations=tuple(lead.occupations.all()),
            has_place_and_funds=True,
            has_rules=True,
        ),
    )
    for i in range(_team(level) - 1):
        counter[0] += 1
        member_trades = trades[i % len(trades) :] + trades[: i % len(trades)] if trades else ()
        person, male = _person(counter[0], employer.industry, member_trades)
        services.add_team_member(
            actor=admin,
            scope=scope,
            studio=studio,
            worker=_worker(admin, ids, employer, person, member_trades, male=male, grade=4 + i % 2),
            role="骨干",
        )
    title, _value = project  # its benefit is an innovation (innovations.demo), not a typed number
    services.add_project(
        actor=admin,
        scope=scope,
        studio=studio,
        title=title,
        started_on=dt.date(year, 3, 1),
        closed_on=dt.date(year, 11, 30),
        outcome=f"{title}，通过验收并推广应用",
        patents=1,
    )
    services.add_result(actor=admin, scope=scope, studio=studio, kind="method", title=result, year=year)
    named = services.decide_studio(actor=admin, scope=scope, studio=studio, approve=True, on=dt.date(year, 12, 20))
    if recent is not None:
        this_year = timezone.localdate().year
        project_title, result_title, kind = recent
        services.add_project(
            actor=admin, scope=scope, studio=named, title=project_title, started_on=dt.date(this_year, 3, 1)
        )
        services.add_result(actor=admin, scope=scope, studio=named, kind=kind, title=result_title, year=this_year - 1)
    return named


def _alliance(
    admin: User, *, name: str, level: str, lead_union: Union, founded: dt.date, document: str, studios: list[Studio]
) -> Alliance:
    return services.create_alliance(
        actor=admin,
        scope=Scope(admin),
        data=services.AllianceData(
            name=name, level=level, lead_union=lead_union, founded_on=founded, founding_document=document
        ),
        studios=studios,
    )


def _joint(
    admin: User,
    alliance: Alliance,
    poster: Studio,
    claimers: list[Studio],
    *,
    title: str,
    field: str,
    description: str,
    started: dt.date | None = None,
    value: int | None = None,
    closed: dt.date | None = None,
) -> Problem:
    """A problem on the board; with ``started`` its claims are accepted, with ``value`` it is closed."""
    scope = Scope(admin)
    problem = services.post_problem(
        actor=admin,
        scope=scope,
        alliance=alliance,
        studio=poster,
        data=services.ProblemData(
            title=title,
            field=field,
            description=description,
            deadline=timezone.localdate() + dt.timedelta(days=90),
            reward=Decimal(50000) if value is None else None,
        ),
    )
    claims = [
        services.claim_problem(actor=admin, scope=scope, problem=problem, studio=s, plan=f"{s.name}牵头攻关{field}")
        for s in claimers
    ]
    if started is None:
        return problem
    project: Project | None = None
    for claim in claims:
        project = services.accept_claim(actor=admin, scope=scope, claim=claim, on=started)
    if project is not None and value is not None and closed is not None:
        services.close_project(
            actor=admin,
            scope=scope,
            project=project,
            outcome=f"{title}问题解决，成果在联盟内推广",
            patents=1,
            on=closed,
        )
        Problem.objects.filter(pk=problem.pk).update(deadline=closed)
    return problem


def seed(ctx: DemoContext) -> None:
    build(ctx.admin, User.objects.get(username="gongzuoshi"))


@transaction.atomic
def build(admin: User, gongzuoshi: User | None = None) -> dict[str, Any]:
    """Build the demo studios and alliances as the provincial admin ``admin``; link ``gongzuoshi``."""
    ids = _Ids()
    counter = [0]
    employers = {e.name: e for e in Employer.objects.all()}
    forestry = Union.objects.get(kind=UnionKind.INDUSTRY, name="黑龙江省森林工业工会")
    for name, county_code, serial in FORESTRY_EMPLOYERS:
        if name not in employers:
            county = Union.objects.get(kind=UnionKind.COUNTY, region_id=county_code)
            employers[name] = org_services.create_employer(
                actor=admin,
                name=name,
                uscc=make_uscc(county_code, serial),
                region=county.region,
                parent_union=county,
                industry_union=forestry,
                industry="林业",
            )
    made: dict[str, Studio] = {}
    for key, name, employer_name, level, field, lead_name, project, value, result in STUDIOS:
        employer = employers[employer_name]
        lead = None
        if lead_name is not None:
            lead = Worker.objects.filter(name=lead_name, employer=employer).first()
            if lead is None:
                lead = _worker(admin, ids, employer, lead_name, demo_data.TRADES.get(key, ()), grade=6)
                if key == "hadian" and gongzuoshi is not None:
                    Worker.objects.filter(pk=lead.pk).update(user=gongzuoshi)
                    lead.refresh_from_db()
        made[key] = _studio(
            admin,
            ids,
            counter,
            employer=employer,
            name=name,
            level=level,
            field=field,
            lead=lead,
            project=(project, value),
            result=result,
            year=2021 if level != "national" else 2022,
            trades=demo_data.TRADES.get(key, ()),
            recent=demo_data.RECENT.get(key),
        )

    _forestry(admin, made, forestry)
    _heavy(admin, ids, counter, made)
    _jixi(admin, ids, counter, employers["龙煤鸡西矿业有限责任公司"])
    _harbin(admin, ids, counter, made)
    _targets(admin)
    _proposed()
    return {"studios": Studio.objects.count(), "alliances": Alliance.objects.count()}


def _forestry(admin: User, made: dict[str, Studio], forestry: Union) -> None:
    """林业工会劳模创新工作室联盟, August 2022: three leads on 红松种植."""
    scope = Scope(admin)
    pine = _alliance(
        admin,
        name="林业工会劳模创新工作室联盟",
        level="provincial",
        lead_union=forestry,
        founded=dt.date(2022, 8, 16),
        document="黑森工会发〔2022〕15号",
        studios=[made["pine"], made["graft"], made["pest"]],
    )
    services.record_activity(
        actor=admin,
        scope=scope,
        alliance=pine,
        kind="meeting",
        held_on=dt.date(2022, 8, 16),
        title="三位领衔人研讨红松种植生产难题",
        members=list(pine.memberships.all()),
    )
    _joint(
        admin,
        pine,
        made["pine"],
        [made["graft"]],
        title="红松嫁接苗成活率低",
        field="红松种植",
        description="春季嫁接红松苗成活率不足六成，需改进砧木选择和嫁接后管护。",
        started=dt.date(2022, 9, 1),
        value=2_350_000,
        closed=dt.date(2023, 9, 30),
    )
    _joint(
        admin,
        pine,
        made["graft"],
        [made["pest"]],
        title="红松球果螟危害加重",
        field="红松种植 病虫害",
        description="红松果林球果螟虫害导致减产，需要绿色防控方案。",
    )


def _heavy(admin: User, ids: _Ids, counter: list[int], made: dict[str, Studio]) -> None:
    """中国一重 with 中车齐车, 和平重工 and three more units of Qiqihar."""
    scope = Scope(admin)
    qiqihar = Union.objects.get(kind=UnionKind.CITY, region_id="230200")
    locals_ = [
        e
        for e in Employer.objects.filter(
            union__ancestor_links__ancestor=qiqihar, industry__in=HEAVY_INDUSTRIES
        ).order_by("pk")
        if e.name not in {"中国第一重型机械集团有限公司", "中车齐齐哈尔车辆有限公司", "齐齐哈尔和平重工集团有限公司"}
    ][:QIQIHAR_EXTRA]
    extra = [
        _studio(
            admin,
            ids,
            counter,
            employer=e,
            name=f"{e.name.removesuffix('有限公司')}创新工作室",
            level="city",
            field=demo_data.studio_of_industry(e.industry)[0],
            lead=None,
            project=("关键设备维修工艺改进", 600_000),
            result="设备点检操作法",
            trades=demo_data.studio_of_industry(e.industry)[1],
            recent=(*demo_data.studio_of_industry(e.industry)[2:], "method"),
        )
        for e in locals_
    ]
    heavy = _alliance(
        admin,
        name="齐齐哈尔重型装备创新工作室联盟",
        level="city",
        lead_union=qiqihar,
        founded=dt.date(2025, 5, 20),
        document="齐工发〔2025〕8号",
        studios=[made["forge"], made["crrc"], made["heping"], *extra],
    )
    services.set_chair(actor=admin, scope=scope, alliance=heavy, membership=heavy.memberships.get(studio=made["forge"]))
    _activity_funds(heavy, qiqihar)
    _joint(
        admin,
        heavy,
        made["crrc"],
        [made["forge"], made["heping"]],
        title="转向架摇枕铸件内部缩松",
        field="铸锻件 焊接",
        description="摇枕铸件探伤发现内部缩松，返修率高。",
        started=dt.date(2025, 6, 10),
        value=4_600_000,
        closed=dt.date(2025, 11, 28),
    )
    _joint(
        admin,
        heavy,
        made["heping"],
        [made["forge"]],
        title="大型筒节锻件表面裂纹",
        field="大型锻件锻造",
        description="筒节锻件锻后表面裂纹，需优化加热和锻造工艺。",
        started=dt.date(2025, 9, 1),
    )


def _activity_funds(alliance: Alliance, qiqihar: Union) -> None:
    """齐齐哈尔市总工会 budgets its alliances' activity funds from 2023 (DOMAIN.md): its own programme,
    a budget, and this alliance's 2025 funds paid by two officials, 2026's proposed."""
    from gongjiang.awards import services as awards

    officer = User.objects.get(username="qiqihaer")
    second = User.objects.get(username="qiqihaer2")
    programme = awards.create_programme(
        actor=officer, scope=Scope(officer), owner=qiqihar, name="齐齐哈尔市联盟活动经费"
    )
    for year in (2025, 2026):
        awards.set_budget(actor=officer, scope=Scope(officer), programme=programme, year=year, amount=Decimal(300_000))
        line = services.propose_activity_funds(
            actor=officer,
            scope=Scope(officer),
            alliance=alliance,
            programme=programme,
            year=year,
            amount=Decimal(40_000),
            purpose="技术交流、现场攻关和带徒培训",
        )
        if year == 2025:
            awards.approve_line(actor=second, scope=Scope(second), line=line)
            awards.pay_line(actor=officer, scope=Scope(officer), line=line, payment_ref="QQHR-2025-017")


def _jixi(admin: User, ids: _Ids, counter: list[int], jixi_employer: Employer) -> None:
    """龙煤鸡西矿业: seven alliances, over 70 million yuan in 2023; one member warned, then delisted."""
    scope = Scope(admin)
    jixi = [
        _studio(
            admin,
            ids,
            counter,
            employer=jixi_employer,
            name=f"{label}创新工作室",
            level="city",
            field=field,
            lead=None,
            project=(f"{label}技术改造", 300_000),
            result=f"{label}操作法",
            trades=demo_data.TRADES[label],
            recent=demo_data.RECENT[label],
        )
        for label, field in JIXI_STUDIOS
    ]
    jixi_alliances = []
    for name, members, project, value in JIXI_ALLIANCES:
        alliance = _alliance(
            admin,
            name=name,
            level="enterprise",
            lead_union=jixi_employer.union,
            founded=dt.date(2023, 1, 10),
            document="鸡矿工会发〔2023〕2号",
            studios=[jixi[i] for i in members],
        )
        _joint(
            admin,
            alliance,
            jixi[members[0]],
            [jixi[members[1]]],
            title=project,
            field=JIXI_STUDIOS[members[0]][1],
            description=f"{project}：联盟成员联合攻关。",
            started=dt.date(2023, 2, 15),
            value=value,
            closed=dt.date(2023, 12, 15),
        )
        jixi_alliances.append(alliance)
    # the last alliance's third member fell below the bar two years running: warned, then delisted
    last = jixi_alliances[-1]
    weak = last.memberships.get(studio=jixi[3])
    for year, score, on in ((2023, 55, dt.date(2024, 1, 15)), (2024, 48, dt.date(2025, 1, 15))):
        for membership in Membership.objects.filter(alliance=last, state__in=("active", "warned")):
            scores = {c.pk: Decimal(score if membership.pk == weak.pk else 85) for c in last.criteria.all()}
            services.evaluate_member(actor=admin, scope=scope, membership=membership, year=year, scores=scores, on=on)


def _harbin(admin: User, ids: _Ids, counter: list[int], made: dict[str, Studio]) -> None:
    """哈电集团哈尔滨电机: a cross-industry alliance of eleven, four from other provinces."""
    scope = Scope(admin)
    harbin = Union.objects.get(kind=UnionKind.CITY, region_id="230100")
    harbin_locals = list(
        Employer.objects.filter(
            union__ancestor_links__ancestor=harbin, union__industry_parent__isnull=False, industry__in=HEAVY_INDUSTRIES
        )
        .exclude(name__in=[s[2] for s in STUDIOS])
        .order_by("pk")[:HARBIN_EXTRA]
    )
    more = [
        _studio(
            admin,
            ids,
            counter,
            employer=e,
            name=f"{e.name.removesuffix('有限公司')}创新工作室",
            level="city",
            field=demo_data.studio_of_industry(e.industry)[0],
            lead=None,
            project=("生产线自动化改造", 900_000),
            result="设备调试操作法",
            trades=demo_data.studio_of_industry(e.industry)[1],
            recent=(*demo_data.studio_of_industry(e.industry)[2:], "method"),
        )
        for e in harbin_locals
    ]
    cross = _alliance(
        admin,
        name="哈电集团哈尔滨电机跨行业创新工作室联盟",
        level="city",
        lead_union=harbin,
        founded=dt.date(2025, 3, 18),
        document="哈工发〔2025〕6号",
        studios=[made["hadian"], made["hadian2"], made["hafei"], made["grid"], made["forge"], *more],
    )
    for name, employer, province, field in EXTERNAL:
        services.add_external_member(
            actor=admin,
            scope=scope,
            alliance=cross,
            name=name,
            employer=employer,
            province=province,
            field=field,
            on=dt.date(2025, 3, 18),
        )
    services.set_chair(
        actor=admin, scope=scope, alliance=cross, membership=cross.memberships.get(studio=made["hadian"])
    )
    services.record_activity(
        actor=admin,
        scope=scope,
        alliance=cross,
        kind="exchange",
        held_on=dt.date(2025, 6, 12),
        title="跨行业工匠技艺交流会",
        members=list(cross.memberships.all()),
    )
    _joint(
        admin,
        cross,
        made["hadian"],
        [made["hafei"], made["grid"]],
        title="大型发电机定子线棒端部电晕",
        field="大型发电机 绝缘",
        description="定子线棒端部电晕放电，需改进防晕结构与工艺。",
        started=dt.date(2025, 4, 1),
        value=7_800_000,
        closed=dt.date(2025, 10, 31),
    )
    _joint(
        admin,
        cross,
        made["hadian2"],
        [],
        title="水轮机转轮叶片数控加工效率低",
        field="数控加工 水轮机",
        description="大型转轮叶片曲面加工周期长，寻求高效刀具路径与装夹方案。",
    )


def _targets(admin: User) -> None:
    """The policy's targets (data/targets.json: fifty alliances province-wide by 2025, one a year from
    every city and industrial union), and the alliances some unions formed this year toward them."""
    scope = Scope(admin)
    policy_targets.load(actor=admin, scope=scope)
    today = timezone.localdate()
    for name, union_name, level, document, month, members in demo_data.THIS_YEAR:
        _alliance(
            admin,
            name=name,
            level=level,
            lead_union=Union.objects.get(name=union_name),
            founded=min(dt.date(today.year, month, 18), today),
            document=document.format(year=today.year),
            studios=list(Studio.objects.filter(name__in=members).order_by("pk")),
        )


def _proposed() -> None:
    """Qiqihar proposes a provincial alliance of its named studios this year: the province names it
    (its to-do "alliances to name"); until then it counts toward no target."""
    qiqihar = Union.objects.get(kind=UnionKind.CITY, region_id="230200")
    proposer = User.objects.filter(roles__union=qiqihar, roles__kind=RoleKind.UNION_ADMIN).order_by("pk").first()
    if proposer is None:
        return
    below = UnionAncestor.objects.filter(ancestor=qiqihar).values("descendant_id")
    studios = list(Studio.objects.filter(union_id__in=below, state=StudioState.NAMED).order_by("pk")[:2])
    today = timezone.localdate()
    _alliance(
        proposer,
        name="齐齐哈尔装备制造省级创新工作室联盟",
        level="provincial",
        lead_union=qiqihar,
        founded=today - dt.timedelta(days=10),
        document=f"齐工发〔{today.year}〕21号",
        studios=studios,
    )
