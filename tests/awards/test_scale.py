"""Awards at province scale (issue 17): the province's officials read the ledger and the decisions
without the reach filter, only when their roles hold every top union; the ledger totals one
budget year; the home page counts every to-do in one query, each as its list counts it."""

import importlib
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Sum
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongjiang.awards.models import Decision, LedgerLine
from gongjiang.awards.queries import (
    CityNewestLines,
    ReachNewestLines,
    decisions_for,
    ledger_rows,
    lines_for,
    programmes_for,
    reaches_everywhere,
)
from gongjiang.core.pagination import NewestOfBranches
from gongjiang.core.plugins import cached_contributions
from gongjiang.core.todolist import waiting_for
from gongjiang.orgs import services as org_services
from gongjiang.orgs.enums import RoleKind, UnionKind
from gongjiang.orgs.models import Role
from gongjiang.orgs.queries import cities_of, own_cities, reach_cities
from gongjiang.orgs.rules import APPROVE_PAYMENTS, MANAGE_FUNDS, REVIEW_AWARDS, VIEW_AWARDS
from gongjiang.orgs.scope import Scope
from gongjiang.orgs.services import OrgError
from gongjiang.policy.models import Programme
from tests.conftest import make_user


def _line(programme, union, year, amount, state, by) -> LedgerLine:
    return LedgerLine.objects.create(
        programme=programme,
        year=year,
        union=union,
        payee="测试",
        amount=Decimal(amount),
        state=state,
        reason="测试",
        proposed_by=by,
    )


@pytest.fixture
def lines(org):
    programme = Programme.objects.create(code="test-reward", name="测试奖励", kind="reward")
    this_year = timezone.localdate().year
    by = make_user("proposer")
    org.lines = [
        _line(programme, org.harbin, this_year, "100", "proposed", by),
        _line(programme, org.daoli, this_year, "20", "proposed", by),
        _line(programme, org.qiqihar, this_year - 1, "5000", "proposed", by),
        _line(programme, org.qiqihar, this_year, "7", "rejected", by),
    ]
    org.programme = programme
    org.this_year = this_year
    return org


def test_the_province_reads_every_line_without_the_reach_filter(lines):
    scope = Scope(lines.users.prov)
    assert reaches_everywhere(scope, VIEW_AWARDS) and reaches_everywhere(scope, APPROVE_PAYMENTS)
    assert "orgs_unionancestor" not in str(lines_for(scope).query)
    assert set(lines_for(scope)) == set(lines.lines)
    assert set(programmes_for(scope)) == set(Programme.objects.all())
    city = Scope(lines.users.alice)
    assert not reaches_everywhere(city, VIEW_AWARDS)
    assert set(lines_for(city)) == {lines.lines[0], lines.lines[1]}


def test_a_second_top_union_keeps_the_reach_filter(lines, policy):
    """With another top union (a second province's tree) the province's officials keep the filter,
    and the other tree's lines stay out of their ledger."""
    other = org_services.create_union(
        actor=None, name="另一个省总工会", kind=UnionKind.PROVINCE, region=lines.province.region, parent=None
    )
    theirs = Programme.objects.create(code="other-reward", name="另一个省的奖励", kind="reward", owner=other)
    outside = _line(theirs, other, lines.this_year, "1", "approved", lines.users.prov)
    scope = Scope(lines.users.prov)
    assert not reaches_everywhere(scope, VIEW_AWARDS)
    assert outside not in set(lines_for(scope))
    assert set(lines_for(scope)) == set(lines.lines)
    assert theirs not in set(programmes_for(scope))
    both = make_user("both", lines.province, RoleKind.PROVINCE_ADMIN)
    org_services.grant_role(actor=None, scope=None, user=both, union=other, kind=RoleKind.PROVINCE_ADMIN)
    assert reaches_everywhere(Scope(both), VIEW_AWARDS)
    assert set(lines_for(Scope(both))) == {*lines.lines, outside}


def test_the_ledger_totals_one_budget_year(lines, as_user):
    client = as_user(lines.users.prov)
    page = client.get("/awards/ledger/")
    assert page.context["totals_year"] == lines.this_year
    assert page.context["totals"] == {"proposed": Decimal("120.00"), "rejected": Decimal("7.00")}
    assert len(page.context["page"].object_list) == 4  # the list itself keeps every year
    last = client.get("/awards/ledger/", {"year": lines.this_year - 1})
    assert last.context["totals_year"] is None
    assert last.context["totals"] == {"proposed": Decimal("5000.00")}
    waiting = client.get("/awards/ledger/", {"state": "proposed", "todo": "approve"})
    assert waiting.context["totals"] == {"proposed": Decimal("5120.00")}  # a to-do's lines: all of them
    assert waiting.context["page"].paginator.count == 3


@pytest.mark.parametrize("who", ["prov", "alice", "bob"])
def test_one_query_counts_every_to_do_as_its_rows_count(lines, who):
    user = getattr(lines.users, who)
    request = RequestFactory().get("/")
    request.user = user
    request.scope = Scope(user)
    todos = cached_contributions("todos", "TODOS")
    one_by_one = {t.key: w.count for t in todos if (w := t.for_request(request))}
    with CaptureQueriesContext(connection) as ctx:
        together = {w.key: w.count for w in waiting_for(request, todos)}
    assert together == one_by_one
    if who == "prov":
        assert together["approve"] == 3
    counted = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counted) <= 1


def _sees_line(scope: Scope, line: LedgerLine) -> bool:
    """The ledger's scope, row by row: paid to the subtree, or from a programme the user's unions
    own (funds), or, for whoever approves payments, from a provincial or an own programme."""
    owner = line.programme.owner_id
    return (
        scope.covers(VIEW_AWARDS, line.union_id)
        or scope.covers(MANAGE_FUNDS, owner)
        or (scope.has(APPROVE_PAYMENTS) and (owner is None or scope.covers(APPROVE_PAYMENTS, owner)))
    )


def _sees_decision(scope: Scope, decision: Decision) -> bool:
    return scope.covers(VIEW_AWARDS, decision.union_id) or scope.covers(REVIEW_AWARDS, decision.owner_id)


@pytest.fixture
def ledger_mix(lines):
    """Lines paid to each union from programmes owned by no one, Harbin, Daoli and Qiqihar."""
    by = make_user("proposer2")
    owners = [None, lines.harbin, lines.daoli, lines.qiqihar]
    payees = [lines.harbin, lines.daoli, lines.qiqihar, lines.longsha, lines.province]
    for i, owner in enumerate(owners):
        programme = Programme.objects.create(code=f"mix-{i}", name=f"测试项目{i}", kind="reward", owner=owner)
        for union in payees:
            _line(programme, union, lines.this_year, "1", "proposed", by)
    lines.daoli_admin = make_user("daoliadmin", lines.daoli, RoleKind.UNION_ADMIN)
    return lines


@pytest.mark.parametrize("who", ["prov", "alice", "bob", "charlie", "staff", "daoli_admin"])
def test_the_ledger_keeps_its_scope_exactly_without_joining_the_programme(ledger_mix, who):
    """Issue 17: ``programme.owner IN reach`` joined the programme to every line and read the whole
    ledger at province scale; the programmes are now picked first. Same lines, row by row."""
    user = getattr(ledger_mix.users, who, None) or getattr(ledger_mix, who)
    scope = Scope(user)
    every = LedgerLine.objects.select_related("programme")
    assert {line.pk for line in lines_for(scope)} == {line.pk for line in every if _sees_line(scope, line)}
    if scope.has(VIEW_AWARDS):  # (without it the query is empty and has no SQL)
        sql = str(lines_for(scope).values("pk").query)
        assert "JOIN" not in sql.upper()  # the pager's count and the totals read the ledger alone


def test_with_a_second_top_union_the_finance_officer_keeps_the_filter_and_its_exact_scope(ledger_mix):
    """The approve-payments branch (provincial programmes, and programmes owned in reach) is read
    only when the province's officials do not reach every union: here a second province's tree."""
    other = org_services.create_union(
        actor=None, name="另一个省总工会", kind=UnionKind.PROVINCE, region=ledger_mix.province.region, parent=None
    )
    theirs = Programme.objects.create(code="other-reward", name="另一个省的奖励", kind="reward", owner=other)
    outside = _line(theirs, other, ledger_mix.this_year, "1", "approved", ledger_mix.users.prov)
    finance = make_user("pfinance", ledger_mix.province, RoleKind.FINANCE)
    for user in (finance, ledger_mix.users.prov):
        scope = Scope(user)
        assert not reaches_everywhere(scope, VIEW_AWARDS)
        every = LedgerLine.objects.select_related("programme")
        expected = {line.pk for line in every if _sees_line(scope, line)}
        assert {line.pk for line in lines_for(scope)} == expected
        assert outside.pk not in expected


@pytest.mark.parametrize("who", ["prov", "alice", "bob", "charlie", "staff", "industry"])
def test_the_decisions_keep_their_scope_exactly_through_a_union_of_both_branches(awarded, who):
    """Each decision given another worker's union and organiser: the list holds exactly those about
    the user's workers or organised in the user's reach, read as ``id IN (… UNION …)``."""
    mixes = [
        (awarded.harbin_employer.union, awarded.province),
        (awarded.qiqihar_employer.union, awarded.harbin),
        (awarded.qiqihar_employer.union, awarded.qiqihar),
        (awarded.daoli, awarded.longsha),
    ]
    decisions = list(Decision.objects.order_by("pk"))
    assert len(decisions) == len(mixes)
    for decision, (union, owner) in zip(decisions, mixes, strict=True):
        Decision.objects.filter(pk=decision.pk).update(union=union, owner=owner)
    scope = Scope(getattr(awarded.users, who))
    expected = {d.pk for d in Decision.objects.all() if _sees_decision(scope, d)}
    assert {d.pk for d in decisions_for(scope)} == expected
    if who in {"alice", "bob"}:
        assert expected and " UNION " in str(decisions_for(scope).query).upper()


def test_the_ledger_pager_counts_newest_first_as_the_page_is_read(ledger_mix, as_user):
    """Issue 17: unordered, a city official's capped count was planned as a sequential scan of the
    ledger; counted in the page's order it walks the primary key as the page does. (A filtered ledger:
    the plain one is counted from the rollup, ``test_line_totals``.)"""
    client = as_user(ledger_mix.users.alice)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/awards/ledger/", {"state": "proposed"}).context["page"]
    expected = {
        line.pk
        for line in LedgerLine.objects.select_related("programme")
        if _sees_line(Scope(ledger_mix.users.alice), line) and line.state == "proposed"
    }
    assert page.paginator.count == len(expected) and {line.pk for line in page.object_list} == expected
    counts = [q["sql"] for q in ctx.captured_queries if q["sql"].upper().startswith("SELECT COUNT(*)")]
    assert len(counts) == 1 and "ORDER BY" in counts[0].upper()


def test_every_line_carries_its_unions_city(ledger_mix):
    """``LedgerLine.city``: the union one below the top on the parent chain (never the industrial
    parent), filled by ``save`` (and ``bulk_create`` callers) and by awards 0007 for old lines."""
    m = ledger_mix
    machinery = m.harbin_employer.union.industry_parent
    expected = {
        m.harbin.pk: m.harbin.pk,
        m.daoli.pk: m.harbin.pk,
        m.qiqihar.pk: m.qiqihar.pk,
        m.longsha.pk: m.qiqihar.pk,
        m.province.pk: m.province.pk,
        m.harbin_employer.union_id: m.harbin.pk,  # an enterprise union of an industrial union: its city's
        machinery.pk: machinery.pk,
    }
    assert cities_of(expected) == expected
    _line(m.programme, m.harbin_employer.union, m.this_year, "1", "proposed", m.users.prov)
    _line(m.programme, machinery, m.this_year, "1", "proposed", m.users.prov)
    lines = list(LedgerLine.objects.values_list("union_id", "city_id"))
    assert len(lines) > 20 and all(city == expected[union] for union, city in lines)
    # the data migration fills the lines written before it
    LedgerLine.objects.update(city=m.province)
    fill = importlib.import_module("gongjiang.awards.migrations.0007_ledger_line_city").fill
    fill(apps, SimpleNamespace(connection=connection))
    assert all(city == expected[union] for union, city in LedgerLine.objects.values_list("union_id", "city_id"))


def test_an_industrial_union_hangs_under_a_top_union_and_only_enterprises_join_it(org):
    """The shape ``reach_cities`` relies on: a reach below the province lies in its roots' cities."""
    machinery = org.harbin_employer.union.industry_parent
    with pytest.raises(OrgError):
        org_services.create_union(
            actor=None, name="市产业工会", kind=UnionKind.INDUSTRY, region=org.harbin.region, parent=org.harbin
        )
    with pytest.raises(OrgError):
        org_services.create_union(
            actor=None,
            name="县工会",
            kind=UnionKind.COUNTY,
            region=org.daoli.region,
            parent=org.harbin,
            industry_parent=machinery,
        )
    with pytest.raises(OrgError):
        org_services.create_union(
            actor=None,
            name="企业工会",
            kind=UnionKind.GRASSROOTS,
            region=org.daoli.region,
            parent=org.daoli,
            industry_parent=org.harbin,
        )


@pytest.mark.parametrize("who", ["prov", "alice", "bob", "charlie", "staff", "daoli_admin", "industry"])
def test_the_ledger_is_read_city_by_city_with_the_same_rows_page_by_page(ledger_mix, who):
    """Issue 17: below the province (and outside industrial unions) the ledger is each city's lines
    down ``line_city_newest`` and the lines of the programmes the user sees whole, united: the same
    rows in the same order as the plain query, page by page, filtered or not."""
    m = ledger_mix
    user = getattr(m.users, who, None) or getattr(m, who)
    scope = Scope(user)
    machinery = m.harbin_employer.union.industry_parent
    for union in (m.harbin_employer.union, m.qiqihar_employer.union, machinery):
        _line(m.programme, union, m.this_year, "3", "approved", m.users.prov)
    cities = reach_cities(scope, VIEW_AWARDS)
    assert (
        cities
        == {
            "prov": None,
            "industry": None,
            "charlie": [],
            "alice": [m.harbin.pk],
            "daoli_admin": [m.harbin.pk],
            "staff": [m.harbin.pk],
            "bob": [m.qiqihar.pk],
        }[who]
    )
    for filters in ({}, {"state": "approved"}, {"year": m.this_year}):
        qs = lines_for(scope).filter(**filters).order_by("-id")
        rows = ledger_rows(scope, qs)
        plain = list(qs.values_list("pk", flat=True))
        if connection.vendor != "postgresql" or cities is None or not plain:  # (charlie: no branch)
            assert rows is qs
            continue
        assert isinstance(rows, NewestOfBranches)
        assert rows.capped_count(1000) == len(plain)
        assert rows.capped_count(2) == min(3, len(plain))
        for start, stop in ((0, 1), (0, 3), (2, 7), (0, 50)):
            assert [line.pk for line in rows[start:stop]] == plain[start:stop], (filters, start, stop)


@pytest.mark.parametrize("who", ["prov", "alice", "bob", "staff", "daoli_admin", "industry", "two_roots"])
def test_below_a_city_the_plain_ledger_is_read_union_by_union_with_the_same_rows(ledger_mix, who):
    """Issue 17: the plain ledger (no filter) of an official below a city (a county's, an enterprise's)
    is each reach union's newest lines and the lines of the programmes they see whole: the same rows
    in the same order as the plain query, page by page, and the same capped count; a city's officials
    keep the city's branches, the province and industrial unions the query itself."""
    m = ledger_mix
    if who == "two_roots":  # a county and an enterprise union below it: a union reached twice
        user = make_user("tworoots", m.daoli, RoleKind.UNION_ADMIN)
        Role.objects.create(user=user, union=m.harbin_employer.union, kind=RoleKind.UNION_ADMIN)
    else:
        user = getattr(m.users, who, None) or getattr(m, who)
    for union in (m.harbin_employer.union, m.qiqihar_employer.union, m.daoli):
        for _ in range(3):
            _line(m.programme, union, m.this_year, "3", "approved", m.users.prov)
    scope = Scope(user)
    qs = lines_for(scope).select_related("programme", "union").order_by("-id")
    rows = ledger_rows(scope, qs, plain=True)
    plain = list(qs.values_list("pk", flat=True))
    if connection.vendor != "postgresql" or who in {"prov", "industry"}:
        assert rows is qs
        return
    if who in {"alice", "bob"}:
        assert isinstance(rows, CityNewestLines)
        return
    assert isinstance(rows, ReachNewestLines)
    assert plain
    assert rows.capped_count(1000) == len(plain)
    for cap in (1, 2, len(plain) - 1, len(plain)):
        assert rows.capped_count(cap) == min(cap + 1, len(plain)), cap
    for start, stop in ((0, 1), (0, 3), (2, 7), (0, 50), (1, len(plain))):
        assert [line.pk for line in rows[start:stop]] == plain[start:stop], (start, stop)
    assert all(_sees_line(scope, line) for line in rows[0:50])


@pytest.mark.parametrize("who", ["staff", "daoli_admin", "two_roots"])
def test_below_a_city_the_year_totals_are_read_union_by_union_with_the_same_sums(ledger_mix, who):
    m = ledger_mix
    if who == "two_roots":
        user = make_user("tworoots", m.daoli, RoleKind.UNION_ADMIN)
        Role.objects.create(user=user, union=m.harbin_employer.union, kind=RoleKind.UNION_ADMIN)
    else:
        user = getattr(m.users, who, None) or getattr(m, who)
    for union in (m.harbin_employer.union, m.daoli):
        _line(m.programme, union, m.this_year, "3", "approved", m.users.prov)
        _line(m.programme, union, m.this_year - 1, "5", "approved", m.users.prov)
    scope = Scope(user)
    qs = lines_for(scope).order_by("-id")
    rows = ledger_rows(scope, qs, plain=True)
    if connection.vendor != "postgresql":
        assert rows is qs
        return
    assert isinstance(rows, ReachNewestLines)
    expected = {
        r["state"]: r["total"]
        for r in qs.filter(year=m.this_year).order_by().values("state").annotate(total=Sum("amount"))
    }
    if rows.programmes:  # the user sees whole programmes: the view sums ``qs`` itself
        assert rows.year_totals(m.this_year) is None
    else:
        assert rows.year_totals(m.this_year) == expected


def _city_user(m, who):
    if who == "two_cities":  # roots at two city federations: both cities' lines, branch by branch
        user = make_user("twocities", m.harbin, RoleKind.UNION_ADMIN)
        Role.objects.create(user=user, union=m.qiqihar, kind=RoleKind.UNION_ADMIN)
        return user
    return getattr(m.users, who)


@pytest.mark.parametrize("who", ["alice", "bob", "two_cities"])
def test_a_city_federations_plain_ledger_is_read_by_its_city_with_the_same_rows_and_totals(ledger_mix, who):
    """Issue 17: a city federation's official's plain ledger reads its ids by the city alone (and
    their programmes' lines), without the reach's closure rows, and its year totals from
    ``line_city_year_totals``: the same rows in the same order page by page, the same capped count
    and the same totals as the plain query, on every line, a programme's line paid in another city
    included (Harbin's and Qiqihar's programmes pay every union of the fixture)."""
    m = ledger_mix
    user = _city_user(m, who)
    machinery = m.harbin_employer.union.industry_parent
    for union in (m.harbin_employer.union, m.qiqihar_employer.union, machinery, m.daoli):
        for year in (m.this_year, m.this_year - 1):
            _line(m.programme, union, year, "3", "approved", m.users.prov)
    scope = Scope(user)
    assert own_cities(scope, VIEW_AWARDS) == sorted(scope.roots(VIEW_AWARDS))
    qs = lines_for(scope).select_related("programme", "union").order_by("-id")
    rows = ledger_rows(scope, qs, plain=True)
    plain = list(qs.values_list("pk", flat=True))
    expected = {
        r["state"]: r["total"]
        for r in qs.filter(year=m.this_year).order_by().values("state").annotate(total=Sum("amount"))
    }
    if connection.vendor != "postgresql":
        assert rows is qs
        return
    assert isinstance(rows, CityNewestLines)
    assert plain and rows.programmes  # the fixture's Harbin and Qiqihar programmes pay other cities too
    assert rows.year_totals(m.this_year) == expected
    assert rows.capped_count(1000) == len(plain)
    for cap in (1, 2, len(plain) - 1, len(plain)):
        assert rows.capped_count(cap) == min(cap + 1, len(plain)), cap
    for start, stop in ((0, 1), (0, 3), (2, 7), (0, 50), (1, len(plain))):
        assert [line.pk for line in rows[start:stop]] == plain[start:stop], (start, stop)
    with CaptureQueriesContext(connection) as ctx:
        rows[0:50]
        rows.year_totals(m.this_year)
    assert not any("orgs_unionancestor" in q["sql"] and "EXISTS" not in q["sql"] for q in ctx.captured_queries)


def test_a_city_admin_never_sees_another_citys_line_or_total(ledger_mix, as_user):
    """The city-read ledger's scope: Harbin's admin sees Harbin's lines and their own programmes'
    lines, never a Qiqihar line of another programme, in the page, the count or the year's totals
    (a Qiqihar line of a large amount in a state Harbin has none of, so a leak would show)."""
    m = ledger_mix
    qiqihar_programme = Programme.objects.get(owner=m.qiqihar)
    hidden = _line(qiqihar_programme, m.longsha, m.this_year, "99999", "rejected", m.users.prov)
    scope = Scope(m.users.alice)
    seen = {line.pk for line in LedgerLine.objects.select_related("programme") if _sees_line(scope, line)}
    assert hidden.pk not in seen
    with CaptureQueriesContext(connection) as ctx:
        page = as_user(m.users.alice).get("/awards/ledger/")
    shown = {line.pk for line in page.context["page"].object_list}
    assert shown == seen and page.context["page"].paginator.count == len(seen)
    totals = page.context["totals"]
    assert "rejected" not in totals
    lines = LedgerLine.objects.filter(pk__in=seen, year=m.this_year)
    assert totals == {s: sum(line.amount for line in lines if line.state == s) for s in {x.state for x in lines}}
    if connection.vendor == "postgresql":  # read by the city: no closure rows hashed for the page's reads
        ledger = [q["sql"] for q in ctx.captured_queries if "awards_ledgerline" in q["sql"]]
        assert len(ledger) == 4  # the year's totals, the capped count, the page's ids, its rows
        # the totals from the city's rollup rows, and its programmes' lines paid outside it, each probed
        totals_sql = [sql for sql in ledger if "awards_reachlinetotal" in sql]
        assert len(totals_sql) == 1 and "NOT (EXISTS" in totals_sql[0] and "OFFSET 0" in totals_sql[0]
        reach = [sql for sql in ledger if "orgs_unionancestor" in sql and sql not in totals_sql]
        assert len(reach) == 1 and "EXISTS" in reach[0]  # only the rows, each probed for its union
