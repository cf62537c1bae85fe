"""Demo data for the colleges (run once by ``seed_demo``, after the competitions' demo): the four colleges of the article, their
teachers (秦世俊 and 刘伯鸣 among them, with their honours), a course derived from a finished demo
competition's marking scheme, and classes finished (with attendance and certificates), under way and
open for enrolment (with a waiting list)."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from gongjiang.competitions.enums import State
from gongjiang.competitions.models import Competition, Event
from gongjiang.core.models import User
from gongjiang.core.seeding import DemoContext
from gongjiang.orgs.enums import UnionKind
from gongjiang.orgs.models import Employer, Union
from gongjiang.orgs.scope import Scope
from gongjiang.people.models import Occupation, Worker
from gongjiang.policy.models import PolicyDocument

from . import certificates, services
from .enums import CohortState
from .models import Cohort, College, Completion, Course, Teacher

# nothing in this seed catches a service's failure: seed_demo runs it without savepoints and with
# its audit rows held (core.seeding.in_bulk)
IN_BULK = True

COLLEGES = (
    # name, industry, partner universities, partner employers
    ("数字工匠学院", "数字经济", "黑龙江大学、哈尔滨工程大学", ()),
    (
        "装备制造业工匠学院",
        "装备制造",
        "哈尔滨工业大学、哈尔滨理工大学",
        ("哈尔滨飞机工业集团有限责任公司", "中国第一重型机械集团有限公司", "哈尔滨电机厂有限责任公司"),
    ),
    ("现代农业工匠学院", "现代农业", "东北农业大学、黑龙江八一农垦大学", ()),
    ("生态工匠学院", "生态环保", "东北林业大学", ()),
)
PARTNERS = ("哈尔滨飞机工业集团有限责任公司", "中国第一重型机械集团有限公司", "哈尔滨电机厂有限责任公司")
# college, name, kind, affiliation, subjects, availability, worker record (by name)
TEACHERS = (
    (
        "装备制造业工匠学院",
        "秦世俊",
        "national",
        "哈尔滨飞机工业集团有限责任公司",
        "数控铣削、航空零部件精密加工",
        "每月第二周",
        True,
    ),
    ("装备制造业工匠学院", "刘伯鸣", "national", "中国第一重型机械集团有限公司", "大型锻件锻造工艺", "周末", True),
    ("装备制造业工匠学院", "王振宇", "university", "哈尔滨工业大学", "机械制造工艺、数控编程", "寒暑假", False),
    ("数字工匠学院", "张海涛", "university", "黑龙江大学", "工业互联网、数据采集与分析", "周末", False),
    ("现代农业工匠学院", "李春华", "university", "东北农业大学", "农业机械维修、智能农机", "春耕前、秋收后", False),
    ("生态工匠学院", "赵林", "university", "东北林业大学", "林业生态修复、森林防火", "5月至10月", False),
)


def _workers(count: int, skip: set[int], trade: str = "") -> list[Worker]:
    """Trainees: workers of the class's trade first (from any employer), then of the partner employers,
    then any other, without a log-in."""
    pool = Worker.objects.filter(user__isnull=True).exclude(pk__in=skip).exclude(name__in=[t[1] for t in TEACHERS])
    chosen = list(pool.filter(occupations__name=trade).order_by("pk")[:count]) if trade else []
    pool = pool.exclude(pk__in=[w.pk for w in chosen])
    chosen += list(pool.filter(employer__name__in=PARTNERS).order_by("pk")[: count - len(chosen)])
    if len(chosen) < count:
        chosen += list(pool.exclude(employer__name__in=PARTNERS).order_by("pk")[: count - len(chosen)])
    return chosen


def _enrol(admin: User, scope: Scope, cohort: Cohort, workers: list[Worker]) -> list:
    """Enrol the trainees there are: a demo seeded with ``--workers 0`` has few spare workers."""
    return services.enrol_many(actor=admin, scope=scope, cohort=cohort, workers=workers) if workers else []


def _cohort(
    admin: User, course: Course, *, name: str, starts: dt.date, days: int, capacity: int, required: int, who: list
) -> Cohort:
    return services.create_cohort(
        actor=admin,
        scope=Scope(admin),
        course=course,
        data=services.CohortData(
            name=name,
            starts_on=starts,
            ends_on=starts + dt.timedelta(days=days - 1),
            place="哈尔滨工业大学实训中心"
            if course.college.name == "装备制造业工匠学院"
            else "黑龙江大学工业互联网实训室",
            capacity=capacity,
            required_hours=Decimal(required),
            teachers=tuple(who),
        ),
    )


def _sessions(admin: User, cohort: Cohort, topics: list[str], hours: Decimal) -> list:
    scope = Scope(admin)
    units = list(cohort.course.units.all())
    teachers = list(cohort.teachers.all())
    sessions = []
    for index, topic in enumerate(topics):
        sessions.append(
            services.add_session(
                actor=admin,
                scope=scope,
                cohort=cohort,
                day=cohort.starts_on + dt.timedelta(days=index),
                starts_at=dt.time(8, 30),
                hours=hours,
                topic=topic,
                unit=units[index % len(units)] if units else None,
                teacher=teachers[index % len(teachers)] if teachers else None,
            )
        )
    return sessions


def seed(ctx: DemoContext) -> None:
    build(ctx.admin)


def build(admin: User) -> None:
    colleges, teachers = _colleges_and_teachers(admin)
    lathe, forging, digital = _courses(admin, colleges)
    _classes(admin, teachers, lathe, forging, digital)


def _colleges_and_teachers(admin: User) -> tuple[dict[str, College], dict[str, Teacher]]:
    scope = Scope(admin)
    province = Union.objects.get(kind=UnionKind.PROVINCE)
    year = timezone.localdate().year
    colleges: dict[str, College] = {}
    # the plans cite the demo's document on high-skill workers (a 演示 placeholder, policy/data/seed.json)
    plan_document = PolicyDocument.objects.filter(doc_no="演示〔2023〕1号").first()
    for name, industry, universities, partners in COLLEGES:
        colleges[name] = services.save_college(
            actor=admin,
            scope=scope,
            fields={
                "name": name,
                "industry": industry,
                "union": province,
                "universities": universities,
                "employers": list(Employer.objects.filter(name__in=partners)),
                "plan_year": year,
                "plan_classes": 9,
                "plan_days": 5,
                "plan_places": 1000,
                "plan_document": plan_document,
            },
        )
    services.add_staff(
        actor=admin, scope=scope, college=colleges["装备制造业工匠学院"], user=User.objects.get(username="xueyuan")
    )
    # a college hosts competitions: the demo's finished provincial competitions were held at this one
    # (Competition.host is free text; the competitions app has no link to a college)
    Competition.objects.filter(organiser=province, state=State.FINAL).update(host="装备制造业工匠学院")
    teachers: dict[str, Teacher] = {}
    for college, name, kind, affiliation, subjects, availability, linked in TEACHERS:
        teachers[name] = services.save_teacher(
            actor=admin,
            scope=scope,
            college=colleges[college],
            fields={
                "name": name,
                "kind": kind,
                "affiliation": affiliation,
                "subjects": subjects,
                "availability": availability,
                "active": True,
            },
            worker=Worker.objects.filter(name=name).first() if linked else None,
        )
    return colleges, teachers


def _courses(admin: User, colleges: dict[str, College]) -> tuple[Course, Course, Course]:
    scope = Scope(admin)
    equipment = colleges["装备制造业工匠学院"]
    # competition standards become training standards: the latest finished provincial lathe event
    event = (
        Event.objects.filter(
            competition__state=State.FINAL, competition__organiser__kind=UnionKind.PROVINCE, name="数控车工"
        )
        .filter(criteria__isnull=False)
        .distinct()
        .order_by("-competition__starts_on")
        .first()
    )
    if event is not None:
        lathe = services.derive_course(
            actor=admin,
            scope=scope,
            college=equipment,
            event=event,
            title="数控车工赛项标准转化课程",
            hours_per_unit=Decimal(16),
        )
        services.add_unit(
            actor=admin, scope=scope, course=lathe, title="安全文明生产与职业素养", hours=Decimal(8), event=event
        )
    else:  # a demo without finished competitions
        lathe = services.create_course(
            actor=admin,
            scope=scope,
            college=equipment,
            title="数控车工赛项标准转化课程",
            occupation=Occupation.objects.filter(name="数控车工").first(),
        )
    services.add_unit(actor=admin, scope=scope, course=lathe, title="数控车削理论与编程", hours=Decimal(16))
    forging = services.create_course(
        actor=admin,
        scope=scope,
        college=equipment,
        title="大型锻件锻造工艺",
        occupation=Occupation.objects.filter(name="锻造工").first(),
        description="刘伯鸣大国工匠工作室的锻造经验：加热、镦粗、拔长与缺陷控制。",
    )
    for title, hours in (("锻造加热与温度控制", 12), ("镦粗与拔长操作", 16), ("锻件缺陷分析与控制", 12)):
        services.add_unit(actor=admin, scope=scope, course=forging, title=title, hours=Decimal(hours))
    digital = services.create_course(
        actor=admin, scope=scope, college=colleges["数字工匠学院"], title="工业互联网应用与数据采集"
    )
    for title, hours in (("工业互联网平台基础", 8), ("设备数据采集实训", 16)):
        services.add_unit(actor=admin, scope=scope, course=digital, title=title, hours=Decimal(hours))
    return lathe, forging, digital


def _classes(admin: User, teachers: dict[str, Teacher], lathe: Course, forging: Course, digital: Course) -> None:
    scope = Scope(admin)
    today = timezone.localdate()
    used: set[int] = set()
    lathe_topics = ["工艺分析", "尺寸精度控制", "数控编程", "实操训练", "综合考核"]
    # a finished class: five days of eight hours; two trainees missed two days, one failed; certificates
    done = _cohort(
        admin,
        lathe,
        name="数控车工赛项标准转化课程（第1期）",
        starts=today - dt.timedelta(days=60),
        days=5,
        capacity=20,
        required=32,
        who=[teachers["秦世俊"], teachers["王振宇"]],
    )
    trainees = _workers(18, used, "数控车工")
    used |= {w.pk for w in trainees}
    enrolments = _enrol(admin, scope, done, trainees)
    sessions = _sessions(admin, done, lathe_topics, Decimal(8))
    services.transition(actor=admin, scope=scope, cohort=done, to=CohortState.RUNNING)
    for index, session in enumerate(sessions):
        absent = {e.pk for e in enrolments[:2]} if index in {1, 2} else set()
        services.record_attendance(
            actor=admin, scope=scope, session=session, present=[e.pk for e in enrolments if e.pk not in absent]
        )
    scores = {e.pk: Decimal(55 if i == 2 else 68 + (i * 7) % 29) for i, e in enumerate(enrolments)}
    services.record_scores(actor=admin, scope=scope, cohort=done, scores=scores)
    services.transition(actor=admin, scope=scope, cohort=done, to=CohortState.FINISHED)
    certificates.issue_all(actor=admin, scope=scope, cohort=done)
    # what follows: one completion counted toward a skill grade
    first = Completion.objects.filter(enrolment__cohort=done).order_by("pk").first()
    occupation = lathe.occupation or Occupation.objects.filter(name="数控车工").first()
    if first is not None and occupation is not None:
        services.record_grade(
            actor=admin,
            scope=scope,
            completion=first,
            occupation=occupation,
            grade=4,
            certificate_no=f"HLJ-GJXY-{today.year}-0001",
            awarded_on=done.ends_on + dt.timedelta(days=20),
            issuer="黑龙江省职业技能鉴定指导中心",
        )

    # a class under way: three of its five days taken
    running = _cohort(
        admin,
        forging,
        name="大型锻件锻造工艺（第1期）",
        starts=today - dt.timedelta(days=2),
        days=5,
        capacity=15,
        required=32,
        who=[teachers["刘伯鸣"]],
    )
    trainees = _workers(12, used, "锻造工")
    used |= {w.pk for w in trainees}
    enrolments = _enrol(admin, scope, running, trainees)
    sessions = _sessions(admin, running, ["锻造加热", "镦粗", "拔长", "缺陷分析", "考核"], Decimal(8))
    services.transition(actor=admin, scope=scope, cohort=running, to=CohortState.RUNNING)
    for day, session in enumerate(sessions[:3]):
        present = [e.pk for i, e in enumerate(enrolments) if (i + day) % 11 != 0]
        services.record_attendance(actor=admin, scope=scope, session=session, present=present)

    # open for enrolment: one full with a waiting list, one just opened
    upcoming = _cohort(
        admin,
        lathe,
        name="数控车工赛项标准转化课程（第2期）",
        starts=today + dt.timedelta(days=14),
        days=5,
        capacity=10,
        required=32,
        who=[teachers["秦世俊"]],
    )
    _enrol(admin, scope, upcoming, _workers(12, used, "数控车工"))
    _sessions(admin, upcoming, lathe_topics, Decimal(8))
    _cohort(
        admin,
        digital,
        name="工业互联网应用与数据采集（第1期）",
        starts=today + dt.timedelta(days=21),
        days=3,
        capacity=30,
        required=20,
        who=[teachers["张海涛"]],
    )
