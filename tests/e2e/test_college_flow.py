"""The colleges acceptance flow, through real pages.

A college admin derives a course from a competition event's marking scheme and opens a class of 20
places; the employer's union staff enrols 25 workers: 20 get places and 5 wait; one withdraws and the
first on the waiting list moves up; attendance is taken on a tablet, the assessment entered; the class
finishes with 18 completions whose certificates verify on the public page; a trainee on a phone sees
the class and downloads the certificate.

Set up in the database, as the UI does not offer it here: the event's marking scheme (the organiser's
work), the college and its admin's link, the 25 workers, and the trainee's log-in.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from gongjiang.colleges import services
from gongjiang.colleges.models import Cohort, CompletionCertificate, Course, Enrolment
from gongjiang.competitions import marking
from gongjiang.orgs import services as org_services
from gongjiang.orgs.enums import RoleKind
from gongjiang.orgs.scope import Scope
from tests.colleges.conftest import make_workers
from tests.conftest import make_user, pdf_text

from .conftest import Tab, zh

TABLET = {"viewport": {"width": 820, "height": 1180}, "has_touch": True, "is_mobile": True}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
COLLEGE = "哈尔滨装备制造业工匠学院"
COURSE = "数控车工赛项标准课程"
CLASS = "数控车工赛项标准课程第一期"
ABSENT = 7  # misses the first session: 6 of 12 hours
FAILED = 9  # scores 50
TRAINEE = 5  # has a log-in and completes


def submit(page: Page, control) -> None:
    with page.expect_navigation():
        control.click()


def success(page: Page):
    return page.locator("main > .alert-success")


def setup(org):
    alice = org.users.alice
    scope = Scope(alice)
    for code, name in (("A", "工艺规范"), ("B", "尺寸精度"), ("C", "安全文明生产")):
        marking.add_criterion(actor=alice, scope=scope, event=org.harbin_event, code=code, name=name)
    college = services.save_college(
        actor=alice, scope=scope, fields={"name": COLLEGE, "industry": "装备制造", "union": org.harbin}
    )
    admin = make_user("xueyuan_hrb", org.harbin, RoleKind.COLLEGE_ADMIN)
    services.add_staff(actor=alice, scope=scope, college=college, user=admin)
    workers = make_workers(org, 25, name="学员")
    trainee = workers[TRAINEE]
    user = make_user("xueyuan05")
    org_services.grant_role(actor=None, scope=None, user=user, union=org.harbin_employer.union, kind=RoleKind.WORKER)
    trainee.user = user
    trainee.save(update_fields=["user"])
    return college, workers


def derive_course(tab: Tab, org, college) -> Course:
    page = tab.page
    tab.goto(f"/colleges/{college.pk}/")
    page.locator("#derive-course").click()
    page.wait_for_url(tab.url(f"/colleges/{college.pk}/courses/derive/"))
    form = page.locator("#college-form")
    form.locator("#id_event").select_option(str(org.harbin_event.pk))
    form.locator("#id_title").fill(COURSE)
    form.locator("#id_hours_per_unit").fill("4")
    tab.shot("college-01-derive-form")
    submit(page, form.get_by_role("button", name=zh("Save")))
    expect(success(page)).to_have_text(zh("Course derived from the marking scheme: one unit per criterion."))
    rows = page.locator("#units tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(1)).to_contain_text("B 尺寸精度")
    expect(rows.nth(1).locator(".badge")).to_have_text("B 尺寸精度")
    expect(page.locator("#lineage")).to_contain_text(org.harbin_event.name)
    tab.shot("college-02-course-units")
    return Course.objects.get(title=COURSE)


def open_class(tab: Tab, course: Course) -> Cohort:
    page = tab.page
    page.locator("#open-class").click()
    form = page.locator("#college-form")
    expect(form.locator("#id_required_hours")).to_have_value("12")  # the course's hours
    form.locator("#id_name").fill(CLASS)
    form.locator("#id_starts_on").fill("2026-12-07")
    form.locator("#id_ends_on").fill("2026-12-08")
    form.locator("#id_place").fill("哈尔滨职业技术学院实训楼")
    form.locator("#id_capacity").fill("20")
    submit(page, form.get_by_role("button", name=zh("Save")))
    expect(success(page)).to_have_text(zh("Class opened for enrolment. Add its sessions."))
    cohort = Cohort.objects.get(name=CLASS)
    assert (cohort.capacity, cohort.state) == (20, "open")
    for day, topic in (("2026-12-07", "工艺规范与尺寸精度"), ("2026-12-08", "安全文明生产与考核")):
        page.locator("summary", has_text=zh("Add a session")).click()
        form = page.locator("form[action$='/sessions/new/']")
        form.locator("#id_day").fill(day)
        form.locator("#id_starts_at").fill("08:30")
        form.locator("#id_hours").fill("6")
        form.locator("#id_topic").fill(topic)
        submit(page, form.get_by_role("button", name=zh("Add")))
        expect(success(page)).to_have_text(zh("Session added."))
    expect(page.locator("#sessions tbody tr")).to_have_count(2)
    tab.shot("college-03-class-opened")
    return cohort


def enrol_25(tab: Tab, cohort: Cohort, workers) -> None:
    page = tab.page
    tab.goto(f"/colleges/classes/{cohort.pk}/")
    page.locator("#enrol-workers").click()
    page.wait_for_url(tab.url(f"/colleges/classes/{cohort.pk}/enrol/"))
    for worker in workers:
        page.locator(f"#w{worker.pk}").check()
    tab.shot("college-04-bulk-enrol")
    submit(page, page.locator("#enrol-chosen"))
    expect(success(page)).to_have_text(
        zh("%(places)s enrolled, %(waiting)s on the waiting list.", places=20, waiting=5)
    )
    expect(page.locator("#trainees tbody tr")).to_have_count(20)
    expect(page.locator("#waiting tbody tr")).to_have_count(5)
    expect(page.locator("#waiting tbody tr").first).to_contain_text(workers[20].name)
    tab.shot("college-05-full-with-waiting-list")


def withdraw_one(tab: Tab, workers) -> None:
    page = tab.page
    row = page.locator("#trainees tbody tr", has_text=workers[1].name)
    row.locator("input[name=reason]").fill("单位生产任务冲突")
    submit(page, row.get_by_role("button", name=zh("Leave the class")))
    expect(page.locator("main > .alert-info")).to_have_text(zh("The first on the waiting list has moved up."))
    expect(page.locator("#trainees tbody tr")).to_have_count(20)
    moved = page.locator("#trainees tbody tr", has_text=workers[20].name)
    expect(moved).to_contain_text(zh("moved up"))
    waiting = page.locator("#waiting tbody tr")
    expect(waiting).to_have_count(4)
    expect(waiting.first).to_contain_text(workers[21].name)
    expect(waiting.first.locator("td").first).to_have_text("1")
    tab.shot("college-06-moved-up")


def take_attendance_and_assess(tablet: Tab, cohort: Cohort, workers) -> None:
    page = tablet.page
    tablet.goto(f"/colleges/classes/{cohort.pk}/")
    submit(page, page.locator("button[name=to][value=running]"))
    expect(page.locator("#cohort-state")).to_have_text(zh("Training under way"))
    for index in range(2):
        page.locator("#sessions tbody tr").nth(index).get_by_role("link", name=zh("Take attendance")).click()
        page.locator("#attendance-form").wait_for()
        if index == 0:
            tiles = page.locator(".attendance-tile")
            expect(tiles).to_have_count(20)
            page.get_by_role("button", name=zh("None present")).tap()
            expect(page.locator("input[name=present]:checked")).to_have_count(0)
            page.get_by_role("button", name=zh("All present")).tap()
            page.locator(".attendance-tile", has_text=workers[ABSENT].name).tap()  # a tap on the tile toggles it
            expect(page.locator("input[name=present]:checked")).to_have_count(19)
            tablet.shot("college-07-attendance-tablet")
        submit(page, page.locator("#save-attendance"))
        expect(success(page)).to_have_text(zh("Attendance saved: %(count)s present.", count=19 if index == 0 else 20))
    page.locator("#assessment-link").click()
    form = page.locator("#assessment-form")
    for enrolment in Enrolment.objects.filter(cohort=cohort, status="enrolled").select_related("worker"):
        score = "50" if enrolment.worker_id == workers[FAILED].pk else "85"
        form.locator(f"input[name=score_{enrolment.pk}]").fill(score)
    tablet.shot("college-08-assessment")
    submit(page, page.locator("#save-scores"))
    expect(success(page)).to_have_text(zh("Scores saved."))
    submit(page, page.locator("button[name=to][value=finished]"))
    expect(page.locator("#cohort-state")).to_have_text(zh("Finished"))
    submit(page, page.locator("#issue-certificates"))
    expect(success(page)).to_have_text(zh("%(count)s certificates issued.", count=18))
    absent = page.locator("#trainees tbody tr", has_text=workers[ABSENT].name)
    expect(absent).to_contain_text(zh("Not completed"))
    expect(page.locator("#trainees .certificate-link")).to_have_count(18)
    tablet.shot("college-09-finished-certificates")


@pytest.mark.e2e
def test_college_class_from_marking_scheme_to_verified_certificate(contest, open_tab, tmp_path):
    org = contest
    college, workers = setup(org)
    admin = open_tab()
    admin.login("xueyuan_hrb")
    course = derive_course(admin, org, college)
    cohort = open_class(admin, course)

    staff = open_tab()
    staff.login("staff")
    enrol_25(staff, cohort, workers)
    withdraw_one(staff, workers)
    assert Enrolment.objects.filter(cohort=cohort, status="enrolled").count() == 20

    tablet = open_tab(**TABLET)
    dialogs: list[str] = []
    tablet.page.on("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    tablet.login("xueyuan_hrb")
    take_attendance_and_assess(tablet, cohort, workers)
    assert dialogs == [
        zh(
            "Finish the class? Completions are recorded from the attendance and scores, and the class can no longer change."
        )
    ]
    assert CompletionCertificate.objects.filter(completion__enrolment__cohort=cohort).count() == 18
    completed = set(
        CompletionCertificate.objects.filter(completion__enrolment__cohort=cohort).values_list(
            "completion__worker__name", flat=True
        )
    )
    assert workers[ABSENT].name not in completed and workers[FAILED].name not in completed
    assert workers[1].name not in completed and workers[20].name in completed

    # anyone verifies a certificate at its printed address and sees the name masked
    certificate = CompletionCertificate.objects.get(completion__worker=workers[TRAINEE])
    public = open_tab()
    public.goto(f"/verify/{certificate.code}/")
    card = public.page.locator("#verification")
    expect(card).to_contain_text(zh("This certificate is genuine and valid."))
    expect(card).to_contain_text(COLLEGE)
    assert workers[TRAINEE].name not in public.page.content()
    public.shot("college-10-verified")

    # the trainee on a phone sees the class and the certificate
    phone = open_tab(**PHONE)
    phone.login("xueyuan05")
    phone.goto("/colleges/mine/")
    page = phone.page
    classes = page.locator("#my-classes .list-group-item")
    expect(classes).to_have_count(1)
    expect(classes.first).to_contain_text(CLASS)
    link = classes.first.locator(".my-certificate")
    expect(link).to_contain_text(certificate.code)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.shot("college-11-phone-my-training")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    pdf = tmp_path / download.suggested_filename
    download.save_as(pdf)
    text = pdf_text(Path(pdf).read_bytes())
    assert "结业证书" in text and certificate.code in text and workers[TRAINEE].name in text
    phone.goto(f"/colleges/classes/{cohort.pk}/")
    expect(page.locator("#my-enrolment")).to_contain_text(certificate.code)
    # a worker sees their own place in the class and no list of the other trainees
    assert re.findall(r"学员\d\d", page.locator("main").inner_text()) == []
    assert page.locator("#trainees").count() == 0
    phone.shot("college-12-phone-class")
    for tab in (admin, staff, tablet, public, phone):
        tab.assert_clean()
