"""The pages and API of policy and awards, as the officials and the worker use them."""

import datetime as dt
import io

import openpyxl
from django.test import Client
from django.utils import timezone

from gongjiang.api.models import ApiToken
from gongjiang.awards import services
from gongjiang.awards.models import Decision, HonourCycle, LedgerLine
from gongjiang.awards.todos import TODOS
from gongjiang.orgs.enums import RoleKind
from gongjiang.orgs.scope import Scope
from gongjiang.policy.models import PolicyDocument, Rule
from tests.conftest import make_user, pdf_text


def _sheet(response):
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def _reward(c, worker):
    return Decision.objects.get(worker=worker, kind="reward", result__event=c.province_event)


def test_policy_search_finds_chinese_words_anywhere_in_the_text(policy, org, as_user):
    client = as_user(org.users.bob)
    page = client.get("/policy/documents/", {"q": "技能大赛奖励"})  # two words, not a substring of any document
    titles = [d.title for d in page.context["page"]]
    assert titles == ["关于加强新时代高技能人才队伍建设的实施意见"]
    assert client.get("/policy/documents/", {"q": "联盟 补贴"}).context["page"][0].doc_no == "演示〔2022〕7号"
    assert list(client.get("/policy/documents/", {"q": "航天"}).context["page"]) == []
    detail = client.get(f"/policy/documents/{page.context['page'][0].pk}/").content.decode()
    assert "全国职业技能大赛前三名奖励" in detail  # the rules citing it


def test_only_the_province_writes_documents_and_rules(policy, org, as_user):
    data = {
        "doc_no": "黑工发〔2026〕9号",
        "title": "测试文件",
        "issuer": "黑龙江省总工会",
        "issued_on": "2026-01-05",
        "kind": "notice",
        "status": "in_force",
        "full_text": "第一条",
    }
    assert as_user(org.users.alice).post("/policy/documents/new/", data).status_code == 403
    response = as_user(org.users.prov).post("/policy/documents/new/", data)
    document = PolicyDocument.objects.get(doc_no="黑工发〔2026〕9号")
    assert response.status_code == 302 and response["Location"] == f"/policy/documents/{document.pk}/"
    again = as_user(org.users.prov).post("/policy/documents/new/", data)
    assert "已经登记" in again.content.decode()


def test_a_new_rule_version_through_the_form(policy, org, as_user):
    rule = Rule.objects.get(code="reward-provincial1-top3")
    client = as_user(org.users.prov)
    form = client.get(f"/policy/rules/{rule.pk}/new-version/")
    # one amount field a rank, labelled in words (issue 11: no "1=20000, 2=20000" syntax to learn)
    fields = form.context["form"]
    assert [fields[f"rank_{r}"].value() for r in range(1, 6)] == ["20000.00", "20000.00", "20000.00", None, None]
    assert "第1名金额（元）" in form.content.decode() and "1=20000" not in form.content.decode()
    start = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    post = {
        "name": rule.name,
        "document": rule.document_id,
        "clause": "第三条",
        "effective_from": start,
        "programme": rule.programme_id,
        "t_tier": "provincial_1",
        "rank_1": "30,000",
        "rank_2": "abc",
        "t_ceiling": "on",
        "t_workers_only": "on",
        "t_in_province": "23",
    }
    bad = client.post(f"/policy/rules/{rule.pk}/new-version/", post)
    assert bad.status_code == 200 and "不是有效的金额" in bad.content.decode()
    assert Rule.objects.filter(code=rule.code).count() == 1
    ok = client.post(f"/policy/rules/{rule.pk}/new-version/", post | {"rank_2": "25000", "rank_3": ""})
    new = Rule.objects.get(code=rule.code, version=2)
    assert ok["Location"] == f"/policy/rules/{new.pk}/"
    assert new.terms["ranks"] == {"1": "30000.00", "2": "25000.00"}
    rule.refresh_from_db()
    assert rule.effective_to == dt.date.fromisoformat(start) - dt.timedelta(days=1)


def test_review_approve_and_pay_through_the_pages(awarded, as_user):
    prov, prov2 = awarded.users.prov, awarded.prov2
    reward = _reward(awarded, awarded.harbin_worker)
    page = as_user(prov).get(f"/awards/decisions/{reward.pk}/").content.decode()
    assert "演示〔2023〕1号 第三条" in page and "最高20,000.00元" in page
    # Alice sees the decision about her worker, but may not review the province's competition
    assert as_user(awarded.users.alice).get(f"/awards/decisions/{reward.pk}/").status_code == 200
    assert (
        as_user(awarded.users.alice).post(f"/awards/decisions/{reward.pk}/", {"verdict": "accept"}).status_code == 403
    )
    response = as_user(prov).post(f"/awards/decisions/{reward.pk}/", {"verdict": "adjust", "amount": "abc"})
    assert response.status_code == 302
    as_user(prov).post(f"/awards/decisions/{reward.pk}/", {"verdict": "accept"})
    line = LedgerLine.objects.get(decision=reward)
    url = f"/awards/ledger/{line.pk}/"
    as_user(prov).post(url, {"action": "approve"})
    line.refresh_from_db()
    assert line.state == "proposed"  # the proposer may not approve
    as_user(prov2).post(url, {"action": "approve"})
    refused = as_user(prov2).post(url, {"action": "pay", "payment_ref": "GK-1"}, follow=True).content.decode()
    assert "审批支付的人不能同时办理支付" in refused
    as_user(prov).post(url, {"action": "pay", "payment_ref": "GK-1"})
    line.refresh_from_db()
    assert (line.state, line.payment_ref) == ("paid", "GK-1")
    # the worker sees the award on their own page
    worker_user = make_user("wangtiejun", awarded.daoli, RoleKind.WORKER)
    awarded.harbin_worker.user = worker_user
    awarded.harbin_worker.save()
    me = as_user(worker_user).get("/people/me/").content.decode()
    assert "20,000.00 元" in me and "已支付" in me and "演示〔2023〕1号" in me


def test_ledger_export_report_and_pdf(awarded, as_user):
    prov, prov2 = awarded.users.prov, awarded.prov2
    for worker in (awarded.harbin_worker, awarded.qiqihar_worker):
        services.review_decision(actor=prov, scope=Scope(prov), decision=_reward(awarded, worker), verdict="accept")
    line = LedgerLine.objects.get(worker=awarded.harbin_worker)
    services.approve_line(actor=prov2, scope=Scope(prov2), line=line)
    services.pay_line(actor=prov, scope=Scope(prov), line=line, payment_ref="GK-7")
    client = as_user(prov)
    sheet = _sheet(client.get("/awards/ledger/?fmt=xlsx"))
    rows = list(sheet.values)
    assert len(rows) == 3 and "GK-7" in [str(c) for c in rows[1] + rows[2]]
    report = client.get("/awards/report/").context["rows"]
    assert {(r.area, r.lines, r.proposed, r.paid) for r in report} == {
        ("哈尔滨市总工会", 1, 0, 20000),
        ("齐齐哈尔市总工会", 1, 20000, 0),
    }
    # Bob's report holds only Qiqihar
    assert [r.area for r in as_user(awarded.users.bob).get("/awards/report/").context["rows"]] == ["齐齐哈尔市总工会"]
    pdf = client.get("/awards/report/?fmt=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content).replace(" ", "")
    assert "竞赛奖励" in text and "哈尔滨市总工会" in text and "演示〔2023〕1号" in text
    assert "预算使用" in text and "1,000,000.00元" in text  # budget use, for the province only
    budgets = _sheet(client.get("/awards/budgets/?fmt=xlsx"))
    assert ("竞赛奖励", timezone.localdate().year) in [tuple(r[:2]) for r in budgets.values]
    decisions = _sheet(client.get("/awards/decisions/?state=&fmt=xlsx"))
    assert len(list(decisions.values)) == 5  # a header and four decisions, each with its reason


def test_honour_pages_notice_and_showcase(awarded, as_user):
    prov, alice = awarded.users.prov, awarded.users.alice
    rule = Rule.objects.get(code="honour-technical-expert")
    closes = timezone.localdate() + dt.timedelta(days=10)
    response = as_user(prov).post(
        "/awards/honours/",
        {"rule": rule.pk, "year": timezone.localdate().year, "nominations_close_on": closes.isoformat()},
    )
    cycle = HonourCycle.objects.get(rule=rule)
    assert response["Location"] == f"/awards/honours/{cycle.pk}/"
    as_user(prov).post(f"/awards/honours/{cycle.pk}/allocate/", {"union": awarded.harbin.pk, "quota": 3})
    expert = make_user("expert")
    cycle.reviewers.add(expert)
    form = as_user(alice).get(f"/awards/honours/{cycle.pk}/nominate/", {"q": "王"})
    assert [w.name for w in form.context["candidates"]] == ["王铁军"]
    as_user(alice).post(
        f"/awards/honours/{cycle.pk}/nominate/",
        {"allocation": cycle.allocations.get().pk, "worker": awarded.harbin_worker.pk, "statement": "技术革新十项"},
    )
    nomination = cycle.nominations.get()
    assert as_user(awarded.users.bob).get(f"/awards/nominations/{nomination.pk}/").status_code == 404
    as_user(prov).post(f"/awards/honours/{cycle.pk}/advance/", {"to": "reviewing"})
    as_user(expert).post(f"/awards/nominations/{nomination.pk}/action/", {"action": "review", "score": "92"})
    as_user(prov).post(f"/awards/honours/{cycle.pk}/advance/", {"to": "notice"})
    notice = Client().get(f"/awards/honours/{cycle.pk}/notice/").content.decode()
    assert "王*军" in notice and "王铁军" not in notice and "技术革新十项" in notice
    HonourCycle.objects.filter(pk=cycle.pk).update(notice_ends_on=timezone.localdate() - dt.timedelta(days=1))
    as_user(prov).post(f"/awards/nominations/{nomination.pk}/action/", {"action": "approve"})
    nomination.refresh_from_db()
    assert nomination.state == "approved"
    roll = Client().get("/awards/showcase/").content.decode()
    assert "龙江技术能手" in roll and "王铁军" in roll


def test_api_review_and_ledger(awarded):
    prov, prov2 = awarded.users.prov, awarded.prov2

    def client(user):
        _token, raw = ApiToken.issue(user=user, name="t")
        return Client(headers={"Authorization": f"Bearer {raw}"})

    reward = _reward(awarded, awarded.harbin_worker)
    body = client(prov).get("/api/decisions").json()
    assert {d["worker_name"] for d in body["items"]} == {"王铁军", awarded.qiqihar_worker.name}
    response = client(prov).post(
        f"/api/decisions/{reward.pk}/review", {"verdict": "adjust", "amount": "99999"}, content_type="application/json"
    )
    assert response.status_code == 422
    response = client(prov).post(
        f"/api/decisions/{reward.pk}/review", {"verdict": "accept"}, content_type="application/json"
    )
    assert response.json()["amount"] == "20000.00"
    line = LedgerLine.objects.get(decision=reward)
    path = f"/api/ledger/{line.pk}/actions"
    assert client(prov).post(path, {"action": "approve"}, content_type="application/json").status_code == 422
    assert (
        client(prov2).post(path, {"action": "approve"}, content_type="application/json").json()["state"] == "approved"
    )
    paid = client(prov).post(path, {"action": "pay", "payment_ref": "API-1"}, content_type="application/json")
    assert paid.json()["state"] == "paid"
    alice_view = client(awarded.users.alice).get("/api/ledger").json()["items"]
    assert [i["payee"] for i in alice_view] == ["王铁军"]
    rules = client(awarded.users.bob).get("/api/policy/rules?kind=reward").json()["items"]
    assert {r["doc_no"] for r in rules} == {"演示〔2023〕1号"}


def test_lists_cost_the_same_queries_for_one_row_as_for_three(awarded, as_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    prov = awarded.users.prov
    _token, raw = ApiToken.issue(user=prov, name="q")
    urls = ["/awards/decisions/?state=accepted", "/awards/ledger/", "/api/decisions?state=accepted", "/api/ledger"]

    def counts():
        out = []
        for url in urls:
            client = as_user(prov)  # signing in (and its second factor) is not the page's cost
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url, headers={"Authorization": f"Bearer {raw}"})
            assert response.status_code == 200, url
            out.append(len(ctx.captured_queries))
        return out

    decisions = list(Decision.objects.order_by("kind", "pk"))  # two rewards, then two titles
    services.review_decision(actor=prov, scope=Scope(prov), decision=decisions[0], verdict="accept")
    one = counts()
    for d in decisions[1:3]:
        services.review_decision(actor=prov, scope=Scope(prov), decision=d, verdict="accept")
    assert counts() == one


def test_the_home_page_says_what_waits_for_each_official(awarded, as_user):
    prov, prov2 = awarded.users.prov, awarded.prov2

    awards = {t.key for t in TODOS}

    def todo(user):  # the awards' to-dos (other apps add their own)
        return {k: n for k, n in as_user(user).get("/").context["items"] if k in awards}

    assert todo(prov) == {"review": 4}
    assert todo(awarded.users.alice) == {}  # Harbin watches the province's proposals; it does not review them
    services.review_decision(
        actor=prov, scope=Scope(prov), decision=_reward(awarded, awarded.harbin_worker), verdict="accept"
    )
    assert todo(prov) == {"review": 3}  # the proposer is not asked to approve his own line
    assert todo(prov2) == {"review": 3, "approve": 1}
    services.approve_line(actor=prov2, scope=Scope(prov2), line=LedgerLine.objects.get())
    assert todo(prov) == {"review": 3, "pay": 1}
    assert todo(prov2) == {"review": 3}
    page = as_user(prov).get("/").content.decode()
    assert "已审批待支付" in page and 'href="/awards/ledger/?state=approved&amp;todo=pay"' in page


def test_rule_pages_count_each_rules_decisions(awarded, as_user):
    """The rule list and a rule's versions count the decisions citing each rule (a correlated count
    per rule, issue 17), none for a rule nothing cited, and list every rule once."""
    from django.db.models import Count

    client = as_user(awarded.users.prov)
    expected = dict(Rule.objects.annotate(n=Count("decisions")).values_list("pk", "n"))
    assert sum(expected.values()) == Decision.objects.count() > 0 and 0 in expected.values()
    rules = client.get("/policy/rules/").context["rules"]
    assert {r.pk: r.decision_count for r in rules} == expected and len(rules) == len(expected)
    cited = Decision.objects.values_list("rule", flat=True).first()
    versions = client.get(f"/policy/rules/{cited}/").context["versions"]
    assert {v.pk: v.decision_count for v in versions} == {v.pk: expected[v.pk] for v in versions}
