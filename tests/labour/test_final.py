"""A labour competition's own end: no marking, notice or certificates; when its last round has closed the
committee publishes the final standing (the rounds combined by the scheme's rule, a veto last), once,
audited, on a public board and in the exports, and that finishes the competition."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client

from gongjiang.api.models import ApiToken
from gongjiang.competitions import services as comp
from gongjiang.competitions.enums import (
    LABOUR_TRANSITIONS,
    SKILLS_ONLY_STATES,
    TRANSITIONS,
    Kind,
    State,
    next_states,
)
from gongjiang.competitions.models import Competition
from gongjiang.core.models import AuditEntry
from gongjiang.labour import services
from gongjiang.labour.models import FinalStanding
from gongjiang.orgs.scope import Scope
from tests.labour.test_labour import _run_first_quarter, _second_quarter


def api(user) -> Client:
    _t, raw = ApiToken.issue(user=user, name="t")
    return Client(headers={"Authorization": f"Bearer {raw}"})


# ---------------------------------------------------------------- the state rules


def test_the_labour_machine_never_reaches_a_skills_only_state():
    reachable = {to for tos in LABOUR_TRANSITIONS.values() for to in tos}
    assert reachable & SKILLS_ONLY_STATES == set()
    assert LABOUR_TRANSITIONS[State.IN_PROGRESS] == (State.FINAL,)
    assert set(LABOUR_TRANSITIONS) == set(State.values)
    for state in State.values:
        assert next_states(Kind.LABOUR, state) == LABOUR_TRANSITIONS[state]
        assert next_states(Kind.SKILLS, state) == TRANSITIONS[state]
        assert next_states(Kind.INNOVATION, state) == TRANSITIONS[state]


def test_skills_contests_keep_their_marking_and_notice():
    assert TRANSITIONS[State.IN_PROGRESS] == (State.MARKING,)
    assert TRANSITIONS[State.MARKING] == (State.NOTICE,)
    assert TRANSITIONS[State.NOTICE] == (State.FINAL, State.MARKING)


@pytest.mark.parametrize("state", State.values)
@pytest.mark.parametrize("to", sorted(SKILLS_ONLY_STATES))
def test_no_way_into_a_skills_state_by_service_page_or_api(labour, as_user, state, to):
    prov = labour.users.prov
    Competition.objects.filter(pk=labour.highway.pk).update(state=state)
    competition = Competition.objects.get(pk=labour.highway.pk)
    moves = AuditEntry.objects.filter(model="competitions.competition", object_id=str(competition.pk))
    before = moves.count()
    with pytest.raises(comp.CompetitionError, match="劳动竞赛没有评分和成绩公示环节"):
        comp.transition(actor=prov, scope=Scope(prov), competition=competition, to=to)
    page = as_user(prov).post(f"/competitions/{competition.pk}/transition/", {"to": to}, follow=True)
    assert [str(m) for m in page.context["messages"]] == [
        "劳动竞赛没有评分和成绩公示环节：竞赛委员会发布最终排名即告结束。"
    ]
    answer = api(prov).post(
        f"/api/competitions/{competition.pk}/transition", {"to": to}, content_type="application/json"
    )
    assert answer.status_code == 409
    assert answer.json()["detail"] == "劳动竞赛没有评分和成绩公示环节：竞赛委员会发布最终排名即告结束。"
    assert Competition.objects.get(pk=competition.pk).state == state
    assert moves.count() == before


def test_the_pages_and_the_api_offer_the_labour_path(labour, as_user, org):
    prov = labour.users.prov
    page = as_user(prov).get(f"/competitions/{labour.highway.pk}/")
    assert page.context["next_states"] == [("final", "发布最终排名")]
    body = page.content.decode()
    assert "/certificates/" not in body
    listed = api(prov).get(f"/api/competitions?q={labour.highway.name}").json()["items"]
    assert [(c["id"], c["next_states"]) for c in listed] == [(labour.highway.pk, ["final"])]
    # a skills contest in progress still moves on to marking
    skills = comp.create_competition(
        actor=prov,
        scope=Scope(prov),
        data=comp.CompetitionData(
            name="焊工技能竞赛",
            tier="provincial_1",
            kind=Kind.SKILLS,
            organiser=org.province,
            registration_closes_on=dt.date(2025, 12, 31),
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2026, 1, 2),
        ),
    )
    Competition.objects.filter(pk=skills.pk).update(state=State.IN_PROGRESS)
    assert as_user(prov).get(f"/competitions/{skills.pk}/").context["next_states"] == [("marking", "评分中")]


# ---------------------------------------------------------------- publishing the final standing


def test_the_final_standing_waits_for_every_round(labour, as_user):
    prov = labour.users.prov
    client = as_user(prov)
    # Q1 still open: no publishing, from the labour page or the competition's transition
    page = client.get(f"/labour/{labour.highway.pk}/standings/")
    assert page.context["refusals"] == ["仍有 1 个考核轮次未结束，请先结束。", "尚无已结束的考核轮次。"]
    assert not page.context["published"]
    client.post(f"/labour/{labour.highway.pk}/standings/publish/")
    with pytest.raises(comp.CompetitionError, match="个考核轮次未结束"):
        comp.transition(actor=prov, scope=Scope(prov), competition=labour.highway, to=State.FINAL)
    _run_first_quarter(labour, veto=True)
    _second_quarter(labour, close=False)
    client.post(f"/labour/{labour.highway.pk}/standings/publish/")
    assert Competition.objects.get(pk=labour.highway.pk).state == State.IN_PROGRESS
    assert not FinalStanding.objects.exists()
    assert [c.pk for c in client.get("/labour/?todo=labour_final").context["page"]] == []


def test_the_committee_publishes_the_final_standing_once(labour, as_user, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    prov = labour.users.prov
    client = as_user(prov)
    _run_first_quarter(labour, veto=True)  # Harbin vetoed in Q1 (97.5, but last)
    _second_quarter(labour)
    provisional = client.get(f"/labour/{labour.highway.pk}/standings/").context["rows"]
    assert [(r.placed.rank, r.unit.pk, r.placed.vetoed) for r in provisional] == [
        (1, labour.qiqihar_unit.pk, False),
        (2, labour.harbin_unit.pk, True),
    ]
    assert [c.pk for c in client.get("/labour/?todo=labour_final").context["page"]] == [labour.highway.pk]
    assert client.get(f"/labour/{labour.highway.pk}/").context["ready_to_finish"]
    # nothing public yet
    assert Client().get(f"/labour/{labour.highway.pk}/standings/board/").status_code == 404

    answer = client.post(f"/labour/{labour.highway.pk}/standings/publish/")
    assert answer.status_code == 302
    assert answer.url == f"/labour/{labour.highway.pk}/standings/board/"
    competition = Competition.objects.get(pk=labour.highway.pk)
    assert competition.state == State.FINAL
    assert competition.finalised_on is not None
    stored = list(
        FinalStanding.objects.filter(competition=competition).values_list("rank", "unit_id", "score", "vetoed")
    )
    assert stored == [
        (1, labour.qiqihar_unit.pk, Decimal("83.8750"), False),
        (2, labour.harbin_unit.pk, Decimal("75.0000"), True),
    ]
    audits = AuditEntry.objects.filter(model="competitions.competition", object_id=str(competition.pk))
    published = [a for a in audits if "final_standing" in a.changes]
    assert len(published) == 1
    assert published[0].actor == prov
    assert [row["rank"] for row in published[0].changes["final_standing"][1]] == [1, 2]
    assert [a.changes["state"] for a in audits if "state" in a.changes and a.action == "update"] == [
        ["in_progress", "final"]
    ]

    # once: the page, the service and the API refuse a second publication; nothing more is written
    client.post(f"/labour/{labour.highway.pk}/standings/publish/")
    with pytest.raises(comp.CompetitionError):
        comp.transition(actor=prov, scope=Scope(prov), competition=competition, to=State.FINAL)
    again = api(prov).post(
        f"/api/competitions/{competition.pk}/transition", {"to": "final"}, content_type="application/json"
    )
    assert again.status_code == 409
    assert FinalStanding.objects.count() == 2
    assert len([a for a in audits.all() if "final_standing" in a.changes]) == 1
    # finished: no more rounds
    with pytest.raises(services.LabourError):
        services.open_round(
            actor=prov,
            scope=Scope(prov),
            competition=competition,
            data=services.RoundData("2026年第三季度", dt.date(2026, 7, 1), dt.date(2026, 9, 30), dt.date(2026, 10, 10)),
        )
    detail = client.get(f"/labour/{competition.pk}/")
    assert detail.context["finished"]
    assert not detail.context["ready_to_finish"]
    assert 'id="finished"' in detail.content.decode()
    assert client.get(f"/competitions/{competition.pk}/").context["next_states"] == [("archived", "已归档")]
    assert [c.pk for c in client.get("/labour/?todo=labour_final").context["page"]] == []

    # the public board, to anyone: units and scores, no person
    board = Client().get(f"/labour/{competition.pk}/standings/board/")
    assert board.status_code == 200
    assert [(r.placed.rank, r.unit.pk) for r in board.context["rows"]] == [
        (1, labour.qiqihar_unit.pk),
        (2, labour.harbin_unit.pk),
    ]
    text = board.content.decode()
    assert "齐齐哈尔第二机床有限公司" in text
    assert labour.harbin_worker.name not in text
    # the panel on the competition's page links it
    panel = client.get(f"/competitions/{competition.pk}/").content.decode()
    assert f"/labour/{competition.pk}/standings/board/" in panel

    # exports and the API read the published rows, even if a round's standing were changed afterwards
    from gongjiang.labour.models import Standing

    Standing.objects.filter(unit=labour.harbin_unit).update(vetoed=False)
    raw = b"".join(client.get(f"/labour/{competition.pk}/standings/export/?fmt=xlsx").streaming_content)
    sheet = list(openpyxl.load_workbook(io.BytesIO(raw)).active.values)
    assert [(row[0], row[1], row[-2], row[-1]) for row in sheet[1:]] == [
        (1, "齐齐哈尔第二机床有限公司", 83.88, None),
        (2, "哈尔滨锅炉厂有限责任公司", 75, "是"),
    ]
    final = api(prov).get(f"/api/labour/competitions/{competition.pk}/standings").json()["items"]
    assert [(s["unit_id"], s["rank"], s["vetoed"], s["published"]) for s in final] == [
        (labour.qiqihar_unit.pk, 1, False, True),
        (labour.harbin_unit.pk, 2, True, True),
    ]
    # Bob (Qiqihar, a unit's union) sees his own row only, in the export and the API
    bob = labour.users.bob
    mine = api(bob).get(f"/api/labour/competitions/{competition.pk}/standings").json()["items"]
    assert [(s["unit_id"], s["rank"]) for s in mine] == [(labour.qiqihar_unit.pk, 1)]


def test_only_the_committee_publishes(labour, as_user):
    _run_first_quarter(labour, veto=False)
    for user in (labour.users.bob, labour.users.staff, labour.users.alice, labour.users.charlie):
        answer = as_user(user).post(f"/labour/{labour.highway.pk}/standings/publish/")
        assert answer.status_code in {403, 404}
        reply = api(user).post(
            f"/api/competitions/{labour.highway.pk}/transition", {"to": "final"}, content_type="application/json"
        )
        assert reply.status_code in {403, 404}
    assert Competition.objects.get(pk=labour.highway.pk).state == State.IN_PROGRESS
    assert not FinalStanding.objects.exists()


def test_the_api_publishes_through_the_transition(labour):
    _run_first_quarter(labour, veto=False)
    answer = api(labour.users.prov).post(
        f"/api/competitions/{labour.highway.pk}/transition", {"to": "final"}, content_type="application/json"
    )
    assert answer.status_code == 200
    assert answer.json()["state"] == "final"
    assert answer.json()["next_states"] == ["archived"]
    assert list(FinalStanding.objects.values_list("rank", "unit_id")) == [
        (1, labour.harbin_unit.pk),
        (2, labour.qiqihar_unit.pk),
    ]
