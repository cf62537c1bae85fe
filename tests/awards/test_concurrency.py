"""Money and quotas under real concurrency: threads with their own PostgreSQL connections.

SQLite serialises every writer, so these run on PostgreSQL only (CI runs the suite on both).
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from gongjiang.awards import services
from gongjiang.awards.enums import CycleState, LineState, NominationState
from gongjiang.awards.models import Allocation, HonourCycle, LedgerLine, Nomination
from gongjiang.orgs.enums import RoleKind
from gongjiang.orgs.scope import Scope
from gongjiang.people.models import Worker
from gongjiang.policy.models import Programme, Rule
from tests.conftest import make_user, race, reload_reference_data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and real parallel writers"
    ),
]


@pytest.fixture
def reference(transactional_db):
    reload_reference_data()


def test_twenty_concurrent_payments_pay_once(reference, org, policy):
    prov = org.users.prov
    approver = make_user("approver", org.province, RoleKind.PROVINCE_ADMIN)
    payers = [make_user(f"payer{i}", org.province, RoleKind.PROVINCE_ADMIN) for i in range(20)]
    line = LedgerLine.objects.create(
        programme=Programme.objects.get(code="competition-rewards"),
        year=timezone.localdate().year,
        union=org.daoli,
        worker=org.harbin_worker,
        payee=org.harbin_worker.name,
        amount=Decimal("20000.00"),
        reason="test",
        proposed_by=prov,
    )
    services.approve_line(actor=approver, scope=Scope(approver), line=line)

    outcomes = race(
        20, lambda i: services.pay_line(actor=payers[i], scope=Scope(payers[i]), line=line, payment_ref=f"V-{i}")
    )

    paid = [o for o in outcomes if isinstance(o, LedgerLine)]
    refused = [o for o in outcomes if isinstance(o, services.AwardError)]
    assert (len(paid), len(refused)) == (1, 19), outcomes
    line.refresh_from_db()
    assert line.state == LineState.PAID and line.payment_ref == paid[0].payment_ref
    assert LedgerLine.objects.count() == 1


def test_fifty_concurrent_approvals_never_exceed_the_quota(reference, org, policy):
    prov = org.users.prov
    rule = Rule.objects.get(code="honour-master-craftsman")
    cycle = services.open_cycle(actor=prov, scope=Scope(prov), rule=rule, year=timezone.localdate().year)
    HonourCycle.objects.filter(pk=cycle.pk).update(quota=10)
    allocation = Allocation.objects.create(cycle=cycle, union=org.harbin, quota=50)
    nominations = []
    for i in range(50):  # bare rows: the ID checks are not what is tested here
        worker = Worker.objects.create(
            name=f"候选人{i}",
            id_number_enc="x",
            id_number_hash=f"h{i}",
            id_number_masked="x",
            id_last4=f"{i:04d}",
            sex="M",
            birth_date=dt.date(1980, 1, 1),
            employer=org.harbin_employer,
            union=org.harbin_employer.union,
            region_code="230102",
        )
        nominations.append(
            Nomination.objects.create(
                cycle=cycle,
                allocation=allocation,
                worker=worker,
                union=worker.union,
                statement="事迹",
                state=NominationState.IN_NOTICE,
                nominated_by=org.users.alice,
            )
        )
    HonourCycle.objects.filter(pk=cycle.pk).update(
        state=CycleState.NOTICE, notice_ends_on=timezone.localdate() - dt.timedelta(days=1)
    )
    approvers = [make_user(f"appr{i}", org.province, RoleKind.PROVINCE_ADMIN) for i in range(50)]

    outcomes = race(
        50,
        lambda i: services.approve_nomination(actor=approvers[i], scope=Scope(approvers[i]), nomination=nominations[i]),
    )

    approved = [o for o in outcomes if isinstance(o, Nomination)]
    refused = [o for o in outcomes if isinstance(o, services.AwardError)]
    assert (len(approved), len(refused)) == (10, 40), outcomes
    assert Nomination.objects.filter(state=NominationState.APPROVED).count() == 10
    assert LedgerLine.objects.filter(nomination__isnull=False).count() == 10
