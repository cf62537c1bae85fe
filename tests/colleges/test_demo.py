"""The demo holds the four colleges, their teachers with honours, and classes in every state."""

import io

from django.core.management import call_command

from gongjiang.colleges.models import Cohort, College, CollegeStaff, Completion, CompletionCertificate, Teacher
from gongjiang.colleges.queries import colleges_for_user
from gongjiang.competitions.models import Competition
from gongjiang.core.models import User
from gongjiang.orgs.scope import Scope


def test_demo_builds_the_colleges(db):
    call_command("seed_demo", workers=300, stdout=io.StringIO())
    assert set(College.objects.values_list("name", flat=True)) == {
        "数字工匠学院",
        "装备制造业工匠学院",
        "现代农业工匠学院",
        "生态工匠学院",
    }
    for name in ("秦世俊", "刘伯鸣"):
        teacher = Teacher.objects.get(name=name)
        assert teacher.worker.name == name
        assert teacher.worker.honours.filter(title="大国工匠年度人物").exists()
    assert set(Cohort.objects.values_list("state", flat=True)) == {"open", "running", "finished"}
    derived = College.objects.get(name="装备制造业工匠学院").courses.get(title="数控车工赛项标准转化课程")
    assert derived.event is not None and derived.units.filter(criteria__isnull=False).exists()
    assert CompletionCertificate.objects.filter(revoked_at__isnull=True).count() == Completion.objects.count() > 10
    assert Completion.objects.filter(grade__source="college").count() == 1
    assert Competition.objects.filter(host="装备制造业工匠学院", state="final").exists()
    xueyuan = User.objects.get(username="xueyuan")
    assert CollegeStaff.objects.get(user=xueyuan).college.name == "装备制造业工匠学院"
    assert [c.name for c in colleges_for_user(Scope(xueyuan))] == ["装备制造业工匠学院"]
    assert Cohort.objects.get(name="数控车工赛项标准转化课程（第2期）").enrolments.filter(status="waiting").count() == 2


def test_demo_seeds_without_generated_workers(db):
    """The benchmarks start from ``seed_demo --workers 0``: the classes take the spare workers there
    are instead of refusing an empty enrolment."""
    call_command("seed_demo", workers=0, stdout=io.StringIO())
    assert College.objects.count() == 4
    assert set(Cohort.objects.values_list("state", flat=True)) == {"open", "running", "finished"}
