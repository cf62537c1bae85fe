"""Random writes across the apps, for the statistics tests: every indicator gets rows, in
several years and unions, with rows that must not count (withdrawn entries, draft
competitions, unpaid lines, paid reversals, waiting enrolments, closed studios)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from gongjiang.awards.models import Allocation, HonourCycle, LedgerLine, Nomination
from gongjiang.colleges.models import Cohort, College, Completion, Course, Enrolment
from gongjiang.competitions.models import Competition, Entry, Event
from gongjiang.core.changes import announce
from gongjiang.innovations.models import Innovation
from gongjiang.labour.models import Team, Unit
from gongjiang.orgs.scope import Scope
from gongjiang.people import services as people_services
from gongjiang.people.models import Honour, SkillGrade, Worker
from gongjiang.policy.models import Programme, Rule
from gongjiang.studios.models import Alliance, Project, Studio, Target
from tests.imports.test_worker_import import _id

COMP_STATES = ["final", "final", "archived", "draft", "notice"]
TIERS = ["provincial_1", "city", "enterprise", "national_2"]


def _day(rng: random.Random, years: tuple) -> dt.date:
    """A day in the years ``(first, last)``, or between two days ``(date, date)``."""
    if isinstance(years[0], dt.date):
        return years[0] + dt.timedelta(days=rng.randint(0, (years[1] - years[0]).days))
    return dt.date(rng.randint(*years), rng.randint(1, 12), rng.randint(1, 28))


def _last_year(years: tuple) -> int:
    return years[1].year if isinstance(years[1], dt.date) else years[1]


def build(org: SimpleNamespace, seed: int, size: int = 4, years: tuple = (2022, 2026)) -> None:
    """Write ``size``-ish rows of every kind, drawn from ``seed``."""
    rng = random.Random(seed)
    prov = org.users.prov
    employers = [org.harbin_employer, org.qiqihar_employer]
    workers = list(Worker.objects.filter(pk__in=[org.harbin_worker.pk, org.qiqihar_worker.pk]))
    start = Worker.objects.count()
    for n in range(size):
        employer = rng.choice(employers)
        worker = people_services.create_worker(
            actor=prov,
            scope=Scope(prov),
            data=people_services.WorkerData(
                name=f"随机{seed % 1000}{n}", id_number=_id(1000 + start + n), employer=employer
            ),
        )
        workers.append(worker)
    for w in workers:
        announce(Worker, pks=[w.pk])  # a queryset update announces itself, as the services' do
        Worker.objects.filter(pk=w.pk).update(
            top_grade=rng.choice([None, 2, 3, 4, 5, 6]), status=rng.choice(["employed", "employed", "left"])
        )
        w.refresh_from_db()
    unions = [org.province, org.harbin, org.qiqihar, org.machinery, org.daoli]
    for part in (_competitions, _teams, _grades, _craftsmen, _ledger, _honours, _studios, _colleges):
        part(rng, org, workers, unions, seed, size, years)


def _competitions(
    rng: random.Random, org: SimpleNamespace, workers: list, unions: list, seed: int, size: int, years: tuple
) -> None:
    prov = org.users.prov
    for n in range(size):
        starts = _day(rng, years)
        comp = Competition.objects.create(
            name=f"随机竞赛{seed}-{n}",
            tier=rng.choice(TIERS),
            kind=rng.choice(["skills", "labour"]),
            organiser=rng.choice(unions),
            registration_closes_on=starts,
            starts_on=starts,
            ends_on=starts,
            state=rng.choice(COMP_STATES),
            region_code="230000",
        )
        for e in range(rng.randint(1, 2)):
            event = Event.objects.create(
                competition=comp, name=f"赛项{e}", occupation=rng.choice([org.lathe, org.welder])
            )
            for w in rng.sample(workers, rng.randint(0, len(workers))):
                Entry.objects.create(
                    event=event,
                    worker=w,
                    employer=w.employer,
                    union=w.union,
                    region_code=w.region_code,
                    state=rng.choice(["registered", "registered", "withdrawn"]),
                    registered_by=prov,
                )


def _teams(
    rng: random.Random, org: SimpleNamespace, workers: list, unions: list, seed: int, size: int, years: tuple
) -> None:
    """Units and teams in this build's labour competitions (and one made final here, so the figures have
    rows), each team's members workers of its unit's enterprise, none in two teams of one competition, added
    through the team's list (a many-to-many manager: no row signals). Drawn from a generator of their own,
    so the other parts' rows stay what the seed gave them before."""
    rng = random.Random(f"teams{seed}")
    starts = _day(rng, years)
    final = Competition.objects.create(
        name=f"劳动竞赛{seed}",
        tier=rng.choice(TIERS),
        kind="labour",
        organiser=rng.choice(unions),
        registration_closes_on=starts,
        starts_on=starts,
        ends_on=starts,
        state="final",
        region_code="230000",
    )
    built = Competition.objects.filter(kind="labour", name__startswith=f"随机竞赛{seed}-")
    for comp in [final, *built.order_by("pk")]:
        for employer in rng.sample([org.harbin_employer, org.qiqihar_employer], rng.randint(1, 2)):
            unit = Unit.objects.create(
                competition=comp,
                employer=employer,
                union=employer.union,
                region_code=employer.region_id,
                entered_by=org.users.prov,
            )
            staff = list(Worker.objects.filter(employer=employer).order_by("pk"))
            rng.shuffle(staff)
            for t in range(rng.randint(1, 2)):
                team = Team.objects.create(unit=unit, name=f"班组{t}")
                cut = rng.randint(0, len(staff))
                team.members.add(*staff[:cut])
                staff = staff[cut:]


def _grades(
    rng: random.Random, org: SimpleNamespace, workers: list, unions: list, seed: int, size: int, years: tuple
) -> None:
    for n in range(size * 2):
        SkillGrade.objects.create(
            worker=rng.choice(workers),
            occupation=org.lathe,
            grade=rng.randint(2, 6),
            source=rng.choice(["evaluation", "competition", "college"]),
            certificate_no=f"RND-{seed}-{n}",
            awarded_on=_day(rng, years),
        )


def _craftsmen(
    rng: random.Random, org: SimpleNamespace, workers: list, unions: list, seed: int, size: int, years: tuple
) -> None:
    """Craftsman honours of every level (and an honour of another kind, which the craftsmen figures skip)."""
    for n, w in enumerate(rng.sample(workers, min(len(workers), size))):
        Honour.objects.get_or_create(
            worker=w,
            title=f"随机工匠{seed}-{n}",
            year=_day(rng, years).year,
            defaults={"kind": "model_worker" if n == 3 else "craftsman", "level": 4 - n % 3},
        )


def _ledger(
    rng: random.Random, org: SimpleNamespace, workers: list, unions: list, seed: int, size: int, years: tuple
) -> None:
    """Paid, unpaid, and paid reversals."""
    prov, alice, bob = org.users.prov, org.users.alice, org.users.bob
    programmes = list(Programme.objects.all()[:2])
    lines = []
    for n in range(size * 2):
        w = rng.choice(workers)
        paid = rng.random() < 0.7
        line = LedgerLine.objects.create(
            programme=rng.choice(programmes),
            year=2024,
            union=w.union,
            worker=w,
            payee=w.name,
            amount=Decimal(rng.randint(1, 500000)) / 100,
            reason="随机",
            proposed_by=prov,
            approved_by=alice if paid else None,
            paid_by=bob if paid else None,
            state="paid" if paid else rng.choice(["proposed", "approved"]),
            paid_at=timezone.make_aware(dt.datetime.combine(_day(rng, years), dt.time(rng.choice([0, 12, 23]))))
            if paid
            else None,
            source=f"rnd:{seed}:{n}",
        )
        lines.append(line)
    for line in [x for x in lines if x.state == "paid"][:2]:
        if rng.random() < 0.5:
            LedgerLine.objects.create(
                programme=line.programme,
                year=line.year,
                union=line.union,
                worker=line.worker,
                payee=line.payee,
                amount=-line.amount,
                reason="冲销",
                proposed_by=prov,
                approved_by=alice,
                paid_by=bob,
                state="paid",
                paid_at=line.paid_at + dt.timedelta(days=rng.randint(0, 400)),
                reverses=line,
                source=f"rev:{seed}:{line.pk}",
            )


def _honours(
    rng: random.Random, org: SimpleNamespace, workers: list, unions: list, seed: int, size: int, years: tuple
) -> None:
    prov = org.users.prov
    rule = Rule.objects.filter(kind="honour").first()
    cycle = HonourCycle.objects.create(rule=rule, year=_day(rng, years).year, title=f"随机荣誉{seed}", quota=5)
    allocations = {
        u.pk: Allocation.objects.create(cycle=cycle, union=u, quota=rng.randint(1, 3))
        for u in (org.harbin, org.qiqihar)
    }
    for w in rng.sample(workers, min(3, len(workers))):
        city = org.harbin if w.region_code.startswith("2301") else org.qiqihar
        Nomination.objects.create(
            cycle=cycle,
            allocation=allocations[city.pk],
            worker=w,
            union=w.union,
            statement="事迹",
            nominated_by=prov,
            state=rng.choice(["approved", "approved", "rejected"]),
            decided_at=timezone.make_aware(dt.datetime.combine(_day(rng, years), dt.time(10))),
        )


def _studios(
    rng: random.Random, org: SimpleNamespace, workers: list, unions: list, seed: int, size: int, years: tuple
) -> None:
    employers = [org.harbin_employer, org.qiqihar_employer]
    studios = []
    for n in range(size):
        employer = rng.choice(employers)
        lead = rng.choice([w for w in workers if w.employer_id == employer.pk] or workers)
        studios.append(
            Studio.objects.create(
                name=f"随机工作室{seed}-{n}",
                level=rng.choice(["city", "provincial", "enterprise"]),
                state=rng.choice(["named", "named", "closed", "applied"]),
                employer=employer,
                union=employer.union,
                region_code=employer.region_id,
                lead=lead,
                field="焊接",
                founded_on=_day(rng, years),
            )
        )
    for n in range(size):
        Alliance.objects.create(
            name=f"随机联盟{seed}-{n}",
            level=rng.choice(["city", "provincial"]),
            lead_union=rng.choice(unions),
            region_code="230000",
            founded_on=_day(rng, years),
            founding_document="随机〔2025〕1号",
        )
    Target.objects.get_or_create(
        union=org.harbin,
        year=_last_year(years),
        cumulative=False,
        defaults={"alliances": 2, "document": "随机目标〔2025〕1号"},
    )
    for n in range(size):
        closed = rng.random() < 0.7
        Project.objects.create(
            title=f"随机项目{seed}-{n}",
            studio=rng.choice(studios),
            started_on=_day(rng, years),
            state="closed" if closed else "under_way",
            closed_on=_day(rng, years) if closed else None,
        )
    # the economic benefit is the innovations' (counted when finance confirmed it and it stands)
    projects = list(Project.objects.filter(title__startswith=f"随机项目{seed}-"))
    for n in range(size * 2):
        project = rng.choice(projects)
        employer = project.studio.employer
        state = rng.choice(["confirmed", "in_notice", "recognised", "calculated", "rejected"])
        confirmed = state != "calculated" and rng.random() < 0.8  # a rejected one may have been confirmed first
        Innovation.objects.create(
            title=f"随机创新{seed}-{n}",
            kind=rng.choice(["renovation", "suggestion", "small_design"]),
            description="x",
            employer=employer,
            union_id=employer.union_id,
            region_code=employer.region_id,
            studio=project.studio if rng.random() < 0.5 else None,
            project=project,
            state=state,
            benefit=Decimal(rng.randint(0, 10**9)) / 100,
            confirmed_on=_day(rng, years) if confirmed else None,
            submitted_by=org.users.prov,
        )


def _colleges(
    rng: random.Random, org: SimpleNamespace, workers: list, unions: list, seed: int, size: int, years: tuple
) -> None:
    prov = org.users.prov
    college = College.objects.create(
        name=f"随机工匠学院{seed}",
        industry="装备",
        union=rng.choice([org.harbin, org.machinery, org.qiqihar]),
        plan_year=_last_year(years),
        plan_classes=3,
    )
    course = Course.objects.create(college=college, title="数控车削", occupation=org.lathe)
    for n in range(max(1, size // 2)):
        starts = _day(rng, years)
        cohort = Cohort.objects.create(
            course=course,
            college=college,
            name=f"随机班{seed}-{n}",
            starts_on=starts,
            ends_on=starts + dt.timedelta(days=5),
            place="哈尔滨",
            capacity=30,
            required_hours=Decimal(40),
        )
        for w in rng.sample(workers, rng.randint(0, len(workers))):
            status = rng.choice(["enrolled", "enrolled", "waiting", "withdrawn"])
            enrolment = Enrolment.objects.create(
                cohort=cohort, worker=w, union=w.union, status=status, enrolled_by=prov
            )
            if status == "enrolled" and rng.random() < 0.6:
                Completion.objects.create(
                    enrolment=enrolment,
                    worker=w,
                    hours=Decimal(40),
                    score=Decimal(80),
                    completed_on=cohort.ends_on,
                )


def _correct_teams(seed: int, size: int) -> None:
    """Labour teams' members removed, added (from the worker's side too: a reversed list) or cleared, from a
    generator of their own, so the other corrections stay what the seed gave them before."""
    rng = random.Random(f"team corrections{seed}")
    for team in rng.sample(list(Team.objects.select_related("unit")), min(size, Team.objects.count())):
        unit = team.unit
        free = list(
            Worker.objects.filter(employer_id=unit.employer_id)
            .exclude(labour_teams__unit__competition_id=unit.competition_id)
            .order_by("pk")
        )
        members = list(team.members.order_by("pk"))
        choice = rng.random()
        if choice < 0.25:
            team.members.clear()
        elif choice < 0.5 and members:
            team.members.remove(*rng.sample(members, rng.randint(1, len(members))))
        elif choice < 0.75 and free:
            team.members.add(*rng.sample(free, rng.randint(1, len(free))))
        elif free:
            rng.choice(free).labour_teams.add(team)


def correct(org: SimpleNamespace, seed: int, size: int = 4) -> None:
    """Writes that move rows counted before: results corrected (entries withdrawn, re-registered or
    deleted, a competition's state and start moved), workers moved to another enterprise, grades
    re-dated, payments reversed, studios delisted, honours and enrolments changed."""
    rng = random.Random(seed)
    prov, alice, bob = org.users.prov, org.users.alice, org.users.bob
    for entry in rng.sample(list(Entry.objects.all()), min(size * 2, Entry.objects.count())):
        if rng.random() < 0.2:
            entry.delete()
        else:
            entry.state = "withdrawn" if entry.state == "registered" else "registered"
            entry.save()
    for comp in rng.sample(list(Competition.objects.all()), min(size, Competition.objects.count())):
        comp.state = rng.choice(COMP_STATES)
        comp.starts_on = comp.starts_on + dt.timedelta(days=rng.randint(-200, 200))
        comp.save()
    _correct_teams(seed, size)
    employers = [org.harbin_employer, org.qiqihar_employer]
    for w in rng.sample(list(Worker.objects.all()), min(size, Worker.objects.count())):
        employer = rng.choice(employers)
        w.employer, w.union = employer, employer.union
        w.save()
    for grade in rng.sample(list(SkillGrade.objects.all()), min(size, SkillGrade.objects.count())):
        grade.awarded_on = _day(rng, (2022, 2026))
        grade.save()
    paid = list(LedgerLine.objects.filter(state="paid", reverses__isnull=True, reversal__isnull=True, amount__gt=0))
    for line in rng.sample(paid, min(2, len(paid))):
        LedgerLine.objects.create(
            programme=line.programme,
            year=line.year,
            union=line.union,
            worker=line.worker,
            payee=line.payee,
            amount=-line.amount,
            reason="冲销",
            proposed_by=prov,
            approved_by=alice,
            paid_by=bob,
            state="paid",
            paid_at=line.paid_at + dt.timedelta(days=rng.randint(0, 40)),
            reverses=line,
            source=f"fix:{seed}:{line.pk}",
        )
    for studio in rng.sample(list(Studio.objects.all()), min(2, Studio.objects.count())):
        studio.state = "closed" if studio.state == "named" else "named"
        studio.save()
    for nomination in rng.sample(list(Nomination.objects.all()), min(2, Nomination.objects.count())):
        nomination.state = "rejected" if nomination.state == "approved" else "approved"
        nomination.save()
    for honour in rng.sample(list(Honour.objects.all()), min(2, Honour.objects.count())):
        honour.level = rng.choice([2, 3, 4])
        honour.save()
    for enrolment in rng.sample(list(Enrolment.objects.all()), min(size, Enrolment.objects.count())):
        enrolment.status = rng.choice(["enrolled", "withdrawn"])
        enrolment.save()
    for cohort in rng.sample(list(Cohort.objects.all()), min(1, Cohort.objects.count())):
        cohort.starts_on = cohort.starts_on + dt.timedelta(days=rng.randint(-100, 100))
        cohort.save()
