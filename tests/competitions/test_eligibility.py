from dataclasses import replace

from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from gongjiang.competitions.eligibility import EntryFacts, refusals

OK = EntryFacts(
    registration_open=True,
    already_entered=False,
    event_full=False,
    employer_in_organiser_scope=True,
    worker_status="employed",
    age_at_start=35,
    grade_in_occupation=4,
    occupation="车工",
    audience="employed",
    grade_min=3,
    grade_max=5,
    min_age=18,
    max_age=45,
)


def test_eligible_worker_has_no_refusals():
    assert refusals(OK) == []


def test_each_rule_says_why_in_chinese():
    with translation.override("zh-hans"):
        assert refusals(replace(OK, grade_in_occupation=None)) == [
            "本赛项要求车工至少达到中级工（四级），该职工现有等级：无。"
        ]
    with translation.override("en"):
        assert refusals(replace(OK, grade_in_occupation=2)) == [
            "The event needs at least Intermediate worker (level 4) in 车工; the worker holds Junior worker (level 5)."
        ]
        assert refusals(replace(OK, age_at_start=50)) == ["The worker is 50 at the start; the event allows at most 45."]
        assert refusals(replace(OK, employer_in_organiser_scope=False, event_full=True)) == [
            "The event is full.",
            "The worker's employer is outside the organising union.",
        ]


@given(
    open_=st.booleans(),
    entered=st.booleans(),
    full=st.booleans(),
    inside=st.booleans(),
    status=st.sampled_from(["employed", "left", "retired", "student"]),
    age=st.integers(14, 80),
    grade=st.one_of(st.none(), st.integers(1, 8)),
    audience=st.sampled_from(["employed", "students", "all"]),
)
def test_refused_exactly_when_a_rule_is_broken(open_, entered, full, inside, status, age, grade, audience):
    facts = replace(
        OK,
        registration_open=open_,
        already_entered=entered,
        event_full=full,
        employer_in_organiser_scope=inside,
        worker_status=status,
        age_at_start=age,
        grade_in_occupation=grade,
        audience=audience,
    )
    broken = [
        not open_,
        entered,
        full,
        not inside,
        audience == "employed" and status != "employed",
        audience == "students" and status != "student",
        age < 18,
        age > 45,
        grade is None or grade < 3,
        grade is not None and grade > 5,
    ]
    assert len(refusals(facts)) == sum(broken)
