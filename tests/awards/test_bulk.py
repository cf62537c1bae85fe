"""Bulk review: proposals and nominees decided together with one reason, each in its own
transaction with its own audit entry and ledger line; one refusal does not stop the rest.
Pages answer in Chinese, the default language."""

from gongjiang.awards import services
from gongjiang.awards.enums import DecisionState, NominationState
from gongjiang.awards.models import Decision, LedgerLine, Nomination
from gongjiang.core.audit import history
from gongjiang.orgs.scope import Scope
from tests.awards.test_honours import _to_notice, cycle  # noqa: F401  (fixture)


def _proposals(c):
    return list(Decision.objects.filter(result__event=c.province_event).order_by("result__rank", "kind"))


def test_accept_four_at_once_one_already_reviewed_is_refused(awarded, as_user):
    prov = awarded.users.prov
    decisions = _proposals(awarded)
    services.review_decision(actor=prov, scope=Scope(prov), decision=decisions[0], verdict="accept")
    response = as_user(prov).post(
        "/awards/decisions/bulk/", {"ids": [d.pk for d in decisions], "verdict": "accept", "note": "集体审议"}
    )
    assert response.status_code == 200
    outcomes = response.context["outcomes"]
    assert [o.done for o in outcomes] == [False, True, True, True]
    assert outcomes[0].reason == "该建议已经审核过。"
    assert response.context["counts"] == {"done": 3, "refused": 1}
    for d in decisions:
        d.refresh_from_db()
        assert d.state == DecisionState.ACCEPTED
        assert history(d).filter(action="update").count() == 1  # each its own audit entry
    # each accepted reward its own ledger line, proposed by the reviewer (approved later by another person)
    lines = LedgerLine.objects.filter(decision__in=decisions)
    assert sorted(line.decision.kind for line in lines) == ["reward", "reward"]
    assert {line.proposed_by for line in lines} == {prov}
    assert all(line.reason.endswith("（集体审议）") for line in lines if line.decision_id != decisions[0].pk)


def test_reject_needs_one_reason_and_writes_nothing_without_it(awarded, as_user):
    client = as_user(awarded.users.prov)
    ids = [d.pk for d in _proposals(awarded)]
    response = client.post("/awards/decisions/bulk/", {"ids": ids, "verdict": "reject", "note": " "}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["请说明不通过的理由。"]
    assert set(Decision.objects.filter(pk__in=ids).values_list("state", flat=True)) == {DecisionState.PROPOSED}
    response = client.post("/awards/decisions/bulk/", {"ids": ids, "verdict": "reject", "note": "材料不全"})
    assert response.context["counts"] == {"done": 4, "refused": 0}
    assert set(Decision.objects.filter(pk__in=ids).values_list("review_note", flat=True)) == {"材料不全"}
    assert not LedgerLine.objects.exists()


def test_a_city_cannot_review_the_provinces_proposals_in_bulk(awarded, as_user):
    bob = awarded.users.bob
    ids = [d.pk for d in _proposals(awarded)]
    response = as_user(bob).post("/awards/decisions/bulk/", {"ids": ids, "verdict": "accept", "note": ""})
    outcomes = response.context["outcomes"]
    assert [o.done for o in outcomes] == [False] * 4
    # Bob sees his own worker's proposals but may not review them; Harbin's are not found
    assert {o.reason for o in outcomes} == {"您无权进行此操作。", "未找到，或不由您决定。"}
    assert set(Decision.objects.filter(pk__in=ids).values_list("state", flat=True)) == {DecisionState.PROPOSED}
    assert "王铁军" not in response.content.decode()


def test_decision_list_offers_boxes_only_for_reviewable_proposals(awarded, as_user):
    page = as_user(awarded.users.prov).get("/awards/decisions/")
    assert page.context["reviewable"] == {d.pk for d in _proposals(awarded)}
    assert page.content.decode().count('name="ids"') == 4
    bob = as_user(awarded.users.bob).get("/awards/decisions/")
    assert bob.context["reviewable"] == set()


def test_approve_nominees_together_within_each_allocation(cycle, as_user):  # noqa: F811
    alice, bob, prov = cycle.users.alice, cycle.users.bob, cycle.users.prov
    harbin = services.nominate(
        actor=alice, scope=Scope(alice), allocation=cycle.harbin_alloc, worker=cycle.harbin_worker, statement="事迹"
    )
    qiqihar = services.nominate(
        actor=bob, scope=Scope(bob), allocation=cycle.qiqihar_alloc, worker=cycle.qiqihar_worker, statement="事迹"
    )
    _to_notice(cycle)
    client = as_user(prov)
    page = client.get(f"/awards/honours/{cycle.cycle.pk}/")
    assert page.content.decode().count('name="ids"') == 2
    response = client.post(
        f"/awards/honours/{cycle.cycle.pk}/decide/", {"ids": [harbin.pk, qiqihar.pk], "verdict": "accept", "note": ""}
    )
    assert response.context["counts"] == {"done": 2, "refused": 0}
    assert set(Nomination.objects.values_list("state", flat=True)) == {NominationState.APPROVED}
    assert LedgerLine.objects.filter(nomination__in=[harbin, qiqihar]).count() == 2
    # a second round refuses both, with the reason, and changes nothing
    again = client.post(
        f"/awards/honours/{cycle.cycle.pk}/decide/", {"ids": [harbin.pk, qiqihar.pk], "verdict": "accept", "note": ""}
    )
    assert [o.reason for o in again.context["outcomes"]] == ["只有公示中的被推荐人可以批准。"] * 2
    assert LedgerLine.objects.filter(nomination__in=[harbin, qiqihar]).count() == 2
    # only the province decides
    assert as_user(alice).post(f"/awards/honours/{cycle.cycle.pk}/decide/", {"ids": [harbin.pk]}).status_code == 403
