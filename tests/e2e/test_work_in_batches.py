"""Work in batches, through real pages on a phone or a desktop:

- an enterprise clerk sees which of its workers may enter an event (and why the others may not),
  ticks two and enters both in one go;
- a judge marks an event to completion on a phone: after each save the page moves on to the next
  unmarked competitor by itself, then says the event is complete; 我的评判 then shows the sign-off
  that waits for the chief judge;
- a province official accepts three proposals in one bulk action and sees what happened to each.

Each starts where the day starts, at the to-dos on the home page, follows one to the work, and the
judge and the province official see the to-do's count fall once the work is done.
"""

import datetime as dt
import re
from decimal import Decimal

from playwright.sync_api import expect

from gongjiang.awards.models import Decision, LedgerLine
from gongjiang.competitions.models import Entry
from gongjiang.core.fakeids import make_id_number
from gongjiang.orgs.scope import Scope
from gongjiang.people import services as people_services
from tests.competitions.conftest import final, marked  # noqa: F401  (fixtures)

from .conftest import zh
from .test_competition_flow import submit

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _worker(org, n, *, status="employed", born=dt.date(1990, 1, 1)):
    prov = org.users.prov
    return people_services.create_worker(
        actor=prov,
        scope=Scope(prov),
        data=people_services.WorkerData(
            name=name_of(n),
            id_number=make_id_number("230102", born, 60 + n, male=n % 2 == 0),
            employer=org.harbin_employer,
            occupations=(org.lathe,),
            status=status,
        ),
    )


def name_of(n: int) -> str:
    return ["赵春雷", "钱晓燕", "孙德胜"][n]


def test_clerk_enters_two_eligible_workers_in_one_go(contest, open_tab):
    event = contest.province_event
    ready = [_worker(contest, 0), _worker(contest, 1)]
    retired = _worker(contest, 2, status="retired", born=dt.date(1962, 4, 1))
    tab = open_tab(**PHONE)
    page = tab.page
    tab.login("staff")
    tab.goto(f"/competitions/events/{event.pk}/")
    eligible = page.locator("#candidate-list li.eligible")
    expect(eligible).to_have_count(2)
    refused = page.locator("#candidate-list li.refused", has_text=retired.name)
    expect(refused.locator(".reasons li")).to_have_text([zh("Only workers still employed may enter this event.")])
    tab.shot("batch-01-clerk-eligible-and-refused")
    for worker in ready:
        eligible.filter(has_text=worker.name).locator("input[type=checkbox]").check()
    submit(page, page.locator("#enter-ticked"), tap=True)
    expect(page.locator("main > .alert-info")).to_have_text(
        zh("%(done)s entered, %(refused)s refused.", done=2, refused=0)
    )
    expect(page.locator("main > .alert-success")).to_have_text(
        [zh("%(name)s is entered.", name=w.name) for w in reversed(ready)]  # in the list's order, newest first
    )
    names = page.locator("#entries tbody tr td:nth-child(2)")
    expect(names.filter(has_text=ready[0].name)).to_have_count(1)
    expect(names.filter(has_text=ready[1].name)).to_have_count(1)
    # the entered ones leave the list of candidates; the retired worker stays with the reason
    expect(page.locator("#candidate-list li.eligible")).to_have_count(0)
    expect(page.locator("#candidate-list li.refused")).to_have_count(1)
    tab.shot("batch-02-clerk-two-entered")
    assert set(Entry.objects.filter(event=event, worker__in=ready).values_list("state", flat=True)) == {"registered"}
    # the spreadsheet route names the event and leads back to it
    page.get_by_role("link", name=zh("Enter many workers from a spreadsheet")).click()
    back = page.locator("#import-target a")
    expect(back).to_contain_text(f"{contest.province_comp.name} · {event.name}")
    tab.shot("batch-03-import-names-the-event")
    back.click()
    page.wait_for_url(tab.url(f"/competitions/events/{event.pk}/"))
    tab.assert_clean()


def test_judge_marks_an_event_to_completion_with_auto_advance(marked, open_tab):  # noqa: F811
    event = marked.province_event
    a1, a2 = marked.a1, marked.a2
    entries = sorted([marked.harbin_entry, marked.qiqihar_entry], key=lambda e: e.competitor_no)
    tab = open_tab(**PHONE)
    page = tab.page
    tab.login(marked.judges[1].username)
    tab.goto("/")
    expect(page.locator("#todo-mark .todo-count")).to_have_text("1")
    page.locator("#todo-mark").tap()
    page.wait_for_url(re.compile(r"/competitions/judging/\?(.*&)?todo=mark"))
    item = page.locator("#to-mark li")
    expect(item.locator(".progress-figure")).to_contain_text("0 / 2")
    tab.shot("batch-04-judge-to-mark")
    item.get_by_role("link").first.tap()
    page.wait_for_url(tab.url(f"/competitions/events/{event.pk}/mark/"))
    page.locator("#competitors a").first.tap()
    page.wait_for_url(tab.url(f"/competitions/events/{event.pk}/mark/?entry={entries[0].pk}"))
    for i, entry in enumerate(entries):
        expect(page.locator("#mark-form h2")).to_have_text(zh("Competitor %(no)s", no=entry.competitor_no))
        page.locator(f"input[name=aspect-{a1.pk}]").fill(str(Decimal("8.5") - i))
        page.locator(f"label[for=a{a2.pk}-2]").tap()
        if i == 0:
            tab.shot("batch-05-judge-marks-first")
        submit(page, page.locator("#save-marks"), tap=True)
        if i == 0:  # moved on by itself to the next unmarked competitor
            assert page.url == tab.url(f"/competitions/events/{event.pk}/mark/?entry={entries[1].pk}")
            expect(page.locator("#mark-progress")).to_contain_text("1 / 2")
    expect(page.locator("#event-complete")).to_contain_text(
        zh("You have marked every competitor: the event is complete for you.")
    )
    expect(page.locator("#competitors a.btn-outline-success")).to_have_count(1)  # the other; this one is current
    for name in ("王铁军", "李秀梅", "哈尔滨锅炉厂"):
        assert name not in page.content()  # blind
    tab.shot("batch-06-judge-event-complete")
    page.locator("#event-complete").get_by_role("link", name=zh("My judging")).tap()
    waiting = page.locator("#sign-off-waiting li")
    expect(waiting.locator(".progress-figure")).to_contain_text("2 / 2")
    expect(waiting.locator(".sign-off-note")).to_have_text(
        zh("Your marks are complete; the chief judge has not signed off yet.")
    )
    tab.shot("batch-07-judge-waits-for-sign-off")
    tab.goto("/")
    expect(page.locator("#todo-mark")).to_have_count(0)  # nothing left to mark
    tab.assert_clean()


def test_province_accepts_three_proposals_in_one_bulk_action(policy, final, open_tab):  # noqa: F811
    proposals = list(Decision.objects.filter(state="proposed").order_by("result__rank", "kind"))
    assert len(proposals) == 4
    chosen = proposals[:3]
    tab = open_tab()
    page = tab.page
    page.on("dialog", lambda dialog: dialog.accept())
    tab.login("prov")
    tab.goto("/")
    expect(page.locator("#todo-review .todo-count")).to_have_text("4")
    page.locator("#todo-review").click()
    page.wait_for_url(re.compile(r"/awards/decisions/\?(.*&)?todo=review"))
    boxes = page.locator("#decision-table input[name=ids]")
    expect(boxes).to_have_count(4)
    for decision in chosen:
        page.locator(f"#decision-table input[name=ids][value='{decision.pk}']").check()
    page.locator("#bulk-note").fill("竞赛委员会集体审议")
    tab.shot("batch-08-province-three-ticked")
    submit(page, page.locator("#bulk-accept"))
    expect(page.locator("#batch-summary")).to_have_text(zh("%(done)s done, %(refused)s refused.", done=3, refused=0))
    expect(page.locator("#batch-outcome li.done")).to_have_count(3)
    tab.shot("batch-09-province-outcome")
    assert {d.state for d in Decision.objects.filter(pk__in=[d.pk for d in chosen])} == {"accepted"}
    rewards = [d for d in chosen if d.kind == "reward"]
    assert LedgerLine.objects.filter(decision__in=rewards).count() == len(rewards)
    page.locator("#batch-back").click()
    expect(page.locator("#decision-table input[name=ids]")).to_have_count(1)
    tab.shot("batch-10-province-one-left")
    tab.goto("/")
    expect(page.locator("#todo-review .todo-count")).to_have_text("1")  # three fewer to review
    tab.assert_clean()
