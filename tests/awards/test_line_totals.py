"""The ledger's year totals from the rollup (issue 17, ``ReachLineTotal``, awards 0011): kept exact by
the database's triggers through every kind of write (inserts one by one and in bulk, reversals, state
changes through the services and by ``update``, a line moved to another union or year or given another
amount, a delete, links of the closure table removed and added again), filled by its migration, and
read by each official with exactly the figures a direct sum of their ledger gives."""

import importlib
import random
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from gongjiang.awards import services
from gongjiang.awards.enums import LineState
from gongjiang.awards.models import Budget, LedgerLine, ReachLineTotal
from gongjiang.awards.queries import ReachNewestLines, ledger_rows, lines_for, reach_year_totals
from gongjiang.orgs import services as org_services
from gongjiang.orgs.enums import RoleKind, UnionKind
from gongjiang.orgs.models import Role, UnionAncestor
from gongjiang.orgs.queries import cities_of
from gongjiang.orgs.scope import Scope
from gongjiang.policy.models import Programme
from tests.conftest import make_user, race, reload_reference_data

STATES = [LineState.PROPOSED, LineState.APPROVED, LineState.PAID, LineState.REJECTED]
CENT = Decimal("0.01")
FILL = importlib.import_module("gongjiang.awards.migrations.0011_reach_line_total").FILL


def _direct() -> dict[tuple[int, int, str], tuple[Decimal, int]]:
    """Every (ancestor, year, state)'s sum and number of lines, from the lines and the closure table."""
    ancestors = defaultdict(set)
    for descendant, ancestor in UnionAncestor.objects.values_list("descendant_id", "ancestor_id"):
        ancestors[descendant].add(ancestor)
    sums: dict[tuple[int, int, str], list] = defaultdict(lambda: [Decimal("0.00"), 0])
    for union, year, state, amount in LedgerLine.objects.values_list("union_id", "year", "state", "amount"):
        for ancestor in ancestors[union]:
            sums[(ancestor, year, state)][0] += amount
            sums[(ancestor, year, state)][1] += 1
    return {key: (total, n) for key, (total, n) in sums.items()}


def _rollup() -> dict[tuple[int, int, str], tuple[Decimal, int]]:
    rows = list(ReachLineTotal.objects.values_list("ancestor_id", "year", "state", "total", "lines"))
    assert all(total == 0 for *_, total, n in rows if n == 0), rows  # a row left with no line sums to zero
    return {(a, y, s): (total, n) for a, y, s, total, n in rows if n}


def assert_rollup_exact() -> None:
    assert _rollup() == _direct()


def _summed(scope: Scope, year: int) -> dict[str, Decimal]:
    """What the ledger's totals were before the rollup: ``lines_for`` summed per state (to the cent:
    SQLite sums the amounts as floating point, -0.539999999999964 for -0.54)."""
    qs = lines_for(scope).filter(year=year).order_by().values("state").annotate(total=Sum("amount"))
    return {row["state"]: row["total"].quantize(CENT) for row in qs}


def _cents(totals: dict[str, Decimal] | None) -> dict[str, Decimal] | None:
    return None if totals is None else {state: total.quantize(CENT) for state, total in totals.items()}


@pytest.fixture
def mixed(org, policy):
    """The org's unions, programmes owned by no one, Harbin, Daoli and Qiqihar, and officials of each
    kind: the province, a city, a county, an enterprise, an industrial union, the finance office,
    leadership at a county, two roots, nobody."""
    org.programmes = [
        Programme.objects.create(code=f"roll-{i}", name=f"测试项目{i}", kind="reward", owner=owner)
        for i, owner in enumerate([None, org.harbin, org.daoli, org.qiqihar])
    ]
    org.unions = [
        org.province,
        org.harbin,
        org.qiqihar,
        org.daoli,
        org.longsha,
        org.harbin_employer.union,
        org.qiqihar_employer.union,
        org.harbin_employer.union.industry_parent,
    ]
    org.proposer = make_user("proposer9")
    org.approver = make_user("approver9", org.province, RoleKind.PROVINCE_ADMIN)
    org.payer = make_user("payer9", org.province, RoleKind.PROVINCE_ADMIN)
    two = make_user("tworoots9", org.daoli, RoleKind.UNION_ADMIN)
    Role.objects.create(user=two, union=org.qiqihar, kind=RoleKind.UNION_ADMIN)
    org.officials = {
        "prov": org.users.prov,
        "alice": org.users.alice,
        "bob": org.users.bob,
        "staff": org.users.staff,
        "industry": org.users.industry,
        "charlie": org.users.charlie,
        "daoli_admin": make_user("daoli9", org.daoli, RoleKind.UNION_ADMIN),
        "longsha_lead": make_user("longsha9", org.longsha, RoleKind.LEADERSHIP),
        "finance": make_user("pfin9", org.province, RoleKind.FINANCE),
        "two_roots": two,
    }
    return org


def _random_ledger(m, rng: random.Random, n: int) -> list[LedgerLine]:
    """``n`` lines of random programmes, unions, years, states and amounts, some in one bulk insert,
    then state changes, reversals, moves and a delete."""
    years = [2024, 2025, 2026]
    city = cities_of([union.pk for union in m.unions])

    def line(**extra) -> LedgerLine:
        union = rng.choice(m.unions)
        return LedgerLine(
            programme=rng.choice(m.programmes),
            year=rng.choice(years),
            union=union,
            city_id=city[union.pk],  # (``save`` fills it; ``bulk_create`` callers give it)
            payee="测试",
            amount=Decimal(rng.randint(1, 500_000)) / 100,
            reason="测试",
            proposed_by=m.proposer,
            **extra,
        )

    made = []
    for _ in range(n // 2):
        one = line()
        one.city_id = None
        one.save()
        made.append(one)
    made += LedgerLine.objects.bulk_create([line() for _ in range(n - n // 2)])
    assert_rollup_exact()
    # through the services: approve, pay, reject, reverse (a negative line that goes the same way)
    for one in rng.sample(made, n // 2):
        scope = Scope(m.approver)
        if rng.random() < 0.3:
            services.reject_line(actor=m.approver, scope=scope, line=one, reason="不符合")
            continue
        Budget.objects.get_or_create(programme=one.programme, year=one.year, defaults={"amount": Decimal("100000000")})
        services.approve_line(actor=m.approver, scope=scope, line=one)
        if rng.random() < 0.7:
            services.pay_line(actor=m.payer, scope=Scope(m.payer), line=one, payment_ref=f"V{one.pk}")
            if rng.random() < 0.4:
                back = services.reverse_line(actor=m.approver, scope=scope, line=one, reason="退回")
                if rng.random() < 0.5:
                    services.reject_line(actor=m.approver, scope=scope, line=back, reason="撤销")
    assert_rollup_exact()
    # statements the services never send, kept all the same
    ids = [one.pk for one in rng.sample(made, 5)]
    LedgerLine.objects.filter(pk__in=ids[:2]).update(state=LineState.REJECTED)
    moved = rng.choice(m.unions)
    LedgerLine.objects.filter(pk=ids[2]).update(union=moved, city_id=city[moved.pk], year=2023)
    LedgerLine.objects.filter(pk=ids[3]).update(amount=Decimal("0.01"))
    LedgerLine.objects.filter(pk__in=ids).update(reason="改")  # nothing counted changes
    loose = LedgerLine.objects.filter(reverses__isnull=True, reversal__isnull=True, pk=ids[4])
    loose.delete()
    assert_rollup_exact()
    return made


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_rollup_and_every_officials_totals_equal_a_direct_sum(mixed, seed, as_user):
    rng = random.Random(seed)
    _random_ledger(mixed, rng, 40)
    for who, user in mixed.officials.items():
        scope = Scope(user)
        for year in (2023, 2024, 2025, 2026, 2027):
            read = reach_year_totals(scope, year)
            if who in {"two_roots", "charlie"}:  # two roots (a union below both would count twice), no root
                assert read is None, who
            else:
                assert _cents(read) == _summed(scope, year), (who, year)
    # the pages: the same figures, this year's, for every official who reads the ledger
    for who, user in mixed.officials.items():
        if who == "charlie":
            continue
        page = as_user(user).get("/awards/ledger/")
        assert page.status_code == 200, who
        assert _cents(page.context["totals"]) == _summed(Scope(user), page.context["totals_year"]), who
        # and the pager's count (from the rollup for the province's and an industrial union's)
        assert page.context["page"].paginator.count == min(lines_for(Scope(user)).count(), 1001), who
        assert [line.pk for line in page.context["page"].object_list] == list(
            lines_for(Scope(user)).order_by("-id").values_list("pk", flat=True)[:50]
        ), who


def test_the_closure_tables_links_bring_and_take_a_unions_lines(mixed):
    rng = random.Random(7)
    _random_ledger(mixed, rng, 12)
    union = org_services.create_union(
        actor=None, name="新区总工会", kind=UnionKind.COUNTY, region=mixed.daoli.region, parent=mixed.harbin
    )
    for year in (2025, 2026):
        LedgerLine.objects.create(
            programme=mixed.programmes[0],
            year=year,
            union=union,
            payee="测试",
            amount=Decimal("12.34"),
            reason="测试",
            proposed_by=mixed.proposer,
        )
    assert_rollup_exact()
    org_services.rebuild_closure(union)  # its links deleted and written again
    assert_rollup_exact()
    UnionAncestor.objects.filter(descendant=union, ancestor=mixed.harbin).delete()
    assert_rollup_exact()
    assert ReachLineTotal.objects.filter(ancestor=union, lines__gt=0).exists()
    UnionAncestor.objects.create(descendant=union, ancestor=mixed.harbin)
    assert_rollup_exact()


def test_the_migration_fills_the_rollup_from_the_lines(mixed):
    _random_ledger(mixed, random.Random(11), 20)
    expected = _rollup()
    ReachLineTotal.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(FILL)
    assert _rollup() == expected == _direct()


def test_the_county_reads_its_totals_and_count_from_the_rollup(mixed, as_user):
    """A county's plain ledger: the totals from its root's rollup rows (one query), the pager's count
    from their number of lines (PostgreSQL: ``ReachNewestLines``), the same figures."""
    _random_ledger(mixed, random.Random(5), 30)
    user = mixed.officials["longsha_lead"]  # (no programme of its own: ``daoli_admin`` owns one)
    scope = Scope(user)
    qs = lines_for(scope).order_by("-id")
    rows = ledger_rows(scope, qs, plain=True)
    if connection.vendor == "postgresql":
        assert isinstance(rows, ReachNewestLines) and not rows.programmes
        n = qs.count()
        for cap in (0, 1, n - 1, n, n + 5):
            assert rows.capped_count(cap) == min(n, cap + 1), cap
    client = as_user(user)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/awards/ledger/")
    sql = [q["sql"] for q in ctx.captured_queries]
    assert _cents(page.context["totals"]) == _summed(scope, page.context["totals_year"])
    assert page.context["page"].paginator.count == min(qs.count(), 1001)
    summed = [s for s in sql if "SUM(" in s.upper() and "awards_ledgerline" in s]
    assert not summed, summed


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and parallel writers")
def test_twenty_parallel_payments_neither_deadlock_nor_lose_a_count(org, policy):
    """Twenty payers at once, each paying another line (every line under the province's rows, most
    under Harbin's and Daoli's), and twenty proposals at once: every write commits, none waits
    forever, and the rollup is exact after them."""
    reload_reference_data()
    programme = Programme.objects.create(code="race", name="并发", kind="reward")
    Budget.objects.create(programme=programme, year=2026, amount=Decimal("100000000"))
    proposer = make_user("racer")
    approver = make_user("raceappr", org.province, RoleKind.PROVINCE_ADMIN)
    payers = [make_user(f"racepay{i}", org.province, RoleKind.PROVINCE_ADMIN) for i in range(20)]
    unions = [org.daoli, org.harbin_employer.union, org.longsha, org.harbin]
    lines = []
    for i in range(20):
        line = LedgerLine.objects.create(
            programme=programme,
            year=2026,
            union=unions[i % len(unions)],
            payee="测试",
            amount=Decimal(100 + i),
            reason="测试",
            proposed_by=proposer,
        )
        lines.append(services.approve_line(actor=approver, scope=Scope(approver), line=line))

    paid = race(
        20, lambda i: services.pay_line(actor=payers[i], scope=Scope(payers[i]), line=lines[i], payment_ref=f"R{i}")
    )
    assert all(isinstance(o, LedgerLine) for o in paid), paid
    own = Programme.objects.create(code="race-own", name="自有", kind="subsidy", owner=org.harbin)
    proposed = race(
        20,
        lambda i: services.propose_payment(
            actor=org.users.alice,
            scope=Scope(org.users.alice),
            programme=own,
            year=2026,
            union=unions[i % 2],
            payee="测试",
            amount=Decimal(1 + i),
            reason="活动经费",
            source=f"race:{i}",
        ),
    )
    assert all(isinstance(o, LedgerLine) for o in proposed), proposed
    assert_rollup_exact()
    top = ReachLineTotal.objects.get(ancestor=org.province, year=2026, state=LineState.PAID)
    assert (top.lines, top.total) == (20, sum(Decimal(100 + i) for i in range(20)))
    assert ReachLineTotal.objects.get(ancestor=org.harbin, year=2026, state=LineState.PROPOSED).lines == 20
