"""Demo data for the worker registry: generated workers with grades through the real importer (the
same validation, bulk path and audit rows as a union official's file), and the craftsmen the article
names with their honours, 秦世俊 with a log-in.

Reads ``admin``, ``employers`` and ``password`` from the demo context.
"""

import datetime as dt
import random

from django.core.management.base import CommandError

from gongjiang.core.fakeids import make_id_number
from gongjiang.core.models import User
from gongjiang.core.seeding import DemoContext
from gongjiang.orgs import services as org_services
from gongjiang.orgs.demo import create_demo_user
from gongjiang.orgs.enums import RoleKind
from gongjiang.orgs.models import Employer
from gongjiang.orgs.scope import Scope

from . import demo_data
from . import services as people_services
from .enums import GradeSource
from .importers import WorkerImporter
from .models import Honour, Occupation, Worker
from .samples import header

# nothing in this seed catches a service's failure: seed_demo runs it without savepoints and with
# its audit rows held (core.seeding.in_bulk)
IN_BULK = True

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


def seed(ctx: DemoContext) -> None:
    build_workers(ctx.rng, ctx.admin, ctx.employers, ctx.options.get("workers", 3000))
    link_worker_logins(ctx.admin, ctx.employers, ctx.password)


def build_workers(rng: random.Random, admin: User, employers: list[Employer], count: int) -> None:
    # trades that fit each employer's industry, names that fit the sex in the ID number
    rows = iter([header(), *demo_data.worker_rows(rng, [(e.uscc, e.region_id, e.industry) for e in employers], count)])
    importer = WorkerImporter(actor=admin, scope=Scope(admin))
    records = importer.clean_rows(rows)
    importer.clean_file(records)
    if importer.errors:
        raise CommandError("generated demo rows failed validation: " + "; ".join(map(str, importer.errors[:5])))
    importer.write(records)


def link_worker_logins(admin: User, employers: list[Employer], password: str) -> None:
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
            user = create_demo_user("qinshijun", name, password)
            org_services.grant_role(actor=None, scope=None, user=user, union=employer.union, kind=RoleKind.WORKER)
            Worker.objects.filter(pk=worker.pk).update(user=user)
