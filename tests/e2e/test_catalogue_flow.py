"""立项 through real pages: Harbin's city admin applies for a labour competition with its plan; the
province approves it from its review queue; the project is in Harbin's 竞赛目录 for the year and its
competition exists in draft, organised by Harbin. Once under way with a unit and its team, Harbin commends
the team at year's end and recommends it for the 工人先锋号; the province approves the commendation and
the team is a nominee on the cycle's page. Screenshots in test-results/screenshots/catalogue-*."""

import datetime as dt

from playwright.sync_api import expect

from gongjiang.awards import services as awards
from gongjiang.awards.models import Nomination
from gongjiang.catalogue.models import Application, Commendation
from gongjiang.competitions.enums import State
from gongjiang.competitions.models import Competition
from gongjiang.labour.models import Team, Unit
from gongjiang.orgs.scope import Scope
from gongjiang.policy import seed
from gongjiang.policy.models import Rule

from .conftest import zh

NAME = "哈尔滨新区重点工程“当先锋”劳动竞赛"
TEAM = "钢结构焊接突击队"


def test_a_city_applies_and_the_province_approves_into_the_catalogue(org, open_tab, tmp_path):
    year = dt.date.today().year
    plan = tmp_path / "实施方案.txt"
    plan.write_text("实施方案：竞赛目标、指标、组织领导、考核评比、表彰奖励", encoding="utf-8")

    # 1. Harbin's admin applies
    city = open_tab()
    city.login("alice")
    city.goto("/projects/")
    city.page.locator("#apply").click()
    form = city.page.locator("#application-form")
    form.locator("#id_name").fill(NAME)
    form.locator("#id_kind").select_option("labour")
    form.locator("#id_tier").select_option("city")
    form.locator("#id_leading_body").fill("哈尔滨市劳动竞赛委员会")
    form.locator("#id_indicators").fill("进度：节点完成率\n质量：一次验收合格率\n安全：零事故")
    form.locator("#id_budget").fill("350000")
    form.locator("#id_starts_on").fill(f"{year}-03-01")
    form.locator("#id_ends_on").fill(f"{year}-11-30")
    form.locator("#id_plan").set_input_files(str(plan))
    city.shot("catalogue-1-apply")
    with city.page.expect_navigation():
        form.locator("#submit-application").click()
    expect(city.page.locator("#application-state")).to_have_text(zh("Submitted", context="application"))
    expect(city.page.locator("#trail")).to_contain_text(org.harbin.name)
    city.shot("catalogue-2-submitted")
    application = Application.objects.get(name=NAME)
    assert (application.at, application.approver) == (org.province, org.province)

    # 2. the province approves it from its queue
    province = open_tab()
    province.login("prov")
    province.goto("/projects/review/")
    expect(province.page.locator("#queue")).to_contain_text(NAME)
    province.shot("catalogue-3-review-queue")
    province.page.get_by_role("link", name=NAME).click()
    province.page.locator("#note").fill("同意立项，列入年度竞赛目录")
    with province.page.expect_navigation():
        province.page.locator("#approve").click()
    expect(province.page.locator("#application-state")).to_have_text(zh("Approved", context="application"))
    expect(province.page.locator("#trail")).to_contain_text("同意立项")
    province.shot("catalogue-4-approved")

    # 3. in Harbin's catalogue for the year, and a draft competition organised by Harbin
    city.goto(f"/projects/catalogue/?union={org.harbin.pk}&year={year}")
    expect(city.page.locator("#catalogue")).to_contain_text(NAME)
    city.shot("catalogue-5-catalogue")
    city.page.locator("#catalogue").get_by_role("link", name=zh("Draft")).click()
    expect(city.page.locator("h1")).to_contain_text(NAME)
    city.shot("catalogue-6-draft-competition")
    competition = Competition.objects.get(name=NAME)
    assert (competition.state, competition.organiser, competition.kind) == ("draft", org.harbin, "labour")

    # 4. under way, with a unit and its team (entering them is the labour pages' part, tested there)
    Competition.objects.filter(pk=competition.pk).update(state=State.IN_PROGRESS)
    unit = Unit.objects.create(
        competition=competition,
        employer=org.harbin_employer,
        section="第一标段",
        union=org.harbin_employer.union,
        region_code=org.harbin_employer.region_id,
        entered_by=org.users.alice,
    )
    team = Team.objects.create(unit=unit, name=TEAM)
    # the province's 工人先锋号 cycle (a rule of the policy seed), with places for Harbin
    seed.load()
    prov = org.users.prov
    pioneer = awards.open_cycle(
        actor=prov, scope=Scope(prov), rule=Rule.objects.get(code="honour-worker-pioneer"), year=year
    )
    awards.allocate(actor=prov, scope=Scope(prov), cycle=pioneer, union=org.harbin, quota=2)

    # 5. Harbin commends the team at year's end, recommending it for the 工人先锋号
    city.goto(application.get_absolute_url())
    with city.page.expect_navigation():
        city.page.locator("#commend").click()
    form = city.page.locator("#commendation-form")
    form.locator("#id_subject").select_option("team")
    form.locator("#id_team").select_option(label=f"{TEAM}（{unit}）")
    form.locator("#id_citation").fill("班组攻克关键焊接工艺，一次合格率99.6%。")
    form.locator("#id_honour_cycle").select_option(label=str(pioneer))
    city.shot("catalogue-7-commend-team")
    with city.page.expect_navigation():
        form.get_by_role("button", name=zh("Propose")).click()
    expect(city.page.locator("#commendation-table")).to_contain_text(f"{TEAM}（{org.harbin_employer.name}）")
    assert Commendation.objects.get().team == team

    # 6. the province (the union above Harbin) approves it: the team is nominated in the cycle
    province.goto(application.get_absolute_url())
    with province.page.expect_navigation():
        province.page.locator("#commendation-table button[value=accept]").click()
    expect(province.page.locator("#commendation-table")).to_contain_text(zh("nominated"))
    province.shot("catalogue-8-commendation-approved")
    nomination = Nomination.objects.get()
    assert (nomination.cycle, nomination.subject, nomination.team_name, nomination.allocation.union) == (
        pioneer,
        "team",
        TEAM,
        org.harbin,
    )
    province.page.locator("#commendation-table").get_by_role("link", name=str(pioneer)).click()
    expect(province.page.locator("#nomination-state")).to_have_text(zh("Submitted"))
    expect(province.page.locator("#nominee-kind")).to_have_text(zh("Team", context="nominee"))
    province.shot("catalogue-9-team-nomination")
    province.goto(pioneer.get_absolute_url())
    expect(province.page.locator("#nominations")).to_contain_text(f"{TEAM}（{org.harbin_employer.name}）")
    expect(province.page.locator("#nominations")).to_contain_text(org.harbin.name)
    city.goto(pioneer.get_absolute_url())  # Harbin sees its own team on the cycle's page
    expect(city.page.locator("#nominations")).to_contain_text(TEAM)
    city.shot("catalogue-10-pioneer-cycle")
    city.assert_clean()
    province.assert_clean()
