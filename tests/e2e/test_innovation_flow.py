"""A worker submits a technical innovation from a labour competition, linked also to their studio's
project, on a phone; the enterprise union checks it, the city's panel appraises it, the clerk calculates
its benefit and the enterprise's finance confirms it. The competition's, the studio's and the
province's benefit each rise by exactly that amount, once."""

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from gongjiang.competitions import services as comp
from gongjiang.competitions.models import Competition
from gongjiang.innovations.models import Innovation
from gongjiang.innovations.queries import benefit_of
from gongjiang.orgs.enums import RoleKind
from gongjiang.orgs.scope import Scope
from gongjiang.stats import fill
from gongjiang.stats.queries import year_values
from gongjiang.studios.models import LevelRequirement
from tests.conftest import make_user
from tests.studios import factories as sf

from .conftest import Tab, zh

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
TITLE = "地铁盾构管片螺栓快速紧固工装"
BENEFIT = Decimal("620000.00")  # (300,000 + 50,000) x 2 - 80,000


@pytest.fixture
def metro(org):
    from django.apps import apps

    if not LevelRequirement.objects.exists():  # flushed by an earlier transactional test
        importlib.import_module("gongjiang.studios.migrations.0002_seed_requirements").load(apps, None)
    alice = org.users.alice
    worker_user = make_user("wangtiejun", org.harbin_employer.union, RoleKind.WORKER)
    type(org.harbin_worker).objects.filter(pk=org.harbin_worker.pk).update(user=worker_user)
    org.harbin_worker.refresh_from_db()
    sf.worker(alice, org.harbin_employer, "李强")
    studio = sf.studio(alice, org.harbin_employer, "王铁军盾构创新工作室", "盾构施工", lead=org.harbin_worker)
    labour = comp.create_competition(
        actor=alice,
        scope=Scope(alice),
        data=comp.CompetitionData(
            name="哈尔滨地铁三号线建设劳动竞赛",
            tier="city",
            kind="labour",
            organiser=org.harbin,
            registration_closes_on=dt.date(2026, 3, 1),
            starts_on=dt.date(2026, 3, 10),
            ends_on=dt.date(2026, 12, 20),
        ),
    )
    Competition.objects.filter(pk=labour.pk).update(state="in_progress")  # running, past its draft
    make_user("hgcaiwu", org.harbin_employer.union, RoleKind.ENTERPRISE_FINANCE)
    return org, studio, studio.projects.get(), labour


def _province(org) -> Decimal:
    fill.update_stats(since=fill.EPOCH)
    year = dt.date.today().year
    return (
        Decimal(
            year_values(["economic_benefit"], [org.province.pk], [year]).get(
                ("economic_benefit", org.province.pk, year), 0
            )
        )
        / 100
    )


# This machine is shared by many engineers' test runs: wait longer than the suite's 10 s before failing.
PATIENCE_MS = 60_000


def patient(tab: Tab) -> Tab:
    tab.page.set_default_timeout(PATIENCE_MS)
    tab.page.set_default_navigation_timeout(PATIENCE_MS)
    return tab


def submit(tab: Tab, button) -> None:
    with tab.page.expect_navigation():
        button.click()


@pytest.mark.e2e
def test_an_innovation_from_a_labour_competition_counts_once(metro, open_tab):
    org, studio, project, labour = metro
    from gongjiang.labour import services as labour_services

    labour.refresh_from_db()  # in progress (the fixture moved it past its draft)
    alice = org.users.alice  # the boiler works takes part as a unit: what its result may come from
    labour_services.enter_unit(actor=alice, scope=Scope(alice), competition=labour, employer=org.harbin_employer)
    before = (benefit_of(competition_id=labour.pk), benefit_of(studio_id=studio.pk), _province(org))

    # 1. The worker, on a phone, submits it from the labour competition and the studio's project.
    expect.set_options(timeout=PATIENCE_MS)
    phone = patient(open_tab(**PHONE))
    p = phone.page
    phone.login("wangtiejun")
    p.locator(".navbar-toggler").click()  # the menu is folded on a phone
    submit(phone, p.locator("#nav-my-innovations"))
    submit(phone, p.locator("#submit-innovation"))
    p.locator("#id_title").fill(TITLE)
    p.locator("#id_kind").select_option("renovation")
    p.locator("#id_authors").fill("王铁军 60\n李强 40")
    p.locator("#id_team").fill("盾构二班")
    p.locator("#id_description").fill("管片螺栓由人工逐个紧固改为工装同步紧固，单环拼装时间缩短12分钟。")
    p.locator("#id_competition").select_option(str(labour.pk))
    p.locator("#id_studio").select_option(str(studio.pk))
    p.locator("#id_project").select_option(str(project.pk))
    p.locator("#id_attachments").set_input_files(
        files=[{"name": "工装图.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 drawing"}]
    )
    phone.shot("innovation-01-phone-form")
    submit(phone, p.get_by_role("button", name=zh("Submit")))
    expect(p.locator("main > .alert-success")).to_have_text(zh("Innovation submitted to the enterprise union."))
    expect(p.locator("#innovation-authors")).to_contain_text("王铁军 60%")
    expect(p.locator("#innovation-origins")).to_contain_text(labour.name)
    expect(p.locator("#innovation-attachments")).to_contain_text("工装图.pdf")
    phone.shot("innovation-02-phone-submitted")
    innovation = Innovation.objects.get(title=TITLE)
    assert (innovation.competition, innovation.studio, innovation.project) == (labour, studio, project)
    phone.assert_clean()

    # 2. The enterprise union's clerk finds it on the to-do list and checks it.
    clerk = patient(open_tab())
    c = clerk.page
    clerk.login("staff")
    submit(clerk, c.get_by_role("link", name=zh("Innovations to check")))
    submit(clerk, c.get_by_role("link", name=TITLE))
    submit(clerk, c.locator("#do-check"))
    expect(c.locator("#innovation-state")).to_have_text(zh("Checked by the union"))

    # 3. The city union records the experts' appraisal.
    city = patient(open_tab())
    city.login("alice")
    city.goto(f"/innovations/{innovation.pk}/")
    city.page.locator("#id_grade").select_option("1")
    city.page.locator("#id_experts").fill("张建国（正高级工程师）、刘敏（高级工程师）")
    submit(city, city.page.locator("#do-appraise"))
    expect(city.page.locator("#innovation-grade")).to_contain_text(zh("First class", context="innovation grade"))

    # 4. The clerk calculates the benefit by the stated method; the calculation shows its inputs.
    clerk.goto(f"/innovations/{innovation.pk}/")
    for field, value in (
        ("annual_saving", "300000"),
        ("added_output", "50000"),
        ("years", "2"),
        ("deductions", "80000"),
    ):
        c.locator(f"#id_{field}").fill(value)
    c.locator("#id_method").fill("单环节约工时×年拼装环数×人工单价，按两年计，扣除工装制作费")
    submit(clerk, c.locator("#do-calculate"))
    expect(c.locator("#benefit-calculation")).to_contain_text("620,000.00")
    expect(c.locator("#innovation-benefit")).to_contain_text(zh("awaiting finance"))
    clerk.shot("innovation-03-calculated")
    # not counted yet: finance has not confirmed it
    assert benefit_of(competition_id=labour.pk) == before[0]

    # 5. The enterprise's finance office confirms it from its to-do list.
    finance = patient(open_tab())
    f = finance.page
    f.on("dialog", lambda dialog: dialog.accept())
    finance.login("hgcaiwu")
    submit(finance, f.get_by_role("link", name=zh("Innovation benefits to confirm")))
    submit(finance, f.get_by_role("link", name=TITLE))
    submit(finance, f.locator("#do-confirm"))
    expect(f.locator("main > .alert-success")).to_have_text(zh("Benefit confirmed."))
    finance.shot("innovation-04-confirmed")
    finance.assert_clean()

    # 6. Each total rose by exactly the benefit, once.
    after = (benefit_of(competition_id=labour.pk), benefit_of(studio_id=studio.pk), _province(org))
    assert [a - b for a, b in zip(after, before, strict=True)] == [BENEFIT, BENEFIT, BENEFIT]
    city.goto(f"/competitions/{labour.pk}/")
    expect(city.page.locator("#competition-innovations-summary")).to_contain_text("620,000.00")
    expect(city.page.locator("#competition-innovations li")).to_have_count(1)
    city.shot("innovation-05-competition")
    city.goto(f"/studios/{studio.pk}/")
    expect(city.page.locator("#studio-innovations-summary")).to_contain_text("620,000.00")
    expect(city.page.locator("#studio-benefit")).to_have_text("62.00 万元")
    city.shot("innovation-06-studio")
    city.goto(f"/studios/projects/{project.pk}/")
    expect(city.page.locator("#project-innovations-summary")).to_contain_text("620,000.00")
    city.assert_clean()
    clerk.assert_clean()

    # 7. The worker's own list shows it confirmed.
    phone.goto("/innovations/")
    expect(p.locator("#innovation-table")).to_contain_text("620,000.00")
    phone.shot("innovation-07-phone-list")


@pytest.mark.e2e
def test_a_city_official_records_one_picking_employer_and_authors_as_they_type(metro, open_tab):
    """Alice of Harbin's city union finds the employer by typing part of its name, then its workers the
    same way (the lists narrow as she types: htmx), names the team entered in the labour competition,
    and records the result. Another city's employer never appears."""
    from gongjiang.labour import services as labour_services

    org, _studio, _project, labour = metro
    labour.refresh_from_db()  # in progress (the fixture moved it past its draft)
    alice = org.users.alice
    unit = labour_services.enter_unit(
        actor=alice, scope=Scope(alice), competition=labour, employer=org.harbin_employer, section="土建一标"
    )
    team = labour_services.add_team(actor=alice, scope=Scope(alice), unit=unit, name="盾构二班")
    expect.set_options(timeout=PATIENCE_MS)
    tab = patient(open_tab())
    p = tab.page
    tab.login("alice")
    tab.goto("/innovations/new/")
    expect(p.locator("#pick-employer-first")).to_be_visible()
    p.locator("input[name=employer_q]").press_sequentially("齐齐哈尔")  # another city: nothing to pick
    expect(p.locator("#id_employer option")).to_have_count(1)  # the empty choice only
    p.locator("input[name=employer_q]").fill("")
    p.locator("input[name=employer_q]").press_sequentially("锅炉")
    expect(p.locator("#id_employer option")).to_have_count(2)
    p.locator("#id_employer").select_option(label=org.harbin_employer.name)
    expect(p.locator("#id_author_1")).to_be_visible()  # its workers, with the employer's teams
    p.locator("input[name=worker_q]").press_sequentially("李")
    expect(p.locator("#id_author_1 option", has_text="李强")).to_have_count(1)
    expect(p.locator("#id_author_1 option", has_text=org.harbin_worker.name)).to_have_count(0)
    p.locator("#id_author_1").select_option(label="李强")
    p.locator("#id_share_1").fill("100")
    p.locator("#id_title").fill("盾构管片拼装定位销")
    p.locator("#id_kind").select_option("renovation")
    p.locator("#id_description").fill("拼装定位由目测改为定位销，错台减少。")
    p.locator("#id_competition").select_option(str(labour.pk))
    p.locator("#id_labour_team").select_option(str(team.pk))
    tab.shot("innovation-08-official-picks")
    submit(tab, p.get_by_role("button", name=zh("Submit")))
    expect(p.locator("main > .alert-success")).to_have_text(zh("Innovation submitted to the enterprise union."))
    expect(p.locator("#innovation-authors")).to_contain_text("李强 100%")
    expect(p.locator("#innovation-team")).to_have_text("盾构二班")
    tab.shot("innovation-09-official-recorded")
    made = Innovation.objects.get(title="盾构管片拼装定位销")
    assert (made.employer, made.labour_team, made.submitted_by) == (org.harbin_employer, team, alice)
    assert [a.worker.name for a in made.authors.all()] == ["李强"]
    tab.assert_clean()
