"""The policy-and-ledger acceptance flow, through real pages.

A provincial competition becomes final under DOMAIN.md's rules (plus a promotion rule for this
test); the provincial official sees the reward proposal with its reason and accepts it and the
promotion; a second official approves the payment and is refused when he also tries to pay it;
the first official pays; the worker, on a phone, sees the award and the promotion on their page.

Set up in the database: the competition up to final (tests/competitions/conftest.py), the
promotion rule, the second official, and the worker's log-in.
"""

import datetime as dt

import pytest
from playwright.sync_api import expect

from gongjiang.awards.models import Decision, LedgerLine
from gongjiang.orgs.enums import RoleKind
from gongjiang.policy import services as policy_services
from gongjiang.policy.models import PolicyDocument
from tests.competitions.conftest import final, marked  # noqa: F401  (fixtures)
from tests.conftest import make_user

from .conftest import zh

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def promotion_rule(policy):
    return policy_services.add_rule_version(
        actor=None,
        scope=None,
        code="promote-provincial1-top2",
        kind="promotion",
        name="省级一类竞赛前二名晋升技师",
        document=PolicyDocument.objects.get(doc_no="演示〔2023〕1号"),
        clause="第五条",
        effective_from=dt.date(2023, 3, 1),
        terms={"tier": "provincial_1", "rank_max": 2, "grade": 5, "step_if_held": True, "cap": 6},
    )


def test_reward_from_result_to_payment_and_the_workers_page(promotion_rule, final, open_tab):  # noqa: F811
    c = final
    make_user("caiwu", c.province, RoleKind.PROVINCE_ADMIN)  # the second official
    worker_user = make_user("wangtiejun", c.daoli, RoleKind.WORKER)
    c.harbin_worker.user = worker_user
    c.harbin_worker.save()
    reward = Decision.objects.get(worker=c.harbin_worker, kind="reward")
    promotion = Decision.objects.get(worker=c.harbin_worker, kind="promotion")

    # 1. the provincial official: the proposal, its reason, accepted; the promotion accepted too
    official = open_tab()
    official.login("prov")
    official.goto("/awards/decisions/")
    official.page.get_by_role("link", name="王铁军").first.wait_for()
    official.shot("awards-1-proposals")
    official.goto(f"/awards/decisions/{reward.pk}/")
    reason = official.page.locator("#reason")
    expect(reason).to_contain_text("演示〔2023〕1号 第三条")
    expect(reason).to_contain_text("20,000.00")
    official.shot("awards-2-proposal-with-reason")
    with official.page.expect_navigation():
        official.page.get_by_role("button", name=zh("Accept"), exact=True).click()
    expect(official.page.locator("#granted")).to_contain_text("20,000.00 元")
    official.goto(f"/awards/decisions/{promotion.pk}/")
    expect(official.page.locator("#reason")).to_contain_text("技师")
    with official.page.expect_navigation():
        official.page.get_by_role("button", name=zh("Accept"), exact=True).click()
    line = LedgerLine.objects.get(decision=reward)

    # 2. the second official approves, and may not also pay
    approver = open_tab()
    approver.login("caiwu")
    approver.goto(f"/awards/ledger/{line.pk}/")
    with approver.page.expect_navigation():
        approver.page.locator("#approve").click()
    expect(approver.page.locator("#line-state")).to_have_text(zh("Approved", context="payment"))
    approver.page.get_by_placeholder(zh("Payment reference")).fill("GK2026-0001")
    with approver.page.expect_navigation():
        approver.page.locator("#pay").click()
    expect(approver.page.locator(".alert-danger").first).to_contain_text(
        zh("The person who approved a payment cannot also pay it.")
    )
    approver.shot("awards-3-approver-cannot-pay")
    line.refresh_from_db()
    assert line.state == "approved"

    # 3. the first official pays
    official.goto(f"/awards/ledger/{line.pk}/")
    official.page.get_by_placeholder(zh("Payment reference")).fill("GK2026-0001")
    with official.page.expect_navigation():
        official.page.locator("#pay").click()
    expect(official.page.locator("#line-state")).to_have_text(zh("Paid"))
    expect(official.page.locator("#paid-by")).to_contain_text("GK2026-0001")
    official.shot("awards-4-paid")

    # 4. the worker, on a phone: the award and the promotion
    phone = open_tab(**PHONE)
    phone.login("wangtiejun")
    phone.goto("/people/me/")
    awards = phone.page.locator("#my-awards")
    expect(awards).to_contain_text("20,000.00 元")
    expect(awards).to_contain_text(zh("Paid"))
    promoted = phone.page.locator("li", has_text="车工 · 技师（二级）")
    expect(promoted).to_contain_text(zh("Competition promotion"))
    expect(promoted).to_contain_text("演示〔2023〕1号 第五条")
    phone.shot("awards-5-worker-phone")
    for tab in (official, approver, phone):
        tab.assert_clean()
