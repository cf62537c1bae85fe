"""Alliances: members across employers and provinces, the problem board, joint projects and totals,
yearly evaluation with warning and delisting, inactivity, and reapplication after the waiting period."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from gongjiang.orgs.enums import RoleKind
from gongjiang.orgs.scope import Scope
from gongjiang.studios import services
from gongjiang.studios.enums import EvaluationOutcome, MemberState, ProblemState, ProjectState
from gongjiang.studios.models import Evaluation, Membership
from gongjiang.studios.queries import alliance_totals, alliances_for_user, problems_for_user, studios_for_user
from tests.conftest import make_user

from . import factories as f

NEXT_MONTH = dt.date.today() + dt.timedelta(days=30)


@pytest.fixture
def board(org):
    """A Harbin alliance of two Harbin studios (leads with log-ins) and one external member, and a
    Qiqihar studio outside it."""
    alice, bob = org.users.alice, org.users.bob
    org.lead_a = make_user("lead_a", org.harbin_employer.union, RoleKind.STUDIO_LEAD)
    org.lead_b = make_user("lead_b", org.harbin_employer.union, RoleKind.STUDIO_LEAD)
    org.lead_q = make_user("lead_q", org.qiqihar_employer.union, RoleKind.STUDIO_LEAD)
    org.studio_a = f.studio(alice, org.harbin_employer, "锅炉焊接创新工作室", "锅炉受压件焊接", lead_user=org.lead_a)
    org.studio_b = f.studio(alice, org.harbin_employer, "管道安装创新工作室", "管道安装与检测", lead_user=org.lead_b)
    org.studio_q = f.studio(bob, org.qiqihar_employer, "机床装配创新工作室", "机床装配调试", lead_user=org.lead_q)
    org.alliance = services.create_alliance(
        actor=alice,
        scope=Scope(alice),
        data=services.AllianceData(
            name="哈尔滨锅炉制造创新工作室联盟",
            level="city",
            lead_union=org.harbin,
            founded_on=dt.date(2025, 4, 1),
            founding_document="哈工发〔2025〕3号",
            waiting_months=12,
        ),
        studios=[org.studio_a, org.studio_b],
    )
    org.external = services.add_external_member(
        actor=alice,
        scope=Scope(alice),
        alliance=org.alliance,
        name="一汽焊装工作室",
        employer="中国第一汽车集团有限公司",
        province="吉林省",
        on=dt.date(2025, 4, 1),
    )
    org.member_a = Membership.objects.get(alliance=org.alliance, studio=org.studio_a)
    org.member_b = Membership.objects.get(alliance=org.alliance, studio=org.studio_b)
    return org


def test_forming_an_alliance_copies_the_default_criteria(board):
    assert [(c.name, c.weight) for c in board.alliance.criteria.all()] == [
        ("创新团队", 20),
        ("规范运营", 20),
        ("集智攻关", 25),
        ("传承技能", 15),
        ("经济和社会效益", 20),
    ]
    assert [m.display_name for m in board.alliance.memberships.all()] == [
        "锅炉焊接创新工作室",
        "管道安装创新工作室",
        "一汽焊装工作室",
    ]
    assert board.external.employer_name == "中国第一汽车集团有限公司"


def test_a_union_cannot_add_a_studio_outside_its_reach(board):
    alice, bob = board.users.alice, board.users.bob
    with pytest.raises(services.StudiosError):
        services.add_member(actor=alice, scope=Scope(alice), alliance=board.alliance, studio=board.studio_q)
    with pytest.raises(PermissionDenied):
        services.add_member(actor=bob, scope=Scope(bob), alliance=board.alliance, studio=board.studio_q)
    # Bob cannot see the alliance, so his studio cannot apply to it either
    with pytest.raises(PermissionDenied):
        services.apply_to_join(actor=bob, scope=Scope(bob), alliance=board.alliance, studio=board.studio_q)


def test_a_provincial_alliance_spans_cities_and_each_city_sees_only_the_member_names(board):
    prov, bob = board.users.prov, board.users.bob
    alliance = services.create_alliance(
        actor=prov,
        scope=Scope(prov),
        data=services.AllianceData(
            name="省装备制造创新工作室联盟",
            level="provincial",
            lead_union=board.province,
            founded_on=dt.date(2025, 6, 1),
            founding_document="黑工发〔2025〕9号",
        ),
        studios=[board.studio_a, board.studio_q],
    )
    bob_scope = Scope(bob)
    assert list(alliances_for_user(bob_scope)) == [alliance]
    assert board.studio_a not in studios_for_user(bob_scope)  # the member's own page stays Harbin's


def test_problem_board_claim_accept_close_and_totals(board):
    lead_a, lead_b, lead_q = board.lead_a, board.lead_b, board.lead_q
    problem = services.post_problem(
        actor=lead_a,
        scope=Scope(lead_a),
        alliance=board.alliance,
        studio=board.studio_a,
        data=services.ProblemData(
            title="集箱管座焊缝返修率高",
            field="焊接",
            description="管座角焊缝气孔多，返修率8%",
            deadline=NEXT_MONTH,
            reward=Decimal("20000.00"),
        ),
    )
    # the poster cannot claim its own problem; a studio outside the alliance cannot either
    with pytest.raises(services.StudiosError):
        services.claim_problem(actor=lead_a, scope=Scope(lead_a), problem=problem, studio=board.studio_a, plan="x")
    with pytest.raises(PermissionDenied):
        services.claim_problem(actor=lead_q, scope=Scope(lead_q), problem=problem, studio=board.studio_a, plan="x")
    with pytest.raises(services.StudiosError):
        services.claim_problem(actor=lead_q, scope=Scope(lead_q), problem=problem, studio=board.studio_q, plan="x")
    assert problem not in problems_for_user(Scope(lead_q))
    claim = services.claim_problem(
        actor=lead_b, scope=Scope(lead_b), problem=problem, studio=board.studio_b, plan="改进坡口和预热工艺"
    )
    with pytest.raises(PermissionDenied):  # only the poster accepts
        services.accept_claim(actor=lead_b, scope=Scope(lead_b), claim=claim)
    project = services.accept_claim(actor=lead_a, scope=Scope(lead_a), claim=claim, on=dt.date(2025, 7, 1))
    problem.refresh_from_db()
    assert problem.state == ProblemState.IN_PROGRESS
    assert sorted(s.name for s in project.participants.all()) == ["管道安装创新工作室", "锅炉焊接创新工作室"]
    milestone = services.add_milestone(
        actor=lead_b, scope=Scope(lead_b), project=project, title="工艺评定", due_on=NEXT_MONTH
    )
    services.record_progress(actor=lead_b, scope=Scope(lead_b), project=project, progress=60, done=[milestone])
    with pytest.raises(PermissionDenied):  # the claimer works on it, the poster accepts it
        services.close_project(actor=lead_b, scope=Scope(lead_b), project=project, outcome="x")
    services.close_project(
        actor=lead_a,
        scope=Scope(lead_a),
        project=project,
        outcome="返修率降到1%",
        patents=2,
    )
    project.refresh_from_db()
    problem.refresh_from_db()
    assert (project.state, project.accepted_by, problem.state) == (ProjectState.CLOSED, lead_a, ProblemState.CLOSED)
    totals = alliance_totals(board.alliance)
    # no typed value any more: the benefit is the confirmed innovations' (tests/innovations)
    assert (totals.projects, totals.closed_projects, totals.economic_value, totals.patents) == (
        1,
        1,
        Decimal("0.00"),
        2,
    )


def test_an_opened_problem_is_claimable_by_a_member_of_any_alliance(board):
    bob, lead_q, lead_a = board.users.bob, board.lead_q, board.lead_a
    services.create_alliance(
        actor=bob,
        scope=Scope(bob),
        data=services.AllianceData(
            name="齐齐哈尔机床联盟",
            level="city",
            lead_union=board.qiqihar,
            founded_on=dt.date(2025, 5, 1),
            founding_document="齐工发〔2025〕1号",
        ),
        studios=[board.studio_q],
    )
    problem = services.post_problem(
        actor=lead_a,
        scope=Scope(lead_a),
        alliance=board.alliance,
        studio=board.studio_a,
        data=services.ProblemData(
            title="大型机床导轨磨损", field="机床", description="导轨磨损快", deadline=NEXT_MONTH, open_to_all=True
        ),
    )
    assert problem in problems_for_user(Scope(lead_q))
    claim = services.claim_problem(
        actor=lead_q, scope=Scope(lead_q), problem=problem, studio=board.studio_q, plan="激光熔覆修复"
    )
    assert claim.studio == board.studio_q


def _scores(alliance, value):
    return {c.pk: Decimal(value) for c in alliance.criteria.all()}


def test_below_the_bar_warned_then_delisted_history_kept_and_reapplication_waits(board):
    alice, lead_b = board.users.alice, board.lead_b
    scope = Scope(alice)
    first = services.evaluate_member(
        actor=alice,
        scope=scope,
        membership=board.member_b,
        year=2025,
        scores=_scores(board.alliance, 55),
        on=dt.date(2026, 1, 10),
    )
    board.member_b.refresh_from_db()
    assert (first.total, first.outcome, board.member_b.state) == (
        Decimal("55.00"),
        EvaluationOutcome.WARNED,
        MemberState.WARNED,
    )
    with pytest.raises(services.StudiosError):  # once a year
        services.evaluate_member(
            actor=alice, scope=scope, membership=board.member_b, year=2025, scores=_scores(board.alliance, 90)
        )
    second = services.evaluate_member(
        actor=alice,
        scope=scope,
        membership=board.member_b,
        year=2026,
        scores=_scores(board.alliance, 50),
        on=dt.date(2027, 1, 10),
    )
    board.member_b.refresh_from_db()
    assert (second.outcome, board.member_b.state, board.member_b.delisted_on) == (
        EvaluationOutcome.DELISTED,
        MemberState.DELISTED,
        dt.date(2027, 1, 10),
    )
    assert "50.00" in board.member_b.delisting_reason
    assert list(Evaluation.objects.filter(membership=board.member_b).values_list("year", "outcome")) == [
        (2026, "delisted"),
        (2025, "warned"),
    ]
    with pytest.raises(services.StudiosError, match="2028-01-10"):
        services.apply_to_join(
            actor=lead_b, scope=Scope(lead_b), alliance=board.alliance, studio=board.studio_b, on=dt.date(2027, 6, 1)
        )
    with pytest.raises(services.StudiosError, match="2028-01-10"):
        services.add_member(
            actor=alice, scope=scope, alliance=board.alliance, studio=board.studio_b, on=dt.date(2028, 1, 9)
        )
    again = services.apply_to_join(
        actor=lead_b, scope=Scope(lead_b), alliance=board.alliance, studio=board.studio_b, on=dt.date(2028, 1, 10)
    )
    assert again.state == MemberState.APPLIED
    services.admit_member(actor=alice, scope=scope, membership=again, on=dt.date(2028, 2, 1))
    assert list(
        Membership.objects.filter(alliance=board.alliance, studio=board.studio_b).values_list("state", flat=True)
    ) == [
        "delisted",
        "active",
    ]


def test_passing_lifts_a_warning_and_weights_count(board):
    alice = board.users.alice
    scope = Scope(alice)
    services.evaluate_member(
        actor=alice, scope=scope, membership=board.member_a, year=2025, scores=_scores(board.alliance, 40)
    )
    criteria = list(board.alliance.criteria.all())
    # 100×20% + 100×20% + 40×25% + 40×15% + 70×20% = 20 + 20 + 10 + 6 + 14 = 70
    scores = dict(zip([c.pk for c in criteria], map(Decimal, (100, 100, 40, 40, 70)), strict=True))
    result = services.evaluate_member(actor=alice, scope=scope, membership=board.member_a, year=2026, scores=scores)
    board.member_a.refresh_from_db()
    assert (result.total, result.outcome, board.member_a.state) == (Decimal("70.00"), "passed", MemberState.ACTIVE)
    assert board.member_a.warning_reason  # the earlier warning stays on record


def test_bad_scores_and_weights_are_refused(board):
    alice = board.users.alice
    scope = Scope(alice)
    with pytest.raises(services.StudiosError):
        services.evaluate_member(actor=alice, scope=scope, membership=board.member_a, year=2025, scores={})
    with pytest.raises(services.StudiosError):
        services.evaluate_member(
            actor=alice, scope=scope, membership=board.member_a, year=2025, scores=_scores(board.alliance, 101)
        )
    with pytest.raises(services.StudiosError):
        services.set_criteria(
            actor=alice,
            scope=scope,
            alliance=board.alliance,
            weights=[("创新团队", Decimal(50)), ("规范运营", Decimal(40))],
        )
    services.set_criteria(
        actor=alice,
        scope=scope,
        alliance=board.alliance,
        weights=[("创新团队", Decimal(60)), ("集智攻关", Decimal(40))],
    )
    assert [(c.name, c.weight) for c in board.alliance.criteria.all()] == [("创新团队", 60), ("集智攻关", 40)]
    with pytest.raises(PermissionDenied):
        services.evaluate_member(
            actor=board.users.bob,
            scope=Scope(board.users.bob),
            membership=board.member_a,
            year=2025,
            scores=_scores(board.alliance, 90),
        )


def test_inactive_members_are_warned_then_delisted(board):
    alice = board.users.alice
    scope = Scope(alice)
    services.record_activity(
        actor=alice,
        scope=scope,
        alliance=board.alliance,
        kind="meeting",
        held_on=dt.date(2025, 9, 1),
        title="焊接技术交流会",
        members=[board.member_a],
    )
    done = services.check_inactivity(actor=alice, scope=scope, alliance=board.alliance, on=dt.date(2026, 5, 1))
    # joined 2025-04-01: B and the external member are 13 months idle; A met in September
    assert sorted((m.display_name, state) for m, state in done) == [
        ("一汽焊装工作室", "warned"),
        ("管道安装创新工作室", "warned"),
    ]
    assert services.check_inactivity(actor=alice, scope=scope, alliance=board.alliance, on=dt.date(2026, 6, 1)) == []
    done = services.check_inactivity(actor=alice, scope=scope, alliance=board.alliance, on=dt.date(2027, 5, 1))
    assert sorted((m.display_name, state) for m, state in done) == [
        ("一汽焊装工作室", "delisted"),
        ("管道安装创新工作室", "delisted"),
        ("锅炉焊接创新工作室", "warned"),
    ]
    board.member_b.refresh_from_db()
    assert board.member_b.delisting_reason.startswith("自2025-04-01起")


def test_the_chair_rotates_among_current_members(board):
    alice = board.users.alice
    services.set_chair(actor=alice, scope=Scope(alice), alliance=board.alliance, membership=board.member_a)
    services.delist_member(actor=alice, scope=Scope(alice), membership=board.member_a, reason="主动退出")
    board.alliance.refresh_from_db()
    assert board.alliance.chair is None
    with pytest.raises(services.StudiosError):
        services.set_chair(actor=alice, scope=Scope(alice), alliance=board.alliance, membership=board.member_a)


def test_the_inactivity_command_acts_as_a_union_official(board):
    import io

    from django.core.management import CommandError, call_command

    services.record_activity(
        actor=board.users.alice,
        scope=Scope(board.users.alice),
        alliance=board.alliance,
        kind="meeting",
        held_on=dt.date.today(),
        title="例会",
        members=[board.member_a],
    )
    out = io.StringIO()
    call_command("check_alliances", "--as", "alice", stdout=out)
    lines = out.getvalue().splitlines()
    # joined 2025-04-01 and idle since: B and the external member are warned (today is after April 2026)
    assert sorted(lines[:-1]) == sorted(
        [f"{board.alliance.name}\t一汽焊装工作室\twarned", f"{board.alliance.name}\t管道安装创新工作室\twarned"]
    )
    assert lines[-1] == "1 alliances checked."
    with pytest.raises(CommandError):
        call_command("check_alliances", "--as", "charlie", stdout=io.StringIO())
