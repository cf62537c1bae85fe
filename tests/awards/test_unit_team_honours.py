"""Honours conferred on a unit (五一劳动奖状) or a team (工人先锋号), beside a worker's (五一劳动奖章): the rule's
``nominee`` term says which; quotas, review, notice, objections, approval, pages, export and API follow it."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone, translation

from gongjiang.api.models import ApiToken
from gongjiang.awards import services
from gongjiang.awards.enums import CycleState, NominationState
from gongjiang.awards.models import HonourCycle, LedgerLine, Nomination
from gongjiang.awards.queries import nominations_for
from gongjiang.orgs.scope import Scope
from gongjiang.people.models import Honour
from gongjiang.policy import engine
from gongjiang.policy.models import Rule
from tests.conftest import make_user

YEAR = timezone.localdate().year


def _cycle(org, code: str, year: int = YEAR) -> HonourCycle:
    prov = org.users.prov
    cycle = services.open_cycle(actor=prov, scope=Scope(prov), rule=Rule.objects.get(code=code), year=year)
    for union in (org.harbin, org.qiqihar):
        services.allocate(actor=prov, scope=Scope(prov), cycle=cycle, union=union, quota=1)
    return cycle


def _alloc(cycle: HonourCycle, union):
    return cycle.allocations.get(union=union)


def _through_notice(org, cycle: HonourCycle) -> None:
    prov = org.users.prov
    expert = make_user(f"expert{cycle.pk}")
    cycle.reviewers.add(expert)
    services.advance_cycle(actor=prov, scope=Scope(prov), cycle=cycle, to=CycleState.REVIEWING)
    for n in cycle.nominations.all():
        services.review_nomination(actor=expert, nomination=n, score=Decimal("90"))
    services.advance_cycle(actor=prov, scope=Scope(prov), cycle=cycle, to=CycleState.NOTICE)
    HonourCycle.objects.filter(pk=cycle.pk).update(notice_ends_on=timezone.localdate() - dt.timedelta(days=1))


def test_the_seed_states_who_each_honour_goes_to_citing_its_document(policy):
    rules = {r.code: r for r in Rule.objects.filter(code__startswith="honour-")}
    assert {code: rule.terms["nominee"] for code, rule in rules.items()} == {
        "honour-master-craftsman": "person",
        "honour-technical-expert": "person",
        "honour-may-day-medal": "person",
        "honour-may-day-banner": "unit",
        "honour-worker-pioneer": "team",
    }
    pioneer = rules["honour-worker-pioneer"]
    assert (pioneer.document.doc_no, pioneer.clause, pioneer.terms["title"]) == (
        "演示〔2024〕5号",
        "第九条",
        "黑龙江省工人先锋号",
    )
    assert "工人先锋号授予班组" in pioneer.document.full_text
    assert pioneer.programme.code == "worker-pioneer"


def test_the_engine_checks_the_nominee_term():
    terms = {"quota": 5, "amount": "5000", "title": "工人先锋号", "honour_kind": "other", "level": 3}
    assert engine.parse_terms("honour", terms)["nominee"] == "person"  # rules written before units and teams
    assert engine.parse_terms("honour", terms | {"nominee": "team"})["nominee"] == "team"
    with pytest.raises(engine.TermsError, match="nominee"):
        engine.parse_terms("honour", terms | {"nominee": "family"})


def test_a_unit_is_nominated_reviewed_and_approved(org, policy):
    alice, bob, prov = org.users.alice, org.users.bob, org.users.prov
    cycle = _cycle(org, "honour-may-day-banner")
    harbin = _alloc(cycle, org.harbin)
    with pytest.raises(services.AwardError, match="conferred on a unit"):
        services.nominate(
            actor=alice, scope=Scope(alice), allocation=harbin, worker=org.harbin_worker, statement="事迹"
        )
    with pytest.raises(services.AwardError, match="own unions"):
        services.nominate(
            actor=alice, scope=Scope(alice), allocation=harbin, employer=org.qiqihar_employer, statement="事迹"
        )
    nomination = services.nominate(
        actor=alice, scope=Scope(alice), allocation=harbin, employer=org.harbin_employer, statement="全年安全零事故"
    )
    assert (nomination.subject, nomination.worker, nomination.employer, nomination.union) == (
        "unit",
        None,
        org.harbin_employer,
        org.harbin_employer.union,
    )
    assert nomination.nominee == org.harbin_employer.name
    # the Qiqihar allocation is Qiqihar's: Bob nominates his own unit
    services.nominate(
        actor=bob,
        scope=Scope(bob),
        allocation=_alloc(cycle, org.qiqihar),
        employer=org.qiqihar_employer,
        statement="节能减排成效显著",
    )
    _through_notice(org, cycle)
    # an objection to a unit is raised and decided like one to a worker
    objection = services.raise_nomination_objection(
        actor=bob, scope=Scope(bob), nomination=Nomination.objects.get(employer=org.qiqihar_employer), text="数据存疑"
    )
    services.decide_nomination_objection(
        actor=prov, scope=Scope(prov), objection=objection, uphold=True, decision="经核查属实"
    )
    assert Nomination.objects.get(employer=org.qiqihar_employer).state == NominationState.REJECTED
    services.approve_nomination(actor=prov, scope=Scope(prov), nomination=nomination)
    nomination.refresh_from_db()
    assert (nomination.state, nomination.honour) == (NominationState.APPROVED, None)  # no worker's honour row
    line = LedgerLine.objects.get(nomination=nomination)
    assert (line.payee, line.worker, line.amount, line.union) == (
        org.harbin_employer.name,
        None,
        Decimal("10000.00"),
        org.harbin_employer.union,
    )
    assert "黑龙江省五一劳动奖状" in line.reason and "演示〔2024〕5号" in line.reason
    assert Honour.objects.count() == 0
    # once per unit: next year's cycle refuses the unit that holds the title
    later = _cycle(org, "honour-may-day-banner", YEAR + 1)
    with pytest.raises(services.AwardError, match="already holds"):
        services.nominate(
            actor=alice,
            scope=Scope(alice),
            allocation=_alloc(later, org.harbin),
            employer=org.harbin_employer,
            statement="再推荐",
        )


def test_a_team_is_named_by_its_employer_and_name(org, policy):
    alice, prov = org.users.alice, org.users.prov
    cycle = _cycle(org, "honour-worker-pioneer")
    harbin = _alloc(cycle, org.harbin)
    with pytest.raises(services.AwardError, match="conferred on a team"):
        services.nominate(
            actor=alice, scope=Scope(alice), allocation=harbin, employer=org.harbin_employer, statement="事迹"
        )
    team = services.nominate(
        actor=alice,
        scope=Scope(alice),
        allocation=harbin,
        employer=org.harbin_employer,
        team_name=" 焊接一班 ",
        statement="一次合格率99.6%",
    )
    assert (team.subject, team.team_name, team.nominee) == (
        "team",
        "焊接一班",
        f"焊接一班（{org.harbin_employer.name}）",
    )
    with pytest.raises(services.AwardError, match="already nominated"):
        services.nominate(
            actor=alice,
            scope=Scope(alice),
            allocation=harbin,
            employer=org.harbin_employer,
            team_name="焊接一班",
            statement="again",
        )
    # a second team of the same employer: the allocation of one is used up
    with pytest.raises(services.AwardError, match="quota of 1"):
        services.nominate(
            actor=alice,
            scope=Scope(alice),
            allocation=harbin,
            employer=org.harbin_employer,
            team_name="装配二班",
            statement="x",
        )
    _through_notice(org, cycle)
    services.approve_nomination(actor=prov, scope=Scope(prov), nomination=team)
    assert LedgerLine.objects.get(nomination=team).payee == f"焊接一班（{org.harbin_employer.name}）"


def test_the_database_holds_a_nomination_to_its_kind(org, policy):
    cycle = _cycle(org, "honour-worker-pioneer")
    common = {"cycle": cycle, "allocation": _alloc(cycle, org.harbin), "union": org.daoli, "statement": "x"}
    with transaction.atomic(), pytest.raises(IntegrityError):  # a team needs its name
        Nomination.objects.create(subject="team", employer=org.harbin_employer, nominated_by=org.users.alice, **common)
    with transaction.atomic(), pytest.raises(IntegrityError):  # a unit names no worker
        Nomination.objects.create(
            subject="unit",
            employer=org.harbin_employer,
            worker=org.harbin_worker,
            nominated_by=org.users.alice,
            **common,
        )


def test_a_worker_honour_still_goes_to_a_worker(org, policy):
    alice = org.users.alice
    cycle = _cycle(org, "honour-may-day-medal")
    with pytest.raises(services.AwardError, match="conferred on a worker"):
        services.nominate(
            actor=alice,
            scope=Scope(alice),
            allocation=_alloc(cycle, org.harbin),
            employer=org.harbin_employer,
            statement="x",
        )
    n = services.nominate(
        actor=alice, scope=Scope(alice), allocation=_alloc(cycle, org.harbin), worker=org.harbin_worker, statement="x"
    )
    assert (n.subject, n.nominee, n.employer_name) == ("person", "王铁军", org.harbin_employer.name)


def test_the_kind_mismatch_is_said_in_chinese(org, policy):
    alice = org.users.alice
    cycle = _cycle(org, "honour-worker-pioneer")
    with translation.override("zh-hans"), pytest.raises(services.AwardError) as refused:
        services.nominate(
            actor=alice,
            scope=Scope(alice),
            allocation=_alloc(cycle, org.harbin),
            worker=org.harbin_worker,
            statement="x",
        )
    assert str(refused.value) == "黑龙江省工人先锋号授予班组：请选择班组所在单位并填写班组名称。"


def _api(user) -> Client:
    _token, raw = ApiToken.issue(user=user, name="t")
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def teams(org, policy):
    """A 工人先锋号 cycle with a Harbin team and a Qiqihar team nominated."""
    alice, bob = org.users.alice, org.users.bob
    org.pioneer = _cycle(org, "honour-worker-pioneer")
    org.harbin_team = services.nominate(
        actor=alice,
        scope=Scope(alice),
        allocation=_alloc(org.pioneer, org.harbin),
        employer=org.harbin_employer,
        team_name="哈锅焊接突击队",
        statement="攻坚",
    )
    org.qiqihar_team = services.nominate(
        actor=bob,
        scope=Scope(bob),
        allocation=_alloc(org.pioneer, org.qiqihar),
        employer=org.qiqihar_employer,
        team_name="齐二机床装配班",
        statement="攻坚",
    )
    return org


def test_each_union_sees_its_own_teams_on_the_page_the_export_and_the_api(teams, as_user):
    org = teams
    assert list(nominations_for(Scope(org.users.bob))) == [org.qiqihar_team]
    assert set(nominations_for(Scope(org.users.prov))) == {org.harbin_team, org.qiqihar_team}
    page = as_user(org.users.bob).get(f"/awards/honours/{org.pioneer.pk}/").content.decode()
    assert "齐二机床装配班" in page and "哈锅焊接突击队" not in page
    xlsx = as_user(org.users.bob).get(f"/awards/honours/{org.pioneer.pk}/export/?fmt=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    rows = list(sheet.values)
    assert [r[2] for r in rows[1:]] == [f"齐二机床装配班（{org.qiqihar_employer.name}）"]
    assert rows[1][3] == org.qiqihar_employer.name
    body = as_user(org.users.prov).get(f"/awards/honours/{org.pioneer.pk}/export/?fmt=csv")
    text = b"".join(body.streaming_content).decode("utf-8-sig")
    assert "哈锅焊接突击队" in text and "齐二机床装配班" in text
    api = _api(org.users.bob)
    items = api.get("/api/nominations").json()["items"]
    assert [(i["subject"], i["nominee"], i["worker_id"], i["employer_id"], i["team_name"]) for i in items] == [
        ("team", f"齐二机床装配班（{org.qiqihar_employer.name}）", None, org.qiqihar_employer.pk, "齐二机床装配班")
    ]
    cycles = {c["title"]: c["nominee"] for c in api.get("/api/cycles").json()["items"]}
    assert cycles == {"黑龙江省工人先锋号": "team"}


def test_the_nominate_page_takes_a_team(teams, as_user):
    org = teams
    prov = org.users.prov
    services.allocate(actor=prov, scope=Scope(prov), cycle=org.pioneer, union=org.harbin, quota=2)
    client = as_user(org.users.alice)
    page = client.get(f"/awards/honours/{org.pioneer.pk}/nominate/?q=锅炉")
    assert page.context["kind"] == "team"
    assert [e.pk for e in page.context["candidates"]] == [org.harbin_employer.pk]
    # Qiqihar's employer is not Harbin's to nominate, even by its id
    refused = client.post(
        f"/awards/honours/{org.pioneer.pk}/nominate/",
        {
            "allocation": _alloc(org.pioneer, org.harbin).pk,
            "employer": org.qiqihar_employer.pk,
            "team_name": "x",
            "statement": "x",
        },
    )
    assert refused.status_code == 200 and refused.context["error"]
    response = client.post(
        f"/awards/honours/{org.pioneer.pk}/nominate/",
        {
            "allocation": _alloc(org.pioneer, org.harbin).pk,
            "employer": org.harbin_employer.pk,
            "team_name": "电焊二班",
            "statement": "攻坚克难",
        },
    )
    made = Nomination.objects.get(team_name="电焊二班")
    assert response.status_code == 302 and response["Location"] == made.get_absolute_url()
    assert (made.subject, made.employer, made.union) == ("team", org.harbin_employer, org.harbin_employer.union)


def test_the_public_notice_names_units_and_teams_in_full(teams, client):
    org = teams
    _through_notice(org, org.pioneer)
    body = client.get(f"/awards/honours/{org.pioneer.pk}/notice/").content.decode()
    assert "哈锅焊接突击队" in body and org.qiqihar_employer.name in body
