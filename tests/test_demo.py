"""The demo the README's first command loads: it must build, and hold something real on every page."""

import io

from django.core.management import call_command

from gongjiang.competitions.enums import State
from gongjiang.competitions.models import Certificate, Competition, Result
from gongjiang.core.models import User
from gongjiang.labour import demo as labour_demo
from gongjiang.orgs.models import Employer, Union
from gongjiang.people.models import Worker
from gongjiang.studios import demo as studio_demo
from gongjiang.studios.models import Alliance, Studio


def test_seed_demo_builds_a_province(db):
    out = io.StringIO()
    call_command("seed_demo", workers=300, stdout=out)
    assert Union.objects.filter(kind="city").count() == 13
    assert Employer.objects.filter(name="哈尔滨飞机工业集团有限责任公司").exists()
    assert Worker.objects.count() == 303 + studio_demo.WORKERS + labour_demo.WORKERS
    assert Worker.objects.get(name="秦世俊").user.username == "qinshijun"
    states = set(Competition.objects.values_list("state", flat=True))
    assert {State.DRAFT, State.REGISTRATION, State.IN_PROGRESS, State.FINAL} <= states
    assert Result.objects.filter(event__competition__state=State.FINAL).exists()
    assert Certificate.objects.filter(revoked_at__isnull=True).exists()
    for username in ("sheng", "caiwu", "haerbin", "qiqihaer", "hafei", "caipan", "qinshijun"):
        assert User.objects.get(username=username).check_password("gongjiang-demo")
        assert username in out.getvalue()
    # the studio lead log-in leads the 哈电 studio, chair of the cross-industry alliance of eleven
    studio = Studio.objects.get(lead__user__username="gongzuoshi")
    cross = Alliance.objects.get(name="哈电集团哈尔滨电机跨行业创新工作室联盟")
    assert (studio.state, cross.chair.studio) == ("named", studio)
    assert cross.memberships.count() == 11
    assert cross.memberships.filter(studio__isnull=True).count() == 4
    jixi = Alliance.objects.filter(lead_union__employer__name="龙煤鸡西矿业有限责任公司")
    assert jixi.count() == 7
    # their joint projects' benefit: the confirmed innovations behind them, confirmed in 2023
    from gongjiang.innovations.queries import benefit_of, counted

    assert sum(benefit_of(alliance_id=a.pk) for a in jixi) > 70_000_000
    assert not counted().filter(project__alliance__in=jixi).exclude(confirmed_on__year=2023).exists()
    # thirty and more innovation results, at every review state, 哈飞's finance confirming 哈飞's
    from gongjiang.innovations.enums import State as InnovationState
    from gongjiang.innovations.models import Innovation

    assert Innovation.objects.count() >= 30
    assert set(Innovation.objects.values_list("state", flat=True)) == set(InnovationState.values)
    assert Innovation.objects.filter(
        method_name="秦世俊数控铣削操作法", named_after__user__username="qinshijun"
    ).exists()
    assert Innovation.objects.filter(confirmed_by__username="hafeicaiwu").exists()
    forestry = Alliance.objects.get(name="林业工会劳模创新工作室联盟")
    assert forestry.memberships.count() == 3
    # the provincial forestry alliance's one-time subsidy went into the ledger, citing its rule
    from gongjiang.awards.models import LedgerLine as Line

    subsidy = Line.objects.get(source=f"alliance:{forestry.pk}")
    assert (subsidy.amount, subsidy.rule.document.doc_no) == (50000, "演示〔2022〕7号")
    # policy and awards: rules cited by paid rewards, pending proposals, a closed and an open honour cycle
    from gongjiang.awards.models import Decision, HonourCycle, LedgerLine

    assert LedgerLine.objects.filter(state="paid", rule__document__doc_no="演示〔2023〕1号").exists()
    assert all(line.paid_by_id != line.approved_by_id for line in LedgerLine.objects.filter(state="paid"))
    assert Decision.objects.filter(state="proposed").exists()
    assert set(HonourCycle.objects.values_list("state", flat=True)) == {"closed", "nominating"}
    assert Worker.objects.get(name="秦世俊").honours.filter(title="龙江大工匠").exists()
    # labour competitions: a provincial and a Harbin project under way, four closed quarters each with a
    # red flag, a unit vetoed once, and an open fourth quarter
    from gongjiang.labour.models import FinalStanding, Round, Standing, Unit

    running = Competition.objects.filter(kind="labour", state=State.IN_PROGRESS)
    assert running.filter(labour_units__isnull=False).distinct().count() == 2
    assert Round.objects.filter(competition__in=running, state="closed").count() == 8
    assert Round.objects.filter(state="open").count() == 2
    assert Standing.objects.filter(round__competition__in=running, red_flag=True).count() == 8
    vetoed = Standing.objects.get(vetoed=True)
    assert vetoed.rank == vetoed.round.standings.count()
    # the statistics' history: its labour competitions ran closed rounds and ended on a published final
    # standing of every unit, with no events, marks or certificates
    history = Competition.objects.filter(kind="labour", state__in=[State.FINAL, State.ARCHIVED])
    assert history.count() > 20
    assert not history.filter(events__isnull=False).exists()
    assert not Certificate.objects.filter(result__event__competition__kind="labour").exists()
    assert not Round.objects.filter(competition__in=history, state="open").exists()
    assert (
        FinalStanding.objects.filter(competition__in=history).count()
        == Unit.objects.filter(competition__in=history).count()
    )
    assert all(name.endswith("劳动竞赛") for name in history.values_list("name", flat=True))
    # year-end commendations: each labour competition commends one of its own teams for the 工人先锋号 and
    # a unit for the 五一劳动奖状 (rules of the policy seed); approved, they are nominees of those cycles
    from gongjiang.awards.models import Nomination
    from gongjiang.catalogue.models import Commendation

    teams = Commendation.objects.filter(team__isnull=False).select_related("team__unit", "application")
    assert len(teams) == 2
    assert all(c.team.unit.competition_id == c.application.competition_id for c in teams)
    assert {c.honour_cycle.rule.code for c in teams} == {"honour-worker-pioneer"}
    kinds = dict(Nomination.objects.values_list("cycle__rule__code", "subject").distinct())
    assert kinds == {
        "honour-master-craftsman": "person",
        "honour-may-day-banner": "unit",
        "honour-worker-pioneer": "team",
    }
    # a second run with --if-empty changes nothing
    call_command("seed_demo", if_empty=True, stdout=io.StringIO())
    assert Worker.objects.count() == 303 + studio_demo.WORKERS + labour_demo.WORKERS
