"""The board and the evaluation under real concurrency: threads with their own PostgreSQL connections.

SQLite serialises every writer, so these run on PostgreSQL only.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from gongjiang.orgs.enums import RoleKind
from gongjiang.orgs.scope import Scope
from gongjiang.studios import services
from gongjiang.studios.models import Evaluation, Membership, Project
from tests.conftest import make_user, race, reload_reference_data

from . import factories as f

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and real parallel writers"
    ),
]


@pytest.fixture
def reference(transactional_db):
    reload_reference_data()


def _alliance(org, studios):
    alice = org.users.alice
    return services.create_alliance(
        actor=alice,
        scope=Scope(alice),
        data=services.AllianceData(
            name="并发联盟", level="city", lead_union=org.harbin, founded_on=dt.date(2025, 1, 1), founding_document="文"
        ),
        studios=studios,
    )


def test_two_claims_accepted_at_once_make_one_joint_project(reference, org):
    alice = org.users.alice
    poster, a, b = (f.studio(alice, org.harbin_employer, f"工作室{i}", "焊接") for i in range(3))
    alliance = _alliance(org, [poster, a, b])
    problem = services.post_problem(
        actor=alice,
        scope=Scope(alice),
        alliance=alliance,
        studio=poster,
        data=services.ProblemData(
            title="难题", field="焊接", description="x", deadline=dt.date.today() + dt.timedelta(days=9)
        ),
    )
    claims = [
        services.claim_problem(actor=alice, scope=Scope(alice), problem=problem, studio=s, plan="x") for s in (a, b)
    ]
    admins = [make_user(f"admin{i}", org.harbin, RoleKind.UNION_ADMIN) for i in range(2)]
    outcomes = race(2, lambda i: services.accept_claim(actor=admins[i], scope=Scope(admins[i]), claim=claims[i]))
    assert all(isinstance(o, Project) for o in outcomes), outcomes
    project = Project.objects.get(problem=problem)
    assert sorted(s.name for s in project.participants.all()) == ["工作室0", "工作室1", "工作室2"]


def test_ten_concurrent_evaluations_of_one_member_record_one(reference, org):
    alice = org.users.alice
    studio = f.studio(alice, org.harbin_employer, "工作室", "焊接")
    alliance = _alliance(org, [studio])
    member = Membership.objects.get(alliance=alliance, studio=studio)
    admins = [make_user(f"admin{i}", org.harbin, RoleKind.UNION_ADMIN) for i in range(10)]
    scores = {c.pk: Decimal(50) for c in alliance.criteria.all()}
    outcomes = race(
        10,
        lambda i: services.evaluate_member(
            actor=admins[i], scope=Scope(admins[i]), membership=member, year=2025, scores=scores
        ),
    )
    done = [o for o in outcomes if isinstance(o, Evaluation)]
    refused = [o for o in outcomes if isinstance(o, services.StudiosError)]
    assert (len(done), len(refused)) == (1, 9), outcomes
    member.refresh_from_db()
    assert member.state == "warned"  # warned once, not delisted by a second below-bar score


def test_ten_concurrent_joins_of_one_studio_admit_it_once(reference, org):
    alice = org.users.alice
    studio = f.studio(alice, org.harbin_employer, "工作室", "焊接")
    alliance = _alliance(org, [])
    admins = [make_user(f"admin{i}", org.harbin, RoleKind.UNION_ADMIN) for i in range(10)]
    outcomes = race(
        10, lambda i: services.add_member(actor=admins[i], scope=Scope(admins[i]), alliance=alliance, studio=studio)
    )
    joined = [o for o in outcomes if isinstance(o, Membership)]
    refused = [o for o in outcomes if isinstance(o, services.StudiosError)]
    assert (len(joined), len(refused)) == (1, 9), outcomes
    assert Membership.objects.filter(alliance=alliance, studio=studio).count() == 1
