"""The event page's judges and the problem page's claiming studio in a browser (issue 17): more rows
than a short list holds, so each is found by typing in the find box (htmx swaps the drop-down in; the
drop-down is required and starts empty, which once stopped htmx from searching at all), picked and
submitted."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from gongjiang.competitions.models import Assignment
from gongjiang.core import forms as core_forms
from gongjiang.orgs.scope import Scope
from gongjiang.studios import services as studio_services
from gongjiang.studios.models import Claim
from tests.competitions.test_judge_picker import add_judges
from tests.reach import add_studios
from tests.studios import factories as f
from tests.studios.test_claim_picker import _alliance, _members

from .conftest import zh


@pytest.mark.e2e
def test_a_judge_and_a_claiming_studio_found_by_name(contest, open_tab, monkeypatch):
    monkeypatch.setattr(core_forms, "SHORT_LIST", 3)  # the live server runs in this process
    alice = contest.users.alice
    welders = add_judges(contest.harbin, 10, contest.welder)  # not of the event's occupation: not listed
    tab = open_tab()
    tab.login("alice")
    page = tab.page

    # the judges: found by name, assigned
    tab.goto(f"/competitions/events/{contest.harbin_event.pk}/")
    judges = page.locator("#assign_judge")
    expect(judges.locator(f'option[value="{welders[-1].pk}"]')).to_have_count(0)
    page.get_by_placeholder(zh("Find a judge by name, employer or affiliation")).fill("甲裁判01009")
    expect(judges.locator("option[value]:not([value=''])")).to_have_count(1)
    judges.select_option(str(welders[-1].pk))
    with page.expect_navigation():
        page.locator("#assign-judge").click()
    expect(page.locator("main > .alert-success")).to_have_text("已选派甲裁判01009。")
    assert list(Assignment.objects.values_list("judge_id", flat=True)) == [welders[-1].pk]
    tab.shot("picks-01-judge-assigned")

    # the claiming studio: a problem open to every alliance, many member studios
    poster = f.studio(alice, contest.harbin_employer, "锅炉焊接创新工作室", "锅炉焊接")
    member = f.studio(alice, contest.harbin_employer, "管道安装创新工作室", "管道安装")
    alliance = _alliance(alice, contest.harbin, "哈尔滨锅炉制造联盟", [poster, member])
    many = add_studios(contest.harbin_employer, contest.harbin_worker, 10)
    _members(_alliance(alice, contest.harbin, "哈尔滨第二联盟", []), many)
    problem = studio_services.post_problem(
        actor=alice,
        scope=Scope(alice),
        alliance=alliance,
        studio=poster,
        data=studio_services.ProblemData(
            title="锅炉焊缝难题",
            field="焊接",
            description="集箱焊缝裂纹",
            deadline=dt.date.today() + dt.timedelta(days=30),
            open_to_all=True,
        ),
    )
    tab.goto(f"/studios/problems/{problem.pk}/")
    studios = page.locator("#id_studio")
    listed = studios.locator("option:not([value=''])")
    expect(listed).to_have_count(1)  # many: the problem's own alliance's member
    expect(studios.locator(f'option[value="{member.pk}"]')).to_have_count(1)
    page.get_by_placeholder(zh("Find a studio by its or its employer's name")).fill("甲工作室01007")
    expect(studios.locator(f'option[value="{many[7].pk}"]')).to_have_count(1)
    expect(listed).to_have_count(1)
    studios.select_option(str(many[7].pk))
    page.locator("#id_plan").fill("改进焊接工艺")
    with page.expect_navigation():
        page.get_by_role("button", name=zh("Claim the problem")).click()
    expect(page.locator("main > .alert-success")).to_have_text(zh("Claim sent to the poster."))
    assert list(Claim.objects.values_list("studio_id", flat=True)) == [many[7].pk]
    tab.shot("picks-02-claimed")
    tab.assert_clean()
