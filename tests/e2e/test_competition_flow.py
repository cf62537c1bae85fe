"""The competitions acceptance flow, through real pages from the first form to the public verification.

A Harbin city admin creates a competition and a lathe event; the employer's union staff enters six
workers; the admin builds the marking scheme, keeps a judge pool, sees a same-employer judge refused
and assigns three others; the judges mark on tablets by competitor number; a two-point spread is
flagged, blocks the sign-off and is re-marked with a reason; the results go through public notice
to final; a certificate is issued, downloaded, read, and verified anonymously at its printed address.

Only what the UI does not offer is set up in the database: the workers, the judges' accounts, and
the end of the notice period (notice_ends_on moved to yesterday).
"""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from gongjiang.competitions.models import Aspect, Certificate, Competition, Entry, Event, Judge, Mark
from gongjiang.core.audit import history
from gongjiang.core.fakeids import make_id_number
from gongjiang.core.models import User
from gongjiang.orgs.scope import Scope
from gongjiang.people import services as people_services
from gongjiang.people.models import Worker
from tests.conftest import make_user, pdf_text

from .conftest import Tab, zh

TABLET = {"viewport": {"width": 820, "height": 1180}, "has_touch": True, "is_mobile": True}
COMPETITION = "哈尔滨市第十届职工车工技能竞赛"
EVENT = "数控车工"
WORKERS = ("王建军", "李春生", "张桂兰", "刘海涛", "陈国栋", "赵丽华")  # in the order they should rank
WINNER_MASKED = "王*军"
JUDGES = ("孙志强", "周立新", "吴宏伟")  # with log-ins; the first is the chief judge
CONFLICTED = "郑国平"  # works for the Harbin employer, like every competitor
FLAGGED = 2  # WORKERS[2] gets A2 scores 1, 3, 2 from the three judges: two points apart
SPREAD = (1, 3, 2)
REMARKER = 1  # the judge who gave 3 re-marks it to 2
REMARK_REASON = "复核：表面质量按评分细则为良好"
DESCRIPTORS = ["不合格", "基本合格", "良好", "优秀"]


def a1_mark(worker: int) -> Decimal:
    """Every judge measures the same: 9.5, 8.5, … so the ranking follows WORKERS."""
    return Decimal("9.5") - worker


def a2_score(worker: int, judge: int) -> int:
    return SPREAD[judge] if worker == FLAGGED else 2


def submit(page: Page, control: Locator, *, tap: bool = False) -> None:
    """Press a button that posts a form, and wait for the page the redirect leads to."""
    with page.expect_navigation():
        if tap:
            control.tap()
        else:
            control.click()


def alert(page: Page, kind: str) -> Locator:
    return page.locator(f"main > .alert-{kind}")


def state_button(page: Page, label: str) -> Locator:
    return page.get_by_role("button", name=zh("Move to “%(label)s”", label=zh(label)))


def move_to(tab: Tab, competition: Competition, state: str, label: str, shot: str) -> None:
    """The organiser presses the state button on the competition page (and confirms the dialog)."""
    page = tab.page
    tab.goto(f"/competitions/{competition.pk}/")
    submit(page, state_button(page, label))
    expect(alert(page, "success")).to_have_text(zh("The competition is now “%(state)s”.", state=zh(label)))
    expect(page.locator("#competition-state")).to_have_text(zh(label))
    competition.refresh_from_db()
    assert competition.state == state
    tab.shot(shot)


def assert_no_names(page: Page) -> None:
    """Judges work with competitor numbers only."""
    content = page.content()
    shown = [name for name in WORKERS if name in content]
    assert not shown, f"{page.url} shows competitors' names to a judge: {shown}"


def create_workers(org: SimpleNamespace) -> list[Worker]:
    prov = org.users.prov
    return [
        people_services.create_worker(
            actor=prov,
            scope=Scope(prov),
            data=people_services.WorkerData(
                name=name,
                id_number=make_id_number("230102", dt.date(1980 + i, 1 + i, 10 + i), 200 + i, male=i % 2 == 0),
                employer=org.harbin_employer,
                occupations=(org.lathe,),
            ),
        )
        for i, name in enumerate(WORKERS)
    ]


def create_competition(alice: Tab, org: SimpleNamespace, dialogs: list[str]) -> tuple[Competition, Event]:
    """Step 1: the competition, its event, and registration opened with the state button."""
    page = alice.page
    alice.goto("/competitions/new/")
    form = page.locator("main form")
    form.locator("#id_name").fill(COMPETITION)
    form.locator("#id_tier").select_option("city")
    form.locator("#id_kind").select_option("skills")
    form.locator("#id_organiser").select_option(label=org.harbin.name)
    form.locator("#id_committee").fill("哈尔滨市职工技能竞赛组委会")
    form.locator("#id_registration_closes_on").fill("2026-12-01")
    form.locator("#id_starts_on").fill("2026-12-08")
    form.locator("#id_ends_on").fill("2026-12-09")
    alice.shot("competition-01-new-form")
    form.get_by_role("button", name=zh("Save")).click()
    page.wait_for_url(re.compile(r"/competitions/\d+/$"))
    competition = Competition.objects.get(name=COMPETITION)
    assert (competition.organiser_id, competition.state) == (org.harbin.pk, "draft")
    expect(page.locator("#competition-state")).to_have_text(zh("Draft"))

    page.get_by_role("link", name=zh("Add event")).click()
    page.wait_for_url(alice.url(f"/competitions/{competition.pk}/events/new/"))
    form = page.locator("main form")
    form.locator("#id_name").fill(EVENT)
    form.locator("#id_occupation").select_option(label="车工")
    form.locator("#id_mode").select_option("individual")
    form.locator("#id_theory_weight").fill("30")
    form.locator("#id_practical_weight").fill("70")
    alice.shot("competition-02-event-form")
    form.get_by_role("button", name=zh("Save")).click()
    page.wait_for_url(re.compile(r"/competitions/events/\d+/$"))
    event = Event.objects.get(competition=competition)
    assert (event.name, event.occupation_id) == (EVENT, org.lathe.pk)

    move_to(alice, competition, "registration", "Registration open", "competition-03-registration-open")
    assert dialogs[-1] == zh("Move the competition to “%(label)s”?", label=zh("Registration open"))
    return competition, event


def enter_workers(staff: Tab, event: Event, workers: list[Worker]) -> None:
    """Step 2: the enterprise union's staff finds each worker in the candidate search and enters them."""
    page = staff.page
    staff.goto(f"/competitions/events/{event.pk}/")
    expect(page.locator("main h2", has_text=zh("Enter a worker of your union"))).to_be_visible()
    assert page.locator("#judges-card").count() == 0  # judges are the organiser's business
    for worker in workers:
        asked = [worker.name]
        with page.expect_response(lambda r, asked=asked: parse_qs(urlsplit(r.url).query).get("q") == asked) as found:
            page.locator("#candidate-search").fill(worker.name)
        assert found.value.status == 200
        candidate = page.locator("#candidate-list li", has_text=worker.name)
        expect(candidate).to_have_count(1)
        expect(candidate).to_contain_text(worker.id_number_masked)
        if worker == workers[0]:
            staff.shot("competition-04-candidate-search")
        submit(page, candidate.get_by_role("button", name=zh("Enter")))
        expect(alert(page, "success")).to_have_text(zh("%(name)s is entered.", name=worker.name))
    names = page.locator("#entries tbody tr td:nth-child(2)")
    expect(names).to_have_text(list(WORKERS))
    staff.shot("competition-05-six-entered")


def build_scheme(alice: Tab, event: Event) -> tuple[Aspect, Aspect]:
    """Step 3a: criterion A with a measurement aspect A1 (max 10) and a judgement aspect A2 (max 6)."""
    page = alice.page
    alice.goto(f"/competitions/events/{event.pk}/scheme/")
    criterion_form = page.locator("form:has(button[name=which][value=criterion])")
    criterion_form.locator("[name=criterion-code]").fill("A")
    criterion_form.locator("[name=criterion-name]").fill("零件加工")
    submit(page, criterion_form.get_by_role("button", name=zh("Add")))
    aspect_form = page.locator("form:has(button[name=which][value=aspect])")
    for code, description, kind, max_mark, descriptors in (
        ("A1", "外圆尺寸 φ40±0.02", "measurement", "10", []),
        ("A2", "表面质量", "judgement", "6", DESCRIPTORS),
    ):
        aspect_form.locator("[name=aspect-criterion]").select_option(label="A 零件加工")
        aspect_form.locator("[name=aspect-code]").fill(code)
        aspect_form.locator("[name=aspect-description]").fill(description)
        aspect_form.locator("[name=aspect-kind]").select_option(kind)
        aspect_form.locator("[name=aspect-max_mark]").fill(max_mark)
        for n, text in enumerate(descriptors):
            aspect_form.locator(f"[name=aspect-descriptor_{n}]").fill(text)
        submit(page, aspect_form.get_by_role("button", name=zh("Add")))
        expect(page.locator("main table tbody tr", has_text=description)).to_have_count(1)
    expect(page.locator("main table ol li")).to_have_text(DESCRIPTORS)
    alice.shot("competition-06-scheme")
    a1, a2 = (event.criteria.get().aspects.get(code=code) for code in ("A1", "A2"))
    assert (a1.kind, a1.max_mark, a2.kind, a2.max_mark) == ("measurement", 10, "judgement", 6)
    return a1, a2


def add_judges(alice: Tab, org: SimpleNamespace, judge_users: list[User]) -> dict[str, Judge]:
    """Step 3b: the Harbin pool: one judge of the competitors' employer, three from a university with log-ins."""
    page = alice.page
    alice.goto("/competitions/judges/")
    form = page.locator("main form[method=post]")
    for name, user in [(CONFLICTED, None), *zip(JUDGES, judge_users, strict=True)]:
        form.locator("#id_pool").select_option(label=org.harbin.name)
        form.locator("#id_name").fill(name)
        form.locator("#id_employer").select_option(label=org.harbin_employer.name if user is None else "---------")
        form.locator("#id_affiliation").fill("" if user is None else "哈尔滨工业大学")
        form.locator("#id_region").select_option("230100")
        form.locator("#id_occupations").select_option(label="车工")
        form.locator("#id_username").fill("" if user is None else user.username)
        submit(page, form.get_by_role("button", name=zh("Add")))
        expect(alert(page, "success")).to_have_text(zh("Judge added to the pool."))
    expect(page.locator("#judges tbody tr")).to_have_count(4)
    alice.shot("competition-07-judge-pool")
    judges = {j.name: j for j in Judge.objects.filter(pool=org.harbin)}
    assert judges[CONFLICTED].employer_id == org.harbin_employer.pk
    assert [judges[name].user for name in JUDGES] == judge_users
    return judges


def assign_judges(alice: Tab, org: SimpleNamespace, event: Event, judges: dict[str, Judge]) -> None:
    """Step 3c: the same-employer judge is refused with every reason; three are assigned, one made chief."""
    page = alice.page
    alice.goto(f"/competitions/events/{event.pk}/")
    page.locator("select[name=judge]").select_option(str(judges[CONFLICTED].pk))
    submit(page, page.locator("#assign-judge"))
    employer = org.harbin_employer.name
    reasons = " ".join(
        zh("%(name)s competes for the judge's own employer %(employer)s.", name=name, employer=employer)
        for name in WORKERS
    )
    refusal = zh("%(judge)s must step aside (回避): %(reasons)s", judge=CONFLICTED, reasons=reasons)
    assert f"{CONFLICTED}须回避" in refusal and f"{WORKERS[0]}代表裁判本人所在单位{employer}参赛" in refusal
    expect(alert(page, "danger")).to_have_text(refusal)
    expect(page.locator("#assignments")).not_to_contain_text(CONFLICTED)
    alice.shot("competition-08-judge-refused")
    for name in JUDGES:
        page.locator("select[name=judge]").select_option(str(judges[name].pk))
        submit(page, page.locator("#assign-judge"))
        expect(alert(page, "success")).to_have_text(zh("%(name)s is assigned.", name=name))
    submit(page, page.locator("#assignments tr", has_text=JUDGES[0]).get_by_role("button", name=zh("Make chief judge")))
    chiefs = page.locator("#assignments tr").filter(has=page.locator(".badge", has_text=zh("Chief judge")))
    expect(chiefs).to_have_count(1)
    expect(chiefs).to_contain_text(JUDGES[0])
    expect(page.locator("#assignments tbody tr")).to_have_count(len(JUDGES))
    alice.shot("competition-09-judges-assigned")


def start_marking(alice: Tab, competition: Competition, event: Event) -> dict[str, Entry]:
    """Step 3d: in progress (competitor numbers are drawn), then marking. Returns the entries by worker name."""
    move_to(alice, competition, "in_progress", "In progress", "competition-10-in-progress")
    entry_of = {e.worker.name: e for e in Entry.objects.filter(event=event).select_related("worker")}
    numbers = [entry_of[name].competitor_no for name in WORKERS]
    assert all(re.fullmatch(r"\d{3}", no) for no in numbers) and len(set(numbers)) == len(WORKERS), numbers
    alice.goto(f"/competitions/events/{event.pk}/")
    expect(alice.page.locator("#entries tbody tr td.mono")).to_have_text(sorted(numbers))
    alice.shot("competition-11-numbers-drawn")
    move_to(alice, competition, "marking", "Marking", "competition-12-marking")
    return entry_of


def mark_everyone(tab: Tab, j: int, event: Event, entry_of: dict[str, Entry], a1: Aspect, a2: Aspect) -> None:
    """Step 4: one judge on a tablet taps each competitor number, fills A1 and taps an A2 score."""
    page = tab.page
    mark_url = tab.url(f"/competitions/events/{event.pk}/mark/")
    if j == 0:  # the chief judge finds the event through the menu; the others follow the address
        page.locator(".navbar-toggler").tap()
        page.get_by_role("link", name=zh("My judging"), exact=True).first.tap()
        page.wait_for_url(tab.url("/competitions/judging/"))
        assignment = page.locator("main .list-group-item", has_text=f"{COMPETITION} · {EVENT}")
        expect(assignment.locator(".badge")).to_have_text(zh("Chief judge"))
        tab.shot("competition-13a-tablet-my-judging")
        assignment.get_by_role("link").tap()
        page.wait_for_url(mark_url)
    else:
        tab.goto(mark_url.removeprefix(tab.base_url))
    numbers = sorted(entry_of[name].competitor_no for name in WORKERS)
    worker_of_no = {entry_of[name].competitor_no: i for i, name in enumerate(WORKERS)}
    buttons = page.locator("#competitors a")
    expect(buttons).to_have_text(numbers)
    assert_no_names(page)
    if j == 0:
        tab.shot("competition-13b-tablet-numbers")
    for no in numbers:
        i = worker_of_no[no]
        current = tab.url(f"/competitions/events/{event.pk}/mark/?entry={entry_of[WORKERS[i]].pk}")
        if page.url != current:  # after a save the page has moved on to the next unmarked number by itself
            assert no == numbers[0], f"no auto-advance to {no}"
            buttons.filter(has_text=no).tap()
            page.wait_for_url(current)
        expect(page.locator("#mark-form h2")).to_have_text(zh("Competitor %(no)s", no=no))
        assert_no_names(page)
        page.locator(f"input[name=aspect-{a1.pk}]").fill(str(a1_mark(i)))
        page.locator(f"label[for=a{a2.pk}-{a2_score(i, j)}]").tap()
        if j == 0 and no == numbers[0]:
            tab.shot("competition-14-tablet-marking-form")
        submit(page, page.locator("#save-marks"), tap=True)
        expect(alert(page, "success")).to_have_text(zh("Marks saved for competitor %(no)s.", no=no))
    # every number is marked (outlined green) but the current one, which stays red
    expect(page.locator("#competitors a.btn-outline-success")).to_have_count(len(numbers) - 1)
    tab.shot(f"competition-15-tablet-judge{j + 1}-done")


def flagged_then_signed_off(
    chief: Tab,
    remarker: Tab,
    event: Event,
    entry_of: dict[str, Entry],
    a2: Aspect,
    judges: dict[str, Judge],
    dialogs: list[str],
) -> None:
    """Step 5: the flagged score blocks the sign-off until its judge re-marks it, with a reason."""
    flagged_entry = entry_of[WORKERS[FLAGGED]]
    page = chief.page
    chief.goto(f"/competitions/events/{event.pk}/results/")
    assert_no_names(page)
    flagged = page.locator("#marking-status td.table-danger")
    expect(flagged).to_have_count(1)
    row = page.locator("#marking-status tbody tr").filter(has=page.locator("td.table-danger"))
    expect(row.locator("td").first).to_have_text(flagged_entry.competitor_no)
    assert sorted(int(v) for v in flagged.inner_text().split("/")) == sorted(SPREAD)
    chief.shot("competition-16-chief-flagged")
    submit(page, page.locator("#sign-off"))
    assert dialogs[-1] == zh("Sign off and lock every mark of this event?")
    expect(alert(page, "danger")).to_have_text(zh("%(n)s competitors still have missing or flagged marks.", n=1))
    event.refresh_from_db()
    assert event.signed_off_at is None
    chief.shot("competition-17-sign-off-refused")

    page = remarker.page
    remarker.goto(f"/competitions/events/{event.pk}/mark/?entry={flagged_entry.pk}")
    expect(page.locator(f"#a{a2.pk}-3")).to_be_checked()
    page.locator(f"label[for=a{a2.pk}-2]").tap()
    submit(page, page.locator("#save-marks"), tap=True)
    expect(alert(page, "danger")).to_have_text(zh("Give a reason for changing a mark you already entered."))
    remarker.shot("competition-18-remark-needs-reason")
    expect(page.locator(f"#a{a2.pk}-2")).to_be_checked()  # the refused page keeps what the judge tapped
    page.locator("#reason").fill(REMARK_REASON)
    submit(page, page.locator("#save-marks"), tap=True)
    no = flagged_entry.competitor_no
    expect(alert(page, "success")).to_have_text(zh("Marks saved for competitor %(no)s.", no=no))
    expect(page.locator(f"#a{a2.pk}-2")).to_be_checked()
    remarker.shot("competition-19-remarked")
    mark = Mark.objects.get(aspect=a2, entry=flagged_entry, judge=judges[JUDGES[REMARKER]])
    assert mark.value == 2
    change = history(mark).get(action="update")
    assert (change.actor.username, change.note) == (f"referee{REMARKER}", REMARK_REASON)

    page = chief.page
    chief.goto(f"/competitions/events/{event.pk}/results/")
    expect(page.locator("#marking-status td.table-danger")).to_have_count(0)
    submit(page, page.locator("#sign-off"))
    expect(alert(page, "success")).to_have_text(zh("Marks signed off and locked."))
    expect(page.locator("main .badge", has_text=zh("Signed off"))).to_be_visible()
    assert_no_names(page)
    chief.shot("competition-20-signed-off")
    event.refresh_from_db()
    assert event.signed_off_at is not None


def publish_and_finalise(alice: Tab, competition: Competition, event: Event) -> None:
    """Step 6a: the ranking; public notice; final refused until the notice ends; final."""
    page = alice.page
    alice.goto(f"/competitions/events/{event.pk}/results/")
    expect(page.locator("#ranking tbody tr td:nth-child(3)")).to_have_text(list(WORKERS))
    alice.shot("competition-21-ranking")
    move_to(alice, competition, "notice", "Public notice", "competition-22-public-notice")
    assert competition.notice_ends_on is not None and competition.notice_ends_on > timezone.localdate()
    submit(page, state_button(page, "Final"))
    until = competition.notice_ends_on.isoformat()
    expect(alert(page, "danger")).to_have_text(zh("The public notice runs until %(date)s.", date=until))
    expect(page.locator("#competition-state")).to_have_text(zh("Public notice"))
    # The one shortcut: the notice period has passed.
    Competition.objects.filter(pk=competition.pk).update(notice_ends_on=timezone.localdate() - dt.timedelta(days=1))
    move_to(alice, competition, "final", "Final", "competition-23-final")


def issue_and_download(alice: Tab, org: SimpleNamespace, competition: Competition, tmp_path: Path) -> str:
    """Step 6b: issue the certificates, download the winner's PDF, read it. Returns the printed address."""
    page = alice.page
    page.get_by_role("link", name=zh("Certificates")).click()
    page.wait_for_url(alice.url(f"/competitions/{competition.pk}/certificates/"))
    submit(page, page.locator("#issue-certificates"))
    expect(alert(page, "success")).to_have_text(zh("%(n)s certificates issued.", n=3))  # gold, silver, bronze
    expect(page.locator("#certificates tbody tr td:nth-child(3)")).to_have_text(list(WORKERS[:3]))
    alice.shot("competition-24-certificates")
    winner = WORKERS[0]
    certificate = Certificate.objects.get(result__entry__worker__name=winner)
    link = page.locator("#certificates tbody tr", has_text=winner).get_by_role("link", name=certificate.code)
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == f"certificate-{certificate.code}.pdf"
    pdf = tmp_path / download.suggested_filename
    download.save_as(pdf)
    text = pdf_text(Path(pdf).read_bytes())
    flat = re.sub(r"\s+", "", text)  # the reader breaks lines wherever the layout does
    for expected in (winner, certificate.code, org.harbin_employer.name, COMPETITION, EVENT, "金牌"):
        assert expected in flat, f"{expected!r} not in the certificate:\n{text}"
    printed = re.search(r"https?://[A-Za-z0-9.:\-]+/verify/[0-9A-Z]+/", flat)
    assert printed, f"no verification address on the certificate:\n{text}"
    return printed.group(0)


@pytest.mark.e2e
def test_competition_from_creation_to_verified_certificate(org, open_tab, settings, live_server, tmp_path):
    settings.PUBLIC_BASE_URL = live_server.url  # what the certificate prints and its QR code encodes
    workers = create_workers(org)
    judge_users = [make_user(f"referee{n}") for n in range(len(JUDGES))]
    dialogs: list[str] = []

    def log_in(username: str, **options: object) -> Tab:
        tab = open_tab(**options)
        tab.page.on("dialog", lambda d: (dialogs.append(d.message), d.accept()))
        tab.login(username)
        return tab

    alice = log_in("alice")
    competition, event = create_competition(alice, org, dialogs)  # 1
    staff = log_in("staff")
    enter_workers(staff, event, workers)  # 2
    a1, a2 = build_scheme(alice, event)  # 3
    judges = add_judges(alice, org, judge_users)
    assign_judges(alice, org, event, judges)
    entry_of = start_marking(alice, competition, event)

    judge_tabs: list[Tab] = []  # 4
    for j, user in enumerate(judge_users):
        judge_tabs.append(log_in(user.username, **TABLET))
        mark_everyone(judge_tabs[j], j, event, entry_of, a1, a2)
    assert Mark.objects.filter(aspect__criterion__event=event).count() == 2 * len(WORKERS) * len(JUDGES)

    flagged_then_signed_off(judge_tabs[0], judge_tabs[REMARKER], event, entry_of, a2, judges, dialogs)  # 5

    publish_and_finalise(alice, competition, event)  # 6
    verify_url = issue_and_download(alice, org, competition, tmp_path)
    code = Certificate.objects.get(result__entry__worker=workers[0]).code
    assert verify_url == f"{live_server.url}/verify/{code}/"

    anonymous: Tab = open_tab()  # 7: a phone scanning the QR code, not logged in
    page = anonymous.page
    anonymous.goto(urlsplit(verify_url).path)
    verification = page.locator("#verification")
    expect(verification.locator("h2")).to_have_text(zh("This certificate is genuine and valid."))
    assert "该证书真实有效" in verification.inner_text()
    expect(verification).to_contain_text(WINNER_MASKED)
    expect(verification).to_contain_text(workers[0].id_number_masked)
    assert WORKERS[0] not in page.content()
    anonymous.shot("competition-25-verified")

    for tab in (alice, staff, *judge_tabs, anonymous):
        tab.assert_clean()
