import datetime as dt
from decimal import Decimal

import pytest

from gongjiang.competitions import services as comp
from gongjiang.orgs.enums import RoleKind
from gongjiang.orgs.scope import Scope
from tests.conftest import make_user
from tests.studios import factories as sf

from . import factories as f


@pytest.fixture
def inno(org):
    """Harbin's studio with a project, a Harbin labour competition, the enterprise's finance office and
    a worker with an account; Qiqihar's finance office as an outsider."""
    alice = org.users.alice
    org.studio = sf.studio(alice, org.harbin_employer, "锅炉焊接创新工作室", "锅炉焊接", lead=org.harbin_worker)
    org.project = org.studio.projects.get()
    org.mate = sf.worker(alice, org.harbin_employer, "李强")
    org.labour = comp.create_competition(
        actor=alice,
        scope=Scope(alice),
        data=comp.CompetitionData(
            name="哈尔滨地铁三号线劳动竞赛",
            tier="city",
            kind="labour",
            organiser=org.harbin,
            registration_closes_on=dt.date(2026, 3, 1),
            starts_on=dt.date(2026, 3, 10),
            ends_on=dt.date(2026, 12, 10),
        ),
    )
    type(org.labour).objects.filter(pk=org.labour.pk).update(state="in_progress")  # running, past its draft
    org.labour.refresh_from_db()
    # the boiler works takes part in it as a unit: a result may come only from what its employer took part in
    from gongjiang.labour.services import enter_unit

    enter_unit(actor=alice, scope=Scope(alice), competition=org.labour, employer=org.harbin_employer)
    org.fin = f.finance(org.harbin_employer)
    org.qfin = f.finance(org.qiqihar_employer)
    org.worker_user = make_user("wangtiejun", org.harbin_employer.union, RoleKind.WORKER)
    type(org.harbin_worker).objects.filter(pk=org.harbin_worker.pk).update(user=org.worker_user)
    org.harbin_worker.refresh_from_db()
    org.authors = [(org.harbin_worker, Decimal(60)), (org.mate, Decimal(40))]
    return org
