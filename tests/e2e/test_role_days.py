"""Each role's day, from the to-dos on the home page to the work done, through real pages:

- a city admin reads "alliances to name", follows it, names the three alliances its county unions
  proposed in one bulk action, and sees the to-do go;
- an enterprise clerk reads "competitions open to your workers" with how many of its workers may
  enter, follows it to the competition and the event, enters its two eligible workers in one go, and
  sees the number of workers who may still enter fall to none.

(The judge marking an event to completion with the auto-advance, and the worker on a 390 px phone with
the phone menu, are in test_work_in_batches.py and test_todos.py.)
"""

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from gongjiang.competitions.models import Competition, Entry
from gongjiang.orgs.enums import RoleKind
from gongjiang.orgs.scope import Scope
from gongjiang.studios import services as studio_services
from gongjiang.studios.enums import AllianceState
from gongjiang.studios.models import Alliance
from tests.conftest import make_user

from .conftest import zh
from .test_competition_flow import submit
from .test_work_in_batches import PHONE, _worker


def test_city_admin_names_three_proposed_alliances_in_one_bulk_action(org, open_tab):
    county = make_user("daoli", org.daoli, RoleKind.UNION_ADMIN)
    names = ["道里区焊接创新工作室联盟", "道里区机床创新工作室联盟", "道里区锅炉创新工作室联盟"]
    for n, name in enumerate(names):
        studio_services.create_alliance(
            actor=county,
            scope=Scope(county),
            data=studio_services.AllianceData(
                name=name,
                level="city",  # a county may not name a city-level alliance: Harbin does
                lead_union=org.daoli,
                founded_on=timezone.localdate() - dt.timedelta(days=5 + n),
                founding_document=f"道工发〔2026〕{n + 1}号",
            ),
        )
    tab = open_tab()
    page = tab.page
    page.on("dialog", lambda dialog: dialog.accept())
    tab.login("alice")
    todo = page.locator("#todo-name_alliances")
    expect(todo.locator(".todo-label")).to_have_text(zh("Alliances to name"))
    expect(todo.locator(".todo-count")).to_have_text("3")
    tab.shot("roleday-city-01-home")
    todo.click()
    page.wait_for_url(re.compile(r"/studios/alliances/\?(.*&)?todo=name_alliances"))
    boxes = page.locator("#alliance-table input[name=ids]")
    expect(boxes).to_have_count(3)
    expect(page.locator("#result-count")).to_contain_text("3")
    page.locator("#alliance-table input[data-select-all]").check()
    page.locator("#bulk-note").fill("经市总工会审议，同意命名")
    tab.shot("roleday-city-02-three-ticked")
    submit(page, page.locator("#bulk-accept"))
    expect(page.locator("#batch-summary")).to_have_text(zh("%(done)s done, %(refused)s refused.", done=3, refused=0))
    expect(page.locator("#batch-outcome li.done")).to_have_count(3)
    tab.shot("roleday-city-03-outcome")
    assert set(Alliance.objects.filter(name__in=names).values_list("state", flat=True)) == {AllianceState.NAMED}
    assert set(Alliance.objects.filter(name__in=names).values_list("named_by", flat=True)) == {org.harbin.pk}
    tab.goto("/")
    expect(page.locator("#todo-name_alliances")).to_have_count(0)  # nothing left to name
    tab.shot("roleday-city-04-home-after")
    tab.assert_clean()


def test_clerk_starts_at_the_todo_and_enters_two_eligible_workers(contest, open_tab):
    # the fixture's competitions closed in May; the provincial one now closes next week (the city one
    # stays closed), as a clerk meets it
    today = timezone.localdate()
    Competition.objects.filter(pk=contest.province_comp.pk).update(
        registration_closes_on=today + dt.timedelta(days=7),
        starts_on=today + dt.timedelta(days=20),
        ends_on=today + dt.timedelta(days=22),
    )
    event = contest.province_event
    ready = [_worker(contest, 0), _worker(contest, 1)]
    _worker(contest, 2, status="retired", born=dt.date(1962, 4, 1))
    tab = open_tab(**PHONE)
    page = tab.page
    tab.login("staff")
    todo = page.locator("#todo-enter")
    expect(todo.locator(".todo-label")).to_have_text(zh("Competitions open to your workers"))
    expect(todo.locator(".todo-count")).to_have_text("1")
    expect(todo.locator(".todo-note")).to_have_text(zh("%(n)s of your workers may enter", n=2))
    day = today + dt.timedelta(days=7)
    expect(todo.locator(".todo-deadline")).to_have_text(zh("closing %(day)s", day=f"{day.month:02d}月{day.day:02d}日"))
    tab.shot("roleday-clerk-01-home-phone")
    todo.tap()
    page.wait_for_url(re.compile(r"/competitions/\?(.*&)?todo=enter"))
    expect(page.locator("#result-count")).to_contain_text("1")
    page.get_by_role("link", name=contest.province_comp.name).tap()
    page.wait_for_url(tab.url(f"/competitions/{contest.province_comp.pk}/"))
    page.locator("#events").get_by_role("link", name=event.name).tap()
    page.wait_for_url(tab.url(f"/competitions/events/{event.pk}/"))
    eligible = page.locator("#candidate-list li.eligible")
    expect(eligible).to_have_count(2)
    for worker in ready:
        eligible.filter(has_text=worker.name).locator("input[type=checkbox]").check()
    tab.shot("roleday-clerk-02-two-ticked-phone")
    submit(page, page.locator("#enter-ticked"), tap=True)
    expect(page.locator("main > .alert-info")).to_have_text(
        zh("%(done)s entered, %(refused)s refused.", done=2, refused=0)
    )
    assert set(Entry.objects.filter(event=event, worker__in=ready).values_list("state", flat=True)) == {"registered"}
    tab.shot("roleday-clerk-03-entered-phone")
    tab.goto("/")
    expect(page.locator("#todo-enter .todo-note")).to_have_text(zh("%(n)s of your workers may enter", n=0))
    tab.shot("roleday-clerk-04-home-after-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    tab.assert_clean()
