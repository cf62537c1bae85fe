"""Issue 13 §1: a finance role (approves and pays ledger lines, reads budgets and reports, nothing
else) and a read-only leadership role (reads its subtree, writes nothing)."""

from decimal import Decimal

import pytest

from gongjiang.awards import services as awards
from gongjiang.awards.models import LedgerLine
from gongjiang.orgs import rules
from gongjiang.orgs.enums import RoleKind
from gongjiang.orgs.scope import Scope
from gongjiang.policy.models import Programme
from tests.conftest import make_user

WRITES = {c for c in vars(rules).values() if isinstance(c, str) and not c.startswith("view_")} - {rules.VIEW_PII}


def test_capabilities():
    assert rules.CAPABILITIES[RoleKind.FINANCE] == {rules.APPROVE_PAYMENTS, rules.VIEW_AWARDS}
    leadership = rules.CAPABILITIES[RoleKind.LEADERSHIP]
    assert leadership and all(c.startswith("view_") for c in leadership)
    assert rules.VIEW_PII not in leadership


@pytest.fixture
def finance_and_leaders(org, policy):
    org.users.caiwu = make_user("caiwu", org.province, RoleKind.FINANCE)
    org.users.lingdao = make_user("lingdao", org.harbin, RoleKind.LEADERSHIP)
    return org


def test_finance_approves_and_pays_a_line(finance_and_leaders, as_user):
    org = finance_and_leaders
    prov, caiwu = org.users.prov, org.users.caiwu
    line = LedgerLine.objects.create(
        programme=Programme.objects.get(code="competition-rewards"),
        year=2026,
        union=org.daoli,
        worker=org.harbin_worker,
        payee=org.harbin_worker.name,
        amount=Decimal("100"),
        reason="x",
        proposed_by=prov,
    )
    from gongjiang.awards.models import Budget

    Budget.objects.get_or_create(programme=line.programme, year=2026, defaults={"amount": Decimal("1000")})
    approved = awards.approve_line(actor=caiwu, scope=Scope(caiwu), line=line)
    assert approved.state == "approved"
    client = as_user(caiwu)
    for url in ("/awards/ledger/", f"/awards/ledger/{line.pk}/", "/awards/budgets/", "/awards/report/"):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "url",
    [
        "/people/workers/",
        "/people/workers/new/",
        "/orgs/employers/new/",
        "/orgs/accounts/",
        "/imports/",
        "/competitions/new/",
        "/policy/documents/new/",
    ],
)
def test_finance_reaches_nothing_else(finance_and_leaders, as_user, url):
    assert as_user(finance_and_leaders.users.caiwu).get(url).status_code in {403, 404}


def test_leadership_reads_its_subtree(finance_and_leaders, as_user):
    org = finance_and_leaders
    client = as_user(org.users.lingdao)
    for url in (
        "/people/workers/",
        f"/people/workers/{org.harbin_worker.pk}/",
        "/orgs/employers/",
        "/orgs/unions/",
        "/stats/",
        "/awards/decisions/",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get(f"/people/workers/{org.qiqihar_worker.pk}/").status_code == 404


@pytest.mark.parametrize(
    "method,url",
    [
        ("get", "/people/workers/new/"),
        ("post", "/people/workers/new/"),
        ("get", "/orgs/employers/new/"),
        ("post", "/imports/"),
        ("get", "/orgs/accounts/"),
        ("get", "/awards/budgets/"),
        ("post", "/awards/budgets/"),
    ],
)
def test_leadership_writes_nothing(finance_and_leaders, as_user, method, url):
    response = getattr(as_user(finance_and_leaders.users.lingdao), method)(url)
    assert response.status_code in {403, 404}, (method, url, response.status_code)


def test_leadership_sees_no_unmasked_identifier(finance_and_leaders, as_user):
    org = finance_and_leaders
    client = as_user(org.users.lingdao)
    worker = org.harbin_worker
    assert client.post(f"/people/workers/{worker.pk}/reveal/id_number/").status_code == 403
    assert client.get(f"/people/workers/{worker.pk}/edit/").status_code == 403


def test_finance_exists_only_at_the_province(org):
    from gongjiang.orgs import services
    from gongjiang.orgs.services import OrgError

    with pytest.raises(OrgError):
        services.grant_role(actor=None, scope=None, user=org.users.charlie, union=org.harbin, kind=RoleKind.FINANCE)
    services.grant_role(actor=None, scope=None, user=org.users.charlie, union=org.province, kind=RoleKind.FINANCE)
