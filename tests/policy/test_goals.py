"""The province's craftsman goals are policy rows citing their document, edited with audit, and the
craftsmen figures' targets read them; college plans cite their document."""

import pytest

from gongjiang.core.models import AuditEntry
from gongjiang.policy.indicators import INDICATORS
from gongjiang.policy.models import Goal, PolicyDocument


def _target(code, union_ids, year=2026):
    indicator = next(i for i in INDICATORS if i.code == code)
    return indicator.target(union_ids, year)


def test_goals_are_seeded_citing_a_demo_document(org, policy):
    goals = {g.honour_level: g for g in Goal.objects.select_related("document")}
    assert {g.persons for g in goals.values()} == {50, 1000, 2000}
    assert all(g.document.doc_no.startswith("演示") for g in goals.values())  # never an invented real 文号
    target = _target("craftsmen_national", [org.province.pk])[org.province.pk]
    assert (target.value, target.by) == (50, 2035)
    assert target.document == goals[4].citation


def test_the_province_edits_a_goal_with_audit_and_the_target_follows(org, policy, as_user):
    goal = Goal.objects.get(honour_level=4)
    document = PolicyDocument.objects.exclude(pk=goal.document_id).first()
    data = {
        "honour_level": 4,
        "title": "大国工匠",
        "persons": 60,
        "by_year": 2035,
        "document": document.pk,
        "clause": "第二条",
    }
    response = as_user(org.users.prov).post(f"/policy/goals/{goal.pk}/edit/", data)
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.persons, goal.document_id) == (60, document.pk)
    assert AuditEntry.objects.filter(object_id=str(goal.pk), action="update").exists()
    target = _target("craftsmen_national", [org.province.pk])[org.province.pk]
    assert (target.value, target.document) == (60, f"{document.doc_no} 第二条")
    # a city admin may read the goals but not change them
    alice = as_user(org.users.alice)
    assert alice.post(f"/policy/goals/{goal.pk}/edit/", data | {"persons": 1}).status_code == 403
    goal.refresh_from_db()
    assert goal.persons == 60


def test_a_goal_before_its_document_is_refused(org, policy, as_user):
    goal = Goal.objects.get(honour_level=3)
    data = {"honour_level": 3, "title": "龙江工匠", "persons": 10, "by_year": 2000, "document": goal.document_id}
    response = as_user(org.users.prov).post(f"/policy/goals/{goal.pk}/edit/", data)
    assert response.status_code == 200
    assert "早于" in response.content.decode()
    goal.refresh_from_db()
    assert goal.persons == 1000


@pytest.mark.parametrize("with_document", [False, True])
def test_a_college_plan_cites_its_document(org, policy, with_document):
    from gongjiang.colleges.forms import CollegeForm
    from gongjiang.orgs.scope import Scope

    document = PolicyDocument.objects.first()
    data = {
        "name": "计划学院",
        "industry": "装备",
        "union": org.province.pk,
        "plan_year": 2026,
        "plan_classes": 3,
        "plan_days": 5,
        "plan_places": 90,
        "plan_document": document.pk if with_document else "",
    }
    form = CollegeForm(data, scope=Scope(org.users.prov))
    assert form.is_valid() is with_document
    if not with_document:
        assert "plan_document" in form.errors


def test_the_three_craftsmen_targets_of_a_page_share_one_read(org, policy, django_assert_num_queries):
    from gongjiang.core.indicators import shared_reads
    from gongjiang.orgs.models import Union

    codes = ("craftsmen_national", "craftsmen_provincial", "craftsmen_city")
    everyone = Union.objects.filter(pk__in=[org.province.pk, org.harbin.pk]).values("pk")
    with django_assert_num_queries(1), shared_reads():
        found = {code: _target(code, everyone) for code in codes}
    assert {code: t[org.province.pk].value for code, t in found.items()} == {
        "craftsmen_national": 50,
        "craftsmen_provincial": 1000,
        "craftsmen_city": 2000,
    }
    # below the province there is no goal; outside a page each target reads for itself
    with django_assert_num_queries(1):
        assert _target("craftsmen_city", Union.objects.filter(pk=org.harbin.pk).values("pk")) == {}
    # a new block reads again: a goal edited between two pages is seen by the second
    Goal.objects.filter(honour_level=4).update(persons=70)
    with shared_reads():
        assert _target("craftsmen_national", everyone)[org.province.pk].value == 70
