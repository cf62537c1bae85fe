"""Plain helpers that build studios the way the services do; no surprises."""

import datetime as dt
import itertools

from gongjiang.core.fakeids import make_id_number
from gongjiang.orgs.scope import Scope
from gongjiang.people import services as people_services
from gongjiang.people.models import Honour
from gongjiang.studios import services

_serial = itertools.count(300)
FOUNDED = dt.date(2020, 3, 1)


def worker(admin, employer, name, *, user=None):
    w = people_services.create_worker(
        actor=admin,
        scope=Scope(admin),
        data=people_services.WorkerData(
            name=name,
            id_number=make_id_number(employer.region_id, dt.date(1980, 1, 1), next(_serial), male=True),
            employer=employer,
        ),
    )
    if user is not None:
        type(w).objects.filter(pk=w.pk).update(user=user)
        w.refresh_from_db()
    return w


def honour(w, *, level=2, kind="model_worker", title="市劳动模范", year=2019):
    return Honour.objects.create(worker=w, title=title, kind=kind, level=level, year=year, conferred_by="市政府")


def studio(
    admin,
    employer,
    name,
    field,
    *,
    lead=None,
    level="city",
    named=True,
    projects=(),
    results=(),
    namer=None,
    lead_user=None,
    team=3,
):
    """A studio of ``employer`` with a honoured lead and a team of ``team``; named by ``namer`` (or ``admin``)."""
    scope = Scope(admin)
    lead = lead or worker(admin, employer, f"{name[:2]}领衔", user=lead_user)
    if not lead.honours.exists():
        honour(lead)
    s = services.apply_studio(
        actor=admin,
        scope=scope,
        data=services.StudioData(
            name=name,
            level=level,
            employer=employer,
            lead=lead,
            field=field,
            founded_on=FOUNDED,
            has_place_and_funds=True,
            has_rules=True,
        ),
    )
    for i in range(team - 1):
        services.add_team_member(
            actor=admin, scope=scope, studio=s, worker=worker(admin, employer, f"{name[:2]}成员{i}")
        )
    for title in projects or (f"{field}攻关",):
        services.add_project(
            actor=admin,
            scope=scope,
            studio=s,
            title=title,
            started_on=dt.date.today().replace(month=1, day=1),
            outcome="",
            closed_on=None,
        )
    for title in results or (f"{field}操作法",):
        services.add_result(actor=admin, scope=scope, studio=s, kind="method", title=title, year=dt.date.today().year)
    if named:
        namer = namer or admin
        services.decide_studio(actor=namer, scope=Scope(namer), studio=s, approve=True)
        s.refresh_from_db()
    return s
