"""The demo reads as a union official expects (issue 11 §5): trades that fit each employer, names that
fit the sex in the ID number, judges of one to three trades marking their own trade, studios that pass
the "六有" they were named on, a first page of workers with trades and grades, and a matcher that sends
the 水轮机 problem to a machining studio."""

import io

from django.core.management import call_command
from django.utils import timezone

from gongjiang.colleges.models import Cohort
from gongjiang.competitions.models import Assignment, Judge
from gongjiang.core.models import User
from gongjiang.orgs.scope import Scope
from gongjiang.people import demo_data as people_demo
from gongjiang.people.models import Worker
from gongjiang.studios.models import Problem, Studio
from gongjiang.studios.queries import suggest_studios
from gongjiang.studios.services import six_checks


def test_the_demo_is_believable(db):
    call_command("seed_demo", workers=300, stdout=io.StringIO())
    workers = list(Worker.objects.select_related("employer").prefetch_related("occupations", "grades"))

    # every trade fits the employer: no 中式烹调师 or 采油工 at the aircraft maker
    misfits = [
        (w.name, w.employer.name, o.name)
        for w in workers
        for o in w.occupations.all()
        if o.name not in people_demo.occupations_for(w.employer.industry)
    ]
    assert misfits == []
    hafei = {o.name for w in workers if w.employer.industry == "航空器制造" for o in w.occupations.all()}
    assert "数控铣工" in hafei and hafei <= set(people_demo.occupations_for("航空器制造"))
    assert not {"中式烹调师", "采油工"} & set(people_demo.occupations_for("航空器制造"))

    # a given name fits the sex in the ID number; no woman works underground
    women = [w for w in workers if w.sex == "F"]
    assert women and all(w.name[1:] not in people_demo.GIVEN_MEN for w in women)
    assert all(w.name[1:] not in people_demo.GIVEN_WOMEN for w in workers if w.sex == "M")
    assert not [w.name for w in women for o in w.occupations.all() if o.name in people_demo.MEN_ONLY]

    # the first page of the worker list: every one with a trade and a grade in it
    first_page = sorted(workers, key=lambda w: -w.pk)[:50]
    assert all(w.occupations.all() and w.grades.all() for w in first_page)
    assert all({g.occupation_id for g in w.grades.all()} <= {o.pk for o in w.occupations.all()} for w in first_page)

    # judges hold one to three trades and mark only their own
    assert sorted({j.occupations.count() for j in Judge.objects.all()}) == [1, 2, 3]
    for a in Assignment.objects.select_related("event", "judge"):
        assert a.judge.occupations.filter(pk=a.event.occupation_id).exists(), (a.judge.name, a.event.name)

    # a named studio passes the six checks today; its occupations are its people's trades
    today = timezone.localdate()
    for studio in Studio.objects.filter(state="named"):
        assert [c.label for c in six_checks(studio, today.year) if not c.ok] == [], studio.name
        assert studio.occupations.exists(), studio.name

    # a class of the 数控车工 course trains 数控车工 first
    trainees = [e.worker for e in Cohort.objects.get(name="数控车工赛项标准转化课程（第1期）").enrolments.all()]
    lathe = [w for w in trainees if w.occupations.filter(name="数控车工").exists()]
    print(f"\n{len(lathe)} of {len(trainees)} trainees of the 数控车工 class hold 数控车工")
    assert len(lathe) * 2 > len(trainees)

    # the 水轮机 problem goes to the aircraft maker's 数控铣 studio, not to a food or farm one
    sheng = User.objects.get(username="sheng")
    problem = Problem.objects.get(title="水轮机转轮叶片数控加工效率低")
    suggestions = suggest_studios(Scope(sheng), problem)
    assert suggestions[0].studio.name == "秦世俊数控铣创新工作室"
    assert not [s.studio.name for s in suggestions if s.studio.employer.industry in {"食品", "现代农业"}]
