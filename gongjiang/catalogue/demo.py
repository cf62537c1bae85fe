"""Demo data of the catalogue: this year's applications in every state, the province's quotas, stage
reports (one missed) and year-end commendations, recommending a unit, a team (a labour competition's own
team where it has them) and a person for this year's cycles of the honours a labour competition feeds
(五一劳动奖状, 工人先锋号, 五一劳动奖章: rules of the policy seed citing their document).

Runs after the competitions', the policy's and the awards' demo (and the labour competitions', when that
app is installed): every labour competition the demo has gets its catalogue entry, stage reports and
commendations; the demo works with none.
"""

import datetime as dt
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from gongjiang.awards import services as award_services
from gongjiang.awards.models import HonourCycle
from gongjiang.competitions.enums import Kind
from gongjiang.competitions.models import Competition
from gongjiang.core.models import User
from gongjiang.core.seeding import DemoContext
from gongjiang.labour.models import Team
from gongjiang.orgs import services as org_services
from gongjiang.orgs.demo import create_demo_user
from gongjiang.orgs.enums import RoleKind, UnionKind
from gongjiang.orgs.models import Employer, Union, UnionAncestor
from gongjiang.orgs.scope import Scope
from gongjiang.people.models import Worker
from gongjiang.policy import seed as policy_seed
from gongjiang.policy.models import PolicyDocument, Rule

from . import services
from .enums import StepAction, SubjectKind
from .models import Application

# the notice on year-end commendations and the labour competitions' honours (policy/data/seed.json)
HONOURS_DOC = "演示〔2024〕5号"
# the honour programmes a labour competition feeds, as rules of the policy seed: 五一劳动奖状 (a unit),
# 工人先锋号 (a team), 五一劳动奖章 (a person)
HONOURS = ("may-day-banner", "worker-pioneer", "may-day-medal")
PLAN = "实施方案\n一、竞赛目标\n二、竞赛内容与指标\n三、组织领导\n四、考核评比\n五、表彰奖励\n".encode()


def seed(ctx: DemoContext) -> None:
    build(sheng=ctx.admin, today=timezone.localdate())


def _plan(name: str) -> ContentFile:
    return ContentFile(PLAN, name=f"{name}实施方案.txt")


def _admin(union: Union) -> User:
    if union.kind == UnionKind.PROVINCE:
        return User.objects.get(username="sheng")
    user = User.objects.filter(roles__union=union, roles__kind=RoleKind.UNION_ADMIN).order_by("pk").first()
    if user is None:  # a county of the demo has no log-in of its own yet: give it one
        username = {"230102": "daoli"}.get(union.region_id, f"u{union.region_id}")
        user = create_demo_user(username, f"{union.name} 管理员")
        org_services.grant_role(actor=None, scope=None, user=user, union=union, kind=RoleKind.UNION_ADMIN)
    return user


def _apply(union: Union, name: str, tier: str, start: dt.date, *, kind: str = Kind.LABOUR, budget: str = "300000"):
    admin = _admin(union)
    return services.save_application(
        actor=admin,
        scope=Scope(admin),
        applicant=union,
        data=services.ApplicationData(
            name=name,
            kind=kind,
            tier=tier,
            leading_body=f"{union.name}劳动竞赛委员会",
            indicators="进度：按节点完成率\n质量：一次验收合格率≥98%\n安全：零死亡事故\n技术创新：合理化建议和技术革新项数\n节能减排：单位产值能耗下降",
            budget=Decimal(budget),
            starts_on=start,
            ends_on=dt.date(start.year, 12, 20),
        ),
        plan=_plan(name),
    )


def _submit(application: Application) -> Application:
    admin = _admin(application.applicant)
    return services.submit_application(actor=admin, scope=Scope(admin), application=application)


def _decide(application: Application, action: str, note: str = "") -> Application:
    admin = _admin(application.at)  # type: ignore[arg-type]
    return services.decide_application(
        actor=admin, scope=Scope(admin), application=application, action=action, note=note
    )


def _through(application: Application) -> Application:
    """Submit, recommend up to the entitled union, approve."""
    application = _submit(application)
    while application.at_id != application.approver_id:
        application = _decide(application, StepAction.RECOMMEND, "同意推荐")
    return _decide(application, StepAction.APPROVE, "同意立项，列入年度竞赛目录")


@transaction.atomic
def build(*, sheng: User, today: dt.date) -> None:
    year = today.year
    cycles = _honours(sheng, year)
    province = Union.objects.get(kind=UnionKind.PROVINCE)
    harbin = Union.objects.get(region_id="230100", kind=UnionKind.CITY)
    qiqihar = Union.objects.get(region_id="230200", kind=UnionKind.CITY)
    daoli = Union.objects.filter(region_id="230102", kind=UnionKind.COUNTY).first()
    doc = PolicyDocument.objects.get(doc_no=HONOURS_DOC)
    s = Scope(sheng)
    for city in Union.objects.filter(kind=UnionKind.CITY).order_by("region_id"):
        services.set_quota(
            actor=sheng, scope=s, union=city, tier="provincial_2", year=year, limit=3, document=doc, clause="第三条"
        )
    services.set_quota(
        actor=sheng, scope=s, union=harbin, tier="city", year=year, limit=8, document=doc, clause="第三条"
    )
    start = dt.date(year, 3, 1)
    # approved: the province's own key-project competition and Harbin's city one
    own = _through(_apply(province, "黑龙江省重大项目建设劳动竞赛", "provincial_1", start, budget="2000000"))
    harbin_city = _through(_apply(harbin, "哈尔滨市重点工程建设“当先锋、创一流”劳动竞赛", "city", start))
    # recommended to the province (a county's provincial project, recommended by Harbin)
    if daoli is not None:
        county = _submit(
            _apply(daoli, "道里区城市更新项目劳动竞赛", "provincial_2", dt.date(year, 4, 1), budget="150000")
        )
        _decide(county, StepAction.RECOMMEND, "同意推荐至省总工会")
        # at the city: a county's city-level project waiting for Harbin
        _submit(_apply(daoli, "道里区“安康杯”安全生产竞赛", "city", dt.date(year, 5, 1), budget="60000"))
    # submitted to the province by a city, waiting
    _submit(_apply(harbin, "哈尔滨新区装备制造产业劳动竞赛", "provincial_2", dt.date(year, 4, 15), budget="500000"))
    # returned with a reason
    returned = _submit(_apply(qiqihar, "齐齐哈尔市重型装备节能减排竞赛", "provincial_2", dt.date(year, 4, 1)))
    _decide(returned, StepAction.RETURN, "实施方案缺少量化考核指标和经费来源，请补充后重新报送")
    # a draft
    _apply(harbin, "哈尔滨市职工技术创新成果竞赛", "city", dt.date(year, 6, 1), kind=Kind.INNOVATION, budget="120000")
    catalogued = [own, harbin_city, *_labour_competitions(year)]
    for n, application in enumerate(catalogued):
        _stages(application, today, missed=(n == 1))
        _commend(application, cycles)


def _labour_competitions(year: int) -> list[Application]:
    """Every labour competition of the demo not yet in a catalogue gets its approved entry."""
    made = []
    for competition in Competition.objects.filter(kind=Kind.LABOUR, catalogue_entry__isnull=True).order_by("pk"):
        applicant = competition.organiser
        try:
            services.approver_for(applicant, competition.tier)
        except services.CatalogueError:
            continue
        application = _apply(applicant, competition.name, competition.tier, competition.starts_on)
        Application.objects.filter(pk=application.pk).update(
            competition=competition, ends_on=max(competition.ends_on, competition.starts_on)
        )
        application.refresh_from_db()
        made.append(_through(application))
    return made


def _stages(application: Application, today: dt.date, *, missed: bool) -> None:
    admin = _admin(application.applicant)
    scope = Scope(admin)
    base = application.starts_on
    plan = [
        ("第一阶段总结", base + dt.timedelta(days=90)),
        ("第二阶段总结", base + dt.timedelta(days=180)),
        ("全年总结", application.ends_on),
    ]
    for title, due in plan:
        report = services.set_stage_due(actor=admin, scope=scope, application=application, title=title, due_on=due)
        if due < today and not (missed and title == "第二阶段总结"):
            services.submit_stage_report(
                actor=admin,
                scope=scope,
                report=report,
                summary=f"{application.name}{title}：各参赛单位按节点推进，质量安全受控，完成合理化建议和技术革新若干项。",
                attachments=[ContentFile("阶段总结附件".encode(), name=f"{title}.txt")],
            )


def _commend(application: Application, cycles: dict[str, HonourCycle]) -> None:
    admin = _admin(application.applicant)
    scope = Scope(admin)
    subtree = UnionAncestor.objects.filter(ancestor=application.applicant).values("descendant_id")
    employers = list(Employer.objects.filter(union_id__in=subtree).order_by("pk")[:2])
    workers = list(Worker.objects.filter(union_id__in=subtree, status="employed").order_by("pk")[:2])
    if not employers or not workers:
        return
    # a labour competition's own team (its best unit's first team) where it has teams on the platform
    team = (
        Team.objects.filter(unit__competition_id=application.competition_id, unit__employer__union_id__in=subtree)
        .order_by("unit__pk", "pk")
        .first()
    )
    named_team = {"team": team} if team else {"employer": employers[-1], "team_name": "焊接一班"}
    made = [
        services.propose_commendation(
            actor=admin,
            scope=scope,
            application=application,
            subject=SubjectKind.UNIT,
            employer=employers[0],
            citation="竞赛中节点目标全面完成，质量安全零事故。",
            honour_cycle=cycles["may-day-banner"],
        ),
        services.propose_commendation(
            actor=admin,
            scope=scope,
            application=application,
            subject=SubjectKind.TEAM,
            citation="班组攻克关键焊接工艺，一次合格率99.6%。",
            honour_cycle=cycles["worker-pioneer"],
            **named_team,
        ),
        services.propose_commendation(
            actor=admin,
            scope=scope,
            application=application,
            subject=SubjectKind.PERSON,
            worker=workers[0],
            citation="提出合理化建议12项，创效显著。",
            honour_cycle=cycles["may-day-medal"],
        ),
        services.propose_commendation(
            actor=admin,
            scope=scope,
            application=application,
            subject=SubjectKind.PERSON,
            worker=workers[-1],
            citation="带领班组完成关键节点任务。",
        ),
    ]
    # the union above approves the unit and the team, which become nominations in their cycles (or, when
    # the cycle has no place left for their union, are approved without the recommendation, with the reason);
    # the persons wait for its review
    reviewer_union = services.reviewing_union(application)
    reviewer = _admin(reviewer_union)
    for commendation in made[:2]:
        try:
            with transaction.atomic():
                services.review_commendation(
                    actor=reviewer, scope=Scope(reviewer), commendation=commendation, verdict="accept"
                )
        except services.CatalogueError as exc:
            services.review_commendation(
                actor=reviewer, scope=Scope(reviewer), commendation=commendation, verdict="accept_only", note=str(exc)
            )


def _honours(sheng: User, year: int) -> dict[str, HonourCycle]:
    """This year's cycles of the honour programmes a labour competition feeds (rules of the policy seed)."""
    policy_seed.load()  # the policy demo loads it first; safe to run twice
    s = Scope(sheng)
    cycles = {}
    for code in HONOURS:
        rule = Rule.objects.filter(code=f"honour-{code}").order_by("-version").get()
        title = rule.terms["title"]
        cycle = HonourCycle.objects.filter(title=title, year=year).first() or award_services.open_cycle(
            actor=sheng, scope=s, rule=rule, year=year
        )
        for union in Union.objects.filter(kind__in=[UnionKind.CITY, UnionKind.INDUSTRY]).order_by("pk")[:6]:
            if not cycle.allocations.filter(union=union).exists():
                award_services.allocate(actor=sheng, scope=s, cycle=cycle, union=union, quota=3)
        cycles[code] = cycle
    return cycles
