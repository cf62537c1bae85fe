"""The studio-alliance acceptance flow, through real pages.

The forestry union's admin forms an alliance of three named studios from three employers; the lead of
one studio posts a Korean-pine (红松) planting problem; the matcher ranks the pine-grafting studio first
and shows why; the lead of a third studio claims it; the poster accepts the claim, the joint project
gets a milestone and closes with its economic value, which then appears on the alliance page and in
its totals (also on a phone).

Only what the UI does not offer here is set up in the database: the forestry union, its employers,
the studios (applied and named through the services) and the leads' accounts.
"""

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from gongjiang.core import forms as core_forms
from gongjiang.core.fakeids import make_uscc
from gongjiang.core.models import User
from gongjiang.orgs import services as org_services
from gongjiang.orgs.enums import RoleKind, UnionKind
from gongjiang.orgs.models import Region
from gongjiang.orgs.scope import Scope
from gongjiang.studios import services as studio_services
from gongjiang.studios.enums import AllianceState
from gongjiang.studios.models import Alliance, LevelRequirement, Problem, Project
from tests.conftest import make_user
from tests.studios import factories as f

from .conftest import Tab, zh

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
ALLIANCE = "林业工会劳模创新工作室联盟"
PROBLEM = "红松嫁接苗成活率低"
VALUE = "1250000.00"


@pytest.fixture
def forestry(org):
    from django.apps import apps

    if not LevelRequirement.objects.exists():  # flushed by an earlier transactional test
        importlib.import_module("gongjiang.studios.migrations.0002_seed_requirements").load(apps, None)
    union = org_services.create_union(
        actor=None,
        name="黑龙江省森林工业工会",
        kind=UnionKind.INDUSTRY,
        region=Region.objects.get(code="230000"),
        parent=org.province,
    )
    admin = make_user("linye", union, RoleKind.UNION_ADMIN)

    def employer(name, county, serial):
        return org_services.create_employer(
            actor=None,
            name=name,
            uscc=make_uscc(county.region_id, serial),
            region=county.region,
            parent_union=county,
            industry_union=union,
            industry="林业",
        )

    employers = (
        employer("中国龙江森林工业集团有限公司", org.daoli, 501),
        employer("黑龙江省林口林业局有限公司", org.daoli, 502),
        employer("齐齐哈尔市林业和草原局国有林场", org.longsha, 503),
    )
    leads = [make_user(f"lead{i}", e.union, RoleKind.STUDIO_LEAD) for i, e in enumerate(employers, start=1)]
    studios = (
        f.studio(
            admin,
            employers[0],
            "森林管护创新工作室",
            "森林资源管护",
            lead_user=leads[0],
            projects=("林区防火巡护路线优化",),
            results=("林区巡护操作法",),
        ),
        f.studio(
            admin,
            employers[1],
            "红松育苗创新工作室",
            "红松种植与嫁接育苗",
            lead_user=leads[1],
            projects=("红松嫁接育苗成活率提升",),
            results=("红松芽接操作法",),
        ),
        f.studio(
            admin,
            employers[2],
            "林木病虫害防治创新工作室",
            "林木病虫害防治",
            lead_user=leads[2],
            projects=("落叶松毛虫生物防治",),
            results=("病虫害监测规范",),
        ),
    )
    return org, union, studios


def submit(tab: Tab, button) -> None:
    with tab.page.expect_navigation():
        button.click()


@pytest.mark.e2e
def test_forestry_alliance_problem_to_joint_project(forestry, open_tab, monkeypatch):
    _org, union, (patrol, pine, pest) = forestry
    # the first member studios are a short list: as at province scale, more studios in reach than it
    # holds, so each is found by name (the live server runs in this process)
    monkeypatch.setattr(core_forms, "SHORT_LIST", 2)

    # 1. The forestry union admin forms the alliance of three studios from three employers.
    tab = open_tab()
    page = tab.page
    tab.login("linye")
    tab.goto("/studios/alliances/")
    submit(tab, page.get_by_role("link", name=zh("Form an alliance")))
    page.locator("#id_name").fill(ALLIANCE)
    page.locator("#id_level").select_option("provincial")
    page.locator("#id_lead_union").select_option(label=union.name)
    page.locator("#id_founded_on").fill("2022-08-15")
    page.locator("#id_founding_document").fill("黑森工会发〔2022〕12号")
    studios = page.locator("#id_studios")
    expect(studios.locator("option")).to_have_count(0)
    box = page.get_by_placeholder(zh("Find first member studios by their or their employer's name"))
    # found as one types (htmx swaps the list in), those chosen so far kept and still selected
    for chosen, term in (([patrol], "森林管护"), ([patrol, pine], "红松"), ([patrol, pine, pest], "林木病虫害")):
        box.fill(term)
        expect(studios.locator(f'option[value="{chosen[-1].pk}"]')).to_have_count(1)
        expect(studios.locator("option")).to_have_count(len(chosen))
        studios.select_option([str(s.pk) for s in chosen])
    tab.shot("alliance-01-form")
    submit(tab, page.get_by_role("button", name=zh("Save")))
    expect(page.locator("main > .alert-success")).to_have_text(zh("Alliance formed."))
    alliance = Alliance.objects.get(name=ALLIANCE)
    members = page.locator("#members tbody tr")
    expect(members).to_have_count(3)
    for employer in ("中国龙江森林工业集团有限公司", "黑龙江省林口林业局有限公司", "齐齐哈尔市林业和草原局国有林场"):
        expect(page.locator("#members")).to_contain_text(employer)
    tab.shot("alliance-02-formed")
    tab.assert_clean()
    # a provincial alliance is named (命名) by the province: the forestry union's proposal waits for it
    assert alliance.state == AllianceState.PROPOSED
    prov = _org.users.prov
    studio_services.decide_alliance(actor=prov, scope=Scope(prov), alliance=alliance, approve=True)

    # 2. The patrol studio's lead posts a 红松种植 problem; the matcher ranks the pine studio first.
    lead = open_tab()
    lead.login("lead1")
    lead.goto(f"/studios/alliances/{alliance.pk}/")
    submit(lead, lead.page.get_by_role("link", name=zh("Post a problem")))
    p = lead.page
    p.locator("#id_title").fill(PROBLEM)
    p.locator("#id_field").fill("红松种植")
    p.locator("#id_description").fill("林场春季嫁接的红松苗成活率不足六成，需改进嫁接育苗工艺。")
    p.locator("#id_deadline").fill((dt.date.today() + dt.timedelta(days=60)).isoformat())
    p.locator("#id_reward").fill("20000")
    submit(lead, p.get_by_role("button", name=zh("Save")))
    expect(p.locator("main > .alert-success")).to_have_text(zh("Problem posted on the board."))
    suggestions = p.locator("#suggestions > li")
    expect(suggestions.first).to_contain_text("红松育苗创新工作室")
    expect(suggestions.first).to_contain_text("红松")
    expect(suggestions.first).to_contain_text("红松嫁接育苗成活率提升")  # the past project the terms came from
    assert "森林管护创新工作室" not in p.locator("#suggestions").inner_text()  # never the poster itself
    lead.shot("alliance-03-problem-with-matches")
    problem = Problem.objects.get(title=PROBLEM)
    lead.assert_clean()

    # 3. The pest-control studio's lead claims it.
    claimer = open_tab()
    claimer.login("lead3")
    claimer.goto(f"/studios/problems/{problem.pk}/")
    c = claimer.page
    c.locator("#id_studio").select_option(str(pest.pk))
    c.locator("#id_plan").fill("结合病虫害防治经验，改进砧木选择与嫁接后管护。")
    submit(claimer, c.get_by_role("button", name=zh("Claim the problem")))
    expect(c.locator("main > .alert-success")).to_have_text(zh("Claim sent to the poster."))
    claimer.shot("alliance-04-claimed")
    claimer.assert_clean()

    # 4. The poster accepts: a joint project of two studios; a milestone; then it closes with its value.
    lead.goto(f"/studios/problems/{problem.pk}/")
    submit(lead, p.locator("#claims").get_by_role("button", name=zh("Accept")))
    expect(p.locator("main > .alert-success")).to_have_text(zh("Claim accepted: the joint project has started."))
    expect(p.locator("#participants")).to_contain_text("森林管护创新工作室")
    expect(p.locator("#participants")).to_contain_text("林木病虫害防治创新工作室")
    p.locator("#id_title").fill("砧木筛选与嫁接试验")
    p.locator("#id_due_on").fill((dt.date.today() + dt.timedelta(days=20)).isoformat())
    submit(lead, p.get_by_role("button", name=zh("Add milestone")))
    expect(p.locator("#milestones")).to_contain_text("砧木筛选与嫁接试验")
    submit(lead, p.get_by_role("link", name=zh("Close and accept")))
    p.locator("#id_outcome").fill("嫁接苗成活率由58%提高到91%")
    p.locator("#id_patents").fill("1")
    submit(lead, p.get_by_role("button", name=zh("Save")))
    expect(p.locator("main > .alert-success")).to_have_text(zh("The project is closed and accepted."))
    project = Project.objects.get(problem=problem)
    assert (project.state, project.accepted_by.username) == ("closed", "lead1")
    # Its benefit is no number typed on closing: the project's innovation, confirmed by its enterprise's finance.
    from tests.innovations.factories import confirmed

    lead_studio = project.studio
    confirmed(
        User.objects.get(username="linye"),
        lead_studio.employer,
        [(lead_studio.lead, Decimal(100))],
        Decimal(VALUE),
        studio=lead_studio,
        project=project,
    )
    p.reload()

    # 5. The value is on the alliance page and in its totals.
    expect(p.locator("#total-value")).to_have_text("125.00 万元")
    expect(p.locator("#total-projects")).to_have_text("1 / 1")
    expect(p.locator("#alliance-innovations-summary")).to_contain_text("1,250,000.00")
    lead.shot("alliance-05-totals")
    lead.assert_clean()

    phone = open_tab(**PHONE)
    phone.login("linye")
    phone.goto(f"/studios/alliances/{alliance.pk}/")
    expect(phone.page.locator("#total-value")).to_have_text("125.00 万元")
    phone.shot("alliance-06-phone")
    # the joint project counts on each participating studio's page too, with the lead's honour
    phone.goto(f"/studios/{pest.pk}/")
    expect(phone.page.locator("#studio-projects")).to_contain_text(PROBLEM)
    expect(phone.page.locator("#lead-honours .bi-patch-check-fill")).to_have_count(1)
    phone.shot("alliance-07-studio-phone")
    phone.assert_clean()

    tab.goto(f"/studios/{pine.pk}/")
    expect(page.locator("#six-checks .bi-check-circle-fill")).to_have_count(6)
    tab.shot("alliance-08-studio")

    # 6. The forestry union sets its yearly target for 2022 and is on track with this alliance.
    tab.goto("/studios/targets/?year=2022")
    page.locator("#id_year").fill("2022")
    page.locator("#id_alliances").fill("1")
    submit(tab, page.get_by_role("button", name=zh("Set for every city and industrial union")))
    row = page.locator("#targets tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(union.name)
    expect(row).to_contain_text(zh("On track", context="alliance target"))
    tab.shot("alliance-09-targets")
    tab.assert_clean()
