"""Issue 15's acceptance as one flow through real pages, the three parts joined:

1. 立项: Harbin's city admin applies for a labour competition; the province approves it into the
   catalogue, which creates the competition in draft, organised by Harbin.
2. Harbin opens and starts it from the competition page (a labour competition needs no events or
   judges); three units enter with their teams; Harbin's committee enters and checks a quarter's
   figures, vetoes the unit that would have won for a safety accident and closes the round; the public
   red-flag board shows the order.
3. A worker submits a technical innovation from that competition and their studio's project, on a
   phone; it is checked, appraised, its benefit calculated and confirmed by the enterprise's finance;
   the competition's, the studio's and the province's benefit each rise by exactly that amount, once.
4. Its last round closed, the committee publishes the final standing, which finishes the competition.

The indicator scheme is set through the labour service (its page is tested in tests/labour). Screenshots
in test-results/screenshots/acceptance-*.
"""

import datetime as dt
import importlib
import re

import pytest
from playwright.sync_api import expect

from gongjiang.catalogue.models import Application
from gongjiang.competitions.models import Competition
from gongjiang.innovations.models import Innovation
from gongjiang.innovations.queries import benefit_of
from gongjiang.labour.models import FinalStanding, Round, Standing, Unit
from gongjiang.orgs.enums import RoleKind
from gongjiang.studios.models import LevelRequirement
from tests.conftest import HARBIN_ID, make_user
from tests.labour.conftest import standard_scheme
from tests.studios import factories as sf

from .conftest import zh
from .test_innovation_flow import BENEFIT, PATIENCE_MS, PHONE, TITLE, _province, patient, submit
from .test_labour_flow import enter_unit, press

NAME = "哈尔滨新区综合管廊工程劳动竞赛"
EMPLOYER = "哈尔滨锅炉厂有限责任公司"
# (who enters, section, team, member's ID number or None)
UNITS = (("staff", "第一标段", "管廊土建一班", HARBIN_ID), ("alice", "第二标段", "顶管掘进班", None))
UNITS += (("alice", "第三标段", "机电安装班", None),)
# progress (linear to 100), quality (judged), safety (failures, −20 each), innovation (rank)
FIGURES = {
    "第一标段": ("95", "90", "0", "2"),  # 28.5 + 22.5 + 25 + 10 = 86
    "第二标段": ("100", "95", "0", "3"),  # 98.75, but vetoed
    "第三标段": ("80", "85", "1", "1"),  # 65.25
}
VETOED = "第二标段"


@pytest.fixture
def people(org):
    """A Harbin worker with a log-in who leads a studio with a project, a second author, and the
    enterprise's finance officer."""
    from django.apps import apps

    if not LevelRequirement.objects.exists():  # flushed by an earlier transactional test
        importlib.import_module("gongjiang.studios.migrations.0002_seed_requirements").load(apps, None)
    alice = org.users.alice
    worker_user = make_user("wangtiejun", org.harbin_employer.union, RoleKind.WORKER)
    type(org.harbin_worker).objects.filter(pk=org.harbin_worker.pk).update(user=worker_user)
    org.harbin_worker.refresh_from_db()
    sf.worker(alice, org.harbin_employer, "李强")
    studio = sf.studio(alice, org.harbin_employer, "王铁军管廊创新工作室", "管廊施工", lead=org.harbin_worker)
    make_user("hgcaiwu", org.harbin_employer.union, RoleKind.ENTERPRISE_FINANCE)
    return studio, studio.projects.get()


@pytest.mark.e2e
def test_from_project_application_to_red_flags_and_an_innovation_counted_once(org, people, open_tab, tmp_path):
    studio, project = people
    expect.set_options(timeout=PATIENCE_MS)
    year = dt.date.today().year

    # 1. 立项: Harbin applies, the province approves into the catalogue.
    city = patient(open_tab())
    c = city.page
    c.on("dialog", lambda d: d.accept())
    city.login("alice")
    city.goto("/projects/")
    c.locator("#apply").click()
    form = c.locator("#application-form")
    form.locator("#id_name").fill(NAME)
    form.locator("#id_kind").select_option("labour")
    form.locator("#id_tier").select_option("city")
    form.locator("#id_leading_body").fill("哈尔滨市劳动竞赛委员会")
    form.locator("#id_indicators").fill("进度、质量、安全、技术创新")
    form.locator("#id_budget").fill("280000")
    form.locator("#id_starts_on").fill(f"{year}-01-01")
    form.locator("#id_ends_on").fill(f"{year}-12-31")
    plan = tmp_path / "实施方案.txt"
    plan.write_text("实施方案：竞赛目标、指标、组织领导、考核评比、表彰奖励", encoding="utf-8")
    form.locator("#id_plan").set_input_files(str(plan))
    submit(city, form.locator("#submit-application"))
    expect(c.locator("#application-state")).to_have_text(zh("Submitted", context="application"))
    province = patient(open_tab())
    province.login("prov")
    province.goto("/projects/review/")
    province.page.get_by_role("link", name=NAME).click()
    province.page.locator("#note").fill("同意立项，列入年度竞赛目录")
    submit(province, province.page.locator("#approve"))
    expect(province.page.locator("#application-state")).to_have_text(zh("Approved", context="application"))
    province.shot("acceptance-01-approved")
    assert Application.objects.get(name=NAME).state == "approved"
    competition = Competition.objects.get(name=NAME)
    assert (competition.state, competition.organiser, competition.kind) == ("draft", org.harbin, "labour")

    # 2. Harbin opens and starts it from the competition page: no events or judges are asked of it.
    city.goto(f"/projects/catalogue/?union={org.harbin.pk}&year={year}")
    expect(c.locator("#catalogue")).to_contain_text(NAME)
    for to in ("registration", "in_progress"):
        city.goto(f"/competitions/{competition.pk}/")
        submit(city, c.locator(f"form:has(input[name=to][value={to}]) button"))
    competition.refresh_from_db()
    assert competition.state == "in_progress"
    city.shot("acceptance-02-started")
    indicators = standard_scheme(org.users.alice, competition)
    order = [indicators[k] for k in ("progress", "quality", "safety", "innovation")]

    # 3. Three units enter with their teams: the enterprise's clerk its own section, Harbin two more.
    clerk = patient(open_tab())
    clerk.login("staff")
    for who, section, team, member in UNITS:
        enter_unit(clerk if who == "staff" else city, competition, EMPLOYER, section, team, member)
    assert sorted(Unit.objects.filter(competition=competition).values_list("section", flat=True)) == sorted(FIGURES)

    # 4. The committee opens a quarter, enters and checks the figures, vetoes, closes.
    city.goto(f"/labour/{competition.pk}/rounds/new/")
    c.locator("#id_name").fill(f"{year}年第一季度")
    c.locator("#id_starts_on").fill(f"{year}-01-01")
    c.locator("#id_ends_on").fill(f"{year}-03-31")
    c.locator("#id_due_on").fill(f"{year}-04-10")
    press(c, zh("Open the round"))
    round_ = Round.objects.get(competition=competition)
    for unit in Unit.objects.filter(competition=competition):
        city.goto(f"/labour/rounds/{round_.pk}/units/{unit.pk}/")
        for indicator, value in zip(order, FIGURES[unit.section], strict=True):
            c.locator(f"#id_value_{indicator.pk}").fill(value)
        press(c, zh("Save and check"))
    vetoed = Unit.objects.get(competition=competition, section=VETOED)
    c.locator("#id_unit").select_option(value=str(vetoed.pk))
    c.locator("#id_reason").fill("顶管作业面涌水，1人重伤")
    press(c, zh("Record the veto"))
    press(c, zh("Close the round"))
    expect(c.locator("main > .alert-success")).to_have_text(zh("Round closed; its red-flag board is published."))
    assert list(Standing.objects.filter(round=round_).values_list("unit__section", "rank", "vetoed", "red_flag")) == [
        ("第一标段", 1, False, True),
        ("第三标段", 2, False, False),
        ("第二标段", 3, True, False),
    ]
    board = open_tab()
    board.goto(f"/labour/rounds/{round_.pk}/board/")
    rows = board.page.locator("#board tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("第一标段")
    expect(rows.nth(0)).to_contain_text(zh("Mobile red flag"))
    expect(rows.nth(2)).to_contain_text(zh("Vetoed: safety accident"))
    board.shot("acceptance-03-red-flag-board")

    # 5. A worker submits a technical innovation from the competition and the studio's project.
    before = (benefit_of(competition_id=competition.pk), benefit_of(studio_id=studio.pk), _province(org))
    phone = patient(open_tab(**PHONE))
    p = phone.page
    phone.login("wangtiejun")
    phone.goto("/innovations/")
    submit(phone, p.locator("#submit-innovation"))
    p.locator("#id_title").fill(TITLE)
    p.locator("#id_kind").select_option("renovation")
    p.locator("#id_authors").fill("王铁军 60\n李强 40")
    p.locator("#id_description").fill("管廊顶管接头由人工逐个紧固改为工装同步紧固，单节安装缩短12分钟。")
    p.locator("#id_competition").select_option(str(competition.pk))
    p.locator("#id_studio").select_option(str(studio.pk))
    p.locator("#id_project").select_option(str(project.pk))
    submit(phone, p.get_by_role("button", name=zh("Submit")))
    expect(p.locator("#innovation-origins")).to_contain_text(NAME)
    phone.shot("acceptance-04-innovation-submitted")
    innovation = Innovation.objects.get(title=TITLE)

    # 6. Checked by the enterprise union, appraised by the city, calculated, confirmed by finance.
    clerk.goto(f"/innovations/{innovation.pk}/")
    submit(clerk, clerk.page.locator("#do-check"))
    city.goto(f"/innovations/{innovation.pk}/")
    c.locator("#id_grade").select_option("1")
    c.locator("#id_experts").fill("张建国（正高级工程师）、刘敏（高级工程师）")
    submit(city, c.locator("#do-appraise"))
    clerk.goto(f"/innovations/{innovation.pk}/")
    for field, value in (
        ("annual_saving", "300000"),
        ("added_output", "50000"),
        ("years", "2"),
        ("deductions", "80000"),
    ):
        clerk.page.locator(f"#id_{field}").fill(value)
    clerk.page.locator("#id_method").fill("单节节约工时×年安装节数×人工单价，按两年计，扣除工装制作费")
    submit(clerk, clerk.page.locator("#do-calculate"))
    assert benefit_of(competition_id=competition.pk) == before[0]  # not counted before finance confirms
    finance = patient(open_tab())
    finance.page.on("dialog", lambda d: d.accept())
    finance.login("hgcaiwu")
    finance.goto(f"/innovations/{innovation.pk}/")
    submit(finance, finance.page.locator("#do-confirm"))
    expect(finance.page.locator("main > .alert-success")).to_have_text(zh("Benefit confirmed."))

    # 7. The competition's, the studio's and the province's benefit each rose by exactly that, once.
    after = (benefit_of(competition_id=competition.pk), benefit_of(studio_id=studio.pk), _province(org))
    assert [a - b for a, b in zip(after, before, strict=True)] == [BENEFIT, BENEFIT, BENEFIT]
    city.goto(f"/competitions/{competition.pk}/")
    expect(c.locator("#competition-innovations-summary")).to_contain_text("620,000.00")
    city.shot("acceptance-05-competition-benefit")

    # 8. Its only round closed, the committee publishes the final standing from the competition's page (a
    # labour competition is offered no marking or notice); that finishes it, and anyone reads the standing.
    expect(c.get_by_role("button", name=re.compile(zh("Marking")))).to_have_count(0)
    press(c, zh("Publish the final standing"))
    expect(c.locator("main > .alert-success")).to_have_text(
        zh("The final standing is published; the competition is finished.")
    )
    expect(c.locator("#competition-state")).to_have_text(zh("Finished: final standing published"))
    assert Competition.objects.get(pk=competition.pk).state == "final"
    assert list(
        FinalStanding.objects.filter(competition=competition).values_list("unit__section", "rank", "vetoed")
    ) == [("第一标段", 1, False), ("第三标段", 2, False), ("第二标段", 3, True)]
    expect(c.locator("#competition-innovations-summary")).to_contain_text("620,000.00")  # still counted once
    city.shot("acceptance-06-competition-finished")
    board.goto(f"/labour/{competition.pk}/standings/board/")
    final = board.page.locator("#final-board tbody tr")
    expect(final).to_have_count(3)
    expect(final.nth(0)).to_contain_text("第一标段")
    expect(final.nth(2)).to_contain_text(zh("Vetoed: safety accident"))
    board.shot("acceptance-07-final-standing")
    for tab in (city, province, clerk, board, phone, finance):
        tab.assert_clean()
