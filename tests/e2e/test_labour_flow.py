"""The labour-competition acceptance flow, through real pages.

From an approved provincial labour competition with its indicator scheme (the fixture: approving it is
the catalogue's part), three units enter with their teams — the Harbin employer's clerk and Bob of
Qiqihar enter their own employers' sections, Alice of Harbin a second Harbin section; the province's
committee opens a quarterly round, enters and checks every unit's figures, records a safety accident
that vetoes the unit that would have won, closes the round, and the public red-flag board shows the
right order: the winner with the mobile red flag, then the second, the vetoed unit last. With that last
round closed the committee publishes the final standing, which finishes the competition (no marking or
notice of results), and anyone reads it on its public board.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from gongjiang.labour.models import FinalStanding, Round, Standing, Team, Unit
from tests.conftest import HARBIN_ID, QIQIHAR_ID
from tests.labour.conftest import labour_competition, standard_scheme

from .conftest import Tab, zh

COMPETITION = "哈尔滨至伊春高速公路建设劳动竞赛（演示）"
# (who, employer, section, team, member's ID number or None)
ENTRIES = (
    ("staff", "哈尔滨锅炉厂有限责任公司", "第一标段", "路基施工一班", HARBIN_ID),
    ("bob", "齐齐哈尔第二机床有限公司", "第二标段", "隧道掘进班", QIQIHAR_ID),
    ("alice", "哈尔滨锅炉厂有限责任公司", "第三标段", "桥梁架设班", None),
)
# progress (linear to 100), quality (judged), safety (failures, −20 each), innovation (rank)
FIGURES = {
    "第一标段": ("95", "90", "0", "2"),  # 28.5 + 22.5 + 25 + 10 = 86
    "第二标段": ("100", "95", "0", "3"),  # 30 + 23.75 + 25 + 20 = 98.75, but vetoed
    "第三标段": ("80", "85", "1", "1"),  # 24 + 21.25 + 20 + 0 = 65.25
}
VETOED = "第二标段"
ACCIDENT = "隧道作业面坍塌，1人重伤"


def press(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def enter_unit(tab: Tab, competition, employer: str, section: str, team: str, member: str | None) -> None:
    page = tab.page
    tab.goto(f"/labour/{competition.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name=zh("Enter a unit")).click()
    page.locator("#id_employer").select_option(label=employer)
    page.locator("#id_section").fill(section)
    press(page, zh("Enter"))
    expect(page.locator("main > .alert-success")).to_have_text(zh("Unit entered. Add its teams."))
    page.locator("input[name=name]").fill(team)
    press(page, zh("Add team"))
    if member:
        page.locator("form[action$='/members/'] input[name=id_number]").fill(member)
        press(page, zh("Add member"))
    tab.shot(f"labour-02-unit-{section}")


@pytest.mark.e2e
def test_units_enter_and_a_vetoed_round_shows_on_the_red_flag_board(org, open_tab):
    competition = labour_competition(org.users.prov, org.province, COMPETITION, "provincial_1")
    indicators = standard_scheme(org.users.prov, competition)
    order = [indicators[k] for k in ("progress", "quality", "safety", "innovation")]
    tabs: dict[str, Tab] = {}
    for who, employer, section, team, member in ENTRIES:  # 1: three units enter with their teams
        if who not in tabs:
            tabs[who] = open_tab()
            tabs[who].login(who)
        enter_unit(tabs[who], competition, employer, section, team, member)
    assert sorted(Unit.objects.filter(competition=competition).values_list("section", flat=True)) == sorted(FIGURES)
    assert Team.objects.get(name="路基施工一班").members.get().name == org.harbin_worker.name
    # Bob sees his own unit only
    bob = tabs["bob"]
    bob.goto(f"/labour/{competition.pk}/")
    expect(bob.page.locator("#units tbody tr")).to_have_count(1)
    expect(bob.page.locator("#units")).not_to_contain_text("哈尔滨锅炉厂")

    committee = open_tab()  # 2: the committee opens the first quarter
    page = committee.page
    page.on("dialog", lambda d: d.accept())
    committee.login("prov")
    committee.goto(f"/labour/{competition.pk}/rounds/new/")
    page.locator("#id_name").fill("2026年第一季度")
    page.locator("#id_starts_on").fill("2026-01-01")
    page.locator("#id_ends_on").fill("2026-03-31")
    page.locator("#id_due_on").fill("2026-04-10")
    press(page, zh("Open the round"))
    round_ = Round.objects.get(competition=competition)
    assert page.url.endswith(f"/labour/rounds/{round_.pk}/")
    committee.shot("labour-03-round-opened")

    for unit in Unit.objects.filter(competition=competition):  # 3: enter and check every unit's figures
        committee.goto(f"/labour/rounds/{round_.pk}/units/{unit.pk}/")
        for indicator, value in zip(order, FIGURES[unit.section], strict=True):
            page.locator(f"#id_value_{indicator.pk}").fill(value)
        if unit.section == "第一标段":
            committee.shot("labour-04-figures-form")
        press(page, zh("Save and check"))
        expect(page.locator("main > .alert-success")).to_have_text(zh("Figures saved."))

    vetoed = Unit.objects.get(competition=competition, section=VETOED)  # 4: the accident
    page.locator("#id_unit").select_option(value=str(vetoed.pk))
    page.locator("#id_reason").fill(ACCIDENT)
    press(page, zh("Record the veto"))
    expect(page.locator("main > .alert-success")).to_have_text(zh("Veto recorded: the unit ranks last in this round."))
    preview = page.locator("#preview li")
    expect(preview).to_have_count(3)
    expect(preview.last).to_contain_text(VETOED)
    committee.shot("labour-05-round-before-closing")

    press(page, zh("Close the round"))  # 5: close; the board is published
    expect(page.locator("main > .alert-success")).to_have_text(zh("Round closed; its red-flag board is published."))
    assert list(Standing.objects.filter(round=round_).values_list("unit__section", "rank", "vetoed", "red_flag")) == [
        ("第一标段", 1, False, True),
        ("第三标段", 2, False, False),
        ("第二标段", 3, True, False),
    ]

    anonymous = open_tab()  # 6: anyone reads the board
    anonymous.goto(f"/labour/rounds/{round_.pk}/board/")
    rows = anonymous.page.locator("#board tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("第一标段")
    expect(rows.nth(0)).to_contain_text(zh("Mobile red flag"))
    expect(rows.nth(0)).to_contain_text("86.00")
    expect(rows.nth(1)).to_contain_text("第三标段")
    expect(rows.nth(1)).to_contain_text("65.25")
    expect(rows.nth(2)).to_contain_text("第二标段")
    expect(rows.nth(2)).to_contain_text(zh("Vetoed: safety accident"))
    assert not re.search(org.harbin_worker.name, anonymous.page.content())
    anonymous.shot("labour-06-red-flag-board")

    staff = tabs["staff"]  # 7: the clerk sees its place
    unit = Unit.objects.get(competition=competition, section="第一标段")
    staff.goto(f"/labour/units/{unit.pk}/")
    expect(staff.page.locator("#unit-rounds tbody tr").first).to_contain_text("86.00")
    staff.shot("labour-07-unit-place")

    # 8: the last round closed, the competition's page offers no marking or notice, only the final standing
    committee.goto(f"/competitions/{competition.pk}/")
    expect(page.get_by_role("button", name=zh("Publish the final standing"))).to_have_count(1)
    expect(page.get_by_role("button", name=re.compile(zh("Marking")))).to_have_count(0)
    committee.goto(f"/labour/{competition.pk}/")  # the committee publishes it from the labour page
    committee.shot("labour-08-ready-to-finish")
    press(page, zh("Publish the final standing"))
    expect(page.locator("main > .alert-success")).to_have_text(
        zh("The final standing is published; the competition is finished.")
    )
    final = page.locator("#final-board tbody tr")
    expect(final).to_have_count(3)
    expect(final.nth(0)).to_contain_text("第一标段")
    expect(final.nth(2)).to_contain_text(zh("Vetoed: safety accident"))
    committee.shot("labour-09-final-board")
    assert list(
        FinalStanding.objects.filter(competition=competition).values_list("unit__section", "rank", "vetoed")
    ) == [("第一标段", 1, False), ("第三标段", 2, False), ("第二标段", 3, True)]
    committee.goto(f"/labour/{competition.pk}/")  # finished: no round to open, no button again
    expect(page.locator("#finished")).to_be_visible()
    expect(page.get_by_role("button", name=zh("Publish the final standing"))).to_have_count(0)
    expect(page.get_by_role("link", name=zh("Open a round"))).to_have_count(0)
    committee.goto(f"/competitions/{competition.pk}/")
    expect(page.locator("#competition-state")).to_have_text(zh("Finished: final standing published"))
    committee.shot("labour-10-competition-finished")
    anonymous.goto(f"/labour/{competition.pk}/standings/board/")  # 9: anyone reads the final standing
    expect(anonymous.page.locator("#final-board tbody tr")).to_have_count(3)
    assert not re.search(org.harbin_worker.name, anonymous.page.content())
    for tab in (*tabs.values(), committee, anonymous):
        tab.assert_clean()
