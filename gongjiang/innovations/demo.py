"""Demo innovations: the results behind the studios' and alliances' closed projects (their benefit
confirmed on the day the project closed), and results now in every review state, some from the
labour competitions if the demo has any (``Competition.kind = labour``), one reached from a
competition, a studio and a project at once (counted once). Each enterprise's finance office is a
demo log-in that confirms its own enterprise's benefits."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gongjiang.competitions.enums import State as CompetitionState
from gongjiang.competitions.models import Competition
from gongjiang.core.models import User
from gongjiang.core.seeding import DemoContext
from gongjiang.orgs import services as org_services
from gongjiang.orgs.demo import create_demo_user
from gongjiang.orgs.enums import RoleKind
from gongjiang.orgs.models import Employer, UnionAncestor
from gongjiang.orgs.scope import Scope
from gongjiang.people.models import Worker
from gongjiang.policy import services as policy_services
from gongjiang.policy.models import PolicyDocument, Programme, Rule
from gongjiang.studios.demo import JIXI_ALLIANCES, STUDIOS
from gongjiang.studios.models import Project, Studio

from . import rewards, services
from .enums import Grade, Kind, State
from .models import Innovation

# nothing in this seed catches a service's failure: seed_demo runs it without savepoints and with
# its audit rows held (core.seeding.in_bulk)
IN_BULK = True

HAFEI = "哈尔滨飞机工业集团有限责任公司"
# The joint projects the studios demo closes, with the benefit their results brought (yuan).
JOINT = {"红松嫁接苗成活率低": 2_350_000, "转向架摇枕铸件内部缩松": 4_600_000, "大型发电机定子线棒端部电晕": 7_800_000}
HISTORIC_KINDS = (Kind.BREAKTHROUGH, Kind.RENOVATION, Kind.INVENTION, Kind.METHOD)


def seed(ctx: DemoContext) -> None:
    reward_rule()
    build(ctx.admin)
    propose_demo_rewards(ctx.admin)


REWARD_DOC = "演示〔2024〕9号"


def reward_rule() -> None:
    """A demo document and its rule: 1 % of the confirmed benefit plus a fixed sum by grade, at most 5万."""
    document, _created = PolicyDocument.objects.get_or_create(
        doc_no=REWARD_DOC,
        defaults={
            "issuer": "黑龙江省总工会",
            "issued_on": dt.date(2024, 1, 15),
            "title": "黑龙江省职工创新成果奖励办法（演示）",
            "kind": "measures",
            "full_text": "第八条 经企业财务确认经济效益的职工创新成果，按确认效益的1%给予奖励，并按鉴定等级一次性奖励：一等2万元、二等1万元、三等5000元；每项成果奖励合计不超过5万元，按完成人份额分配。",
        },
    )
    programme, _created = Programme.objects.get_or_create(
        code="innovation-rewards", defaults={"name": "职工创新成果奖励", "kind": "reward"}
    )
    if not Rule.objects.filter(code="innovation-reward").exists():
        policy_services.add_rule_version(
            actor=None,
            scope=None,
            code="innovation-reward",
            kind="innovation",
            name="职工创新成果奖励",
            document=document,
            clause="第八条",
            effective_from=dt.date(2024, 1, 15),
            terms={"share_percent": "1", "grades": {"1": "20000", "2": "10000", "3": "5000"}, "ceiling": "50000"},
            programme=programme,
        )


def propose_demo_rewards(admin: User) -> None:
    """The rewards of the results recognised this year, proposed in the ledger (to approve and pay there)."""
    year = timezone.localdate().year
    for innovation in Innovation.objects.filter(state=State.RECOGNISED, recognised_on__year__gte=year - 1):
        rewards.propose_rewards(actor=admin, scope=Scope(admin), innovation=innovation)


def _values() -> dict[str, int]:
    values = {project: value for *_x, project, value, _result in STUDIOS}
    values |= {project: value for _n, _m, project, value in JIXI_ALLIANCES}
    return values | JOINT


def finance_for(employer: Employer) -> User:
    """The enterprise's finance office log-in (哈飞's is ``hafeicaiwu``)."""
    username = "hafeicaiwu" if employer.name == HAFEI else f"qycaiwu{employer.pk}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = create_demo_user(username, f"{employer.name[:20]} 财务部 审核员")
        org_services.grant_role(
            actor=None, scope=None, user=user, union=employer.union, kind=RoleKind.ENTERPRISE_FINANCE
        )
    return user


def _authors(studio: Studio) -> list[tuple[Worker, Decimal]]:
    member = studio.members.exclude(worker=studio.lead).select_related("worker").first()
    if member is None:
        return [(studio.lead, Decimal(100))]
    return [(studio.lead, Decimal(60)), (member.worker, Decimal(40))]


def _split(value: int) -> tuple[Decimal, Decimal, Decimal]:
    """(annual saving, years, deductions) giving exactly ``value`` over two years less 5 % costs."""
    deductions = Decimal(value // 2000 * 100)
    return (Decimal(value) + deductions) / 2, Decimal(2), deductions


def _run(
    innovation: Innovation, to: str, *, admin: User, value: int = 0, grade: str = Grade.SECOND,
    on: dt.date | None = None, clerk: User | None = None,
) -> Innovation:  # fmt: skip
    """Move one innovation through the review up to ``to`` by the services (the clerk checks and
    calculates, the province's panel appraises, the enterprise's finance confirms)."""
    clerk = clerk or admin
    order = [State.CHECKED, State.APPRAISED, State.CALCULATED, State.CONFIRMED, State.IN_NOTICE, State.RECOGNISED]
    steps = order[: order.index(to) + 1] if to in order else []
    for step in steps:
        if step == State.CHECKED:
            innovation = services.check(actor=clerk, scope=Scope(clerk), innovation=innovation, note="材料齐全，属实")
        elif step == State.APPRAISED:
            innovation = services.appraise(
                actor=admin, scope=Scope(admin), innovation=innovation, grade=grade,
                experts="王立新（高级工程师）、陈海涛（正高级工程师）、刘静（高级会计师）", opinion="技术先进，已推广应用，效益明显。",
            )  # fmt: skip
        elif step == State.CALCULATED:
            saving, years, deductions = _split(value)
            innovation = services.calculate(
                actor=clerk, scope=Scope(clerk), innovation=innovation, annual_saving=saving,
                added_output=Decimal(0), years=years, deductions=deductions,
                method="改进前后单件成本差×年产量，按两年计，扣除改造投入",
            )  # fmt: skip
        elif step == State.CONFIRMED:
            finance = finance_for(innovation.employer)
            innovation = services.confirm(actor=finance, scope=Scope(finance), innovation=innovation, on=on)
        elif step == State.IN_NOTICE:
            until = timezone.localdate() + dt.timedelta(days=7)
            innovation = services.publish_notice(actor=clerk, scope=Scope(clerk), innovation=innovation, until=until)
        elif step == State.RECOGNISED:
            # a past notice: it ran its days after finance confirmed, and nobody objected
            on = on or timezone.localdate()
            Innovation.objects.filter(pk=innovation.pk).update(
                state=State.RECOGNISED,
                notice_until=on + dt.timedelta(days=10),
                recognised_on=on + dt.timedelta(days=20),
            )
    return innovation


def _submit(admin: User, *, title: str, kind: str, employer: Employer, authors: list[tuple[Worker, Decimal]],
            description: str, by: User | None = None, **links: object) -> Innovation:  # fmt: skip
    actor = by or admin
    return services.submit_innovation(
        actor=actor,
        scope=Scope(actor),
        data=services.InnovationData(
            title=title,
            kind=kind,
            description=description,
            employer=employer,
            authors=authors,
            **links,  # type: ignore[arg-type]
        ),
    )


@transaction.atomic
def build(admin: User) -> dict[str, int]:
    values = _values()
    grades = (Grade.FIRST, Grade.SECOND, Grade.SECOND, Grade.THIRD)
    closed = Project.objects.filter(state="closed").select_related("studio__employer", "studio__lead").order_by("pk")
    n = 0
    for project in closed:
        value = values.get(project.title)
        if not value or project.closed_on is None:
            continue
        studio = project.studio
        innovation = _submit(
            admin,
            title=f"{project.title}成果",
            kind=HISTORIC_KINDS[n % len(HISTORIC_KINDS)],
            employer=studio.employer,
            authors=_authors(studio),
            description=f"{project.title}：{project.outcome or '通过验收并推广应用'}",
            studio=studio,
            project=project,
        )
        Innovation.objects.filter(pk=innovation.pk).update(submitted_at=timezone.make_aware(
            dt.datetime.combine(project.closed_on - dt.timedelta(days=20), dt.time(9))
        ))  # fmt: skip
        grade = Grade.FIRST if value >= 10_000_000 else grades[n % len(grades)]
        _run(innovation, State.RECOGNISED, admin=admin, value=value, grade=grade, on=project.closed_on)
        n += 1
    _now(admin)
    return {"innovations": Innovation.objects.count()}


def _now(admin: User) -> None:
    """This year's results at every step, 哈飞's worked by its clerk ``hafei`` and confirmed by ``hafeicaiwu``."""
    hafei = Employer.objects.get(name=HAFEI)
    clerk = User.objects.filter(username="hafei").first() or admin
    qin = Worker.objects.filter(user__username="qinshijun").first()
    qin_studio = Studio.objects.filter(lead=qin).first() if qin else None
    team = [m.worker for m in qin_studio.members.exclude(worker=qin).select_related("worker")[:3]] if qin_studio else []
    if qin is None or len(team) < 2:
        return
    qin_user = qin.user
    mate, third = team[0], team[1]
    open_project = Project.objects.filter(Q(studio=qin_studio) | Q(participants=qin_studio)).order_by("-pk").first()
    above = UnionAncestor.objects.filter(descendant_id=hafei.union_id).values("ancestor_id")
    labour = list(Competition.objects.filter(kind="labour").exclude(state=CompetitionState.DRAFT).order_by("pk")[:2])
    nearby = Competition.objects.filter(organiser_id__in=above).exclude(state=CompetitionState.DRAFT).order_by("pk")
    competition = labour[0] if labour else nearby.first()
    plan = [
        # title, kind, authors, state, value, links, by
        (
            "秦世俊数控铣削操作法",
            Kind.METHOD,
            [(qin, Decimal(70)), (mate, Decimal(30))],
            State.IN_NOTICE,
            1_860_000,
            {"studio": qin_studio, "method_name": "秦世俊数控铣削操作法", "named_after": qin},
            qin_user,
        ),
        (
            "薄壁框类零件数控铣削变形控制",
            Kind.BREAKTHROUGH,
            [(qin, Decimal(50)), (mate, Decimal(30)), (third, Decimal(20))],
            State.CALCULATED,
            2_480_000,
            {"studio": qin_studio, "project": open_project, "competition": competition},
            qin_user,
        ),
        ("钛合金零件专用快换夹具", Kind.SMALL_INVENTION, [(mate, Decimal(100))], State.APPRAISED, 420_000, {}, clerk),
        ("数控刀具寿命管理看板", Kind.SMALL_DESIGN, [(third, Decimal(100))], State.CHECKED, 0, {}, clerk),
        (
            "铣削冷却液集中过滤循环",
            Kind.RENOVATION,
            [(qin, Decimal(100))],
            State.SUBMITTED,
            0,
            {"studio": qin_studio},
            qin_user,
        ),
        ("关于夜班首件检验的合理化建议", Kind.SUGGESTION, [(mate, Decimal(100))], State.SUBMITTED, 0, {}, clerk),
        ("刀柄防错放托盘", Kind.SMALL_SUGGESTION, [(third, Decimal(100))], State.REJECTED, 0, {}, clerk),
    ]
    today = timezone.localdate()
    for title, kind, authors, state, value, links, by in plan:
        innovation = _submit(admin, title=title, kind=kind, employer=hafei, authors=authors, by=by or admin,
                             description=f"{title}：在数控车间试用三个月，效果稳定。", **links)  # fmt: skip
        if state == State.REJECTED:
            services.reject(actor=clerk, scope=Scope(clerk), innovation=innovation, reason="与2024年已认定成果重复")
            continue
        _run(innovation, state, admin=admin, value=value, on=today, clerk=clerk)
    _elsewhere(admin, labour, today)


def _elsewhere(admin: User, labour: list[Competition], today: dt.date) -> None:
    """Results of other enterprises this year; those of a labour competition come from its organiser's
    subtree, the first also from a studio and its project (one result, one benefit)."""
    states = [State.CONFIRMED, State.RECOGNISED, State.CALCULATED, State.SUBMITTED, State.CHECKED, State.IN_NOTICE]
    kinds = [
        Kind.RENOVATION,
        Kind.BREAKTHROUGH,
        Kind.SMALL_RENOVATION,
        Kind.SMALL_CREATION,
        Kind.SUGGESTION,
        Kind.INVENTION,
    ]
    studios = list(
        Studio.objects.filter(state="named").exclude(employer__name=HAFEI).select_related("employer", "lead")[:6]
    )
    for i, studio in enumerate(studios):
        competition = None
        if labour:
            comp = labour[i % len(labour)]
            if UnionAncestor.objects.filter(descendant_id=studio.union_id, ancestor_id=comp.organiser_id).exists():
                competition = comp
        project = studio.projects.order_by("-pk").first() if i % 2 == 0 else None
        innovation = _submit(
            admin,
            title=f"{studio.field.split()[0]}工序{('节能', '提效', '降本', '安全', '质量', '工装')[i]}改进",
            kind=kinds[i],
            employer=studio.employer,
            authors=_authors(studio),
            description=f"{studio.name}团队在劳动竞赛和日常攻关中提出并实施。",
            studio=studio,
            project=project,
            competition=competition,
        )
        state = states[i]
        on = today - dt.timedelta(days=40) if state == State.RECOGNISED else today
        _run(innovation, state, admin=admin, value=(i + 3) * 310_000, on=on)
