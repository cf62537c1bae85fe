"""A competition in marking, shared by the marking, results and certificate tests."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from gongjiang.competitions import marking, services
from gongjiang.competitions.enums import State
from gongjiang.orgs.scope import Scope
from tests.conftest import make_user


@pytest.fixture
def marked(contest):
    """The provincial lathe event in marking: A1 (measurement, 10) and A2 (judgement, 6); three judges."""
    prov = contest.users.prov
    scope = Scope(prov)
    event = contest.province_event
    criterion = marking.add_criterion(actor=prov, scope=scope, event=event, code="A", name="零件加工")
    contest.a1 = marking.add_aspect(
        actor=prov,
        scope=scope,
        criterion=criterion,
        code="A1",
        description="外圆尺寸 φ40±0.02",
        kind="measurement",
        max_mark=Decimal(10),
        descriptors=[],
    )
    contest.a2 = marking.add_aspect(
        actor=prov,
        scope=scope,
        criterion=criterion,
        code="A2",
        description="表面质量",
        kind="judgement",
        max_mark=Decimal(6),
        descriptors=["不合格", "基本合格", "良好", "优秀"],
    )
    contest.judges = []
    for n, name in enumerate(["李建华", "周立新", "孙志强"]):
        judge = services.add_judge(
            actor=prov, scope=scope, pool=contest.province, name=name, region_code="230600", occupations=[contest.lathe]
        )
        judge.user = make_user(f"judge{n}")
        judge.save()
        contest.judges.append(judge.user)
        assignment = services.assign_judge(actor=prov, scope=scope, event=event, judge=judge)
        if n == 0:
            services.set_chief(actor=prov, scope=scope, assignment=assignment)
    services.transition(actor=prov, scope=scope, competition=contest.province_comp, to=State.IN_PROGRESS)
    services.transition(actor=prov, scope=scope, competition=contest.province_comp, to=State.MARKING)
    event.refresh_from_db()
    contest.harbin_entry.refresh_from_db()
    contest.qiqihar_entry.refresh_from_db()
    return contest


def mark_all(c, scores_a2=(2, 2, 3), a1=Decimal("8.5")):
    for user, score in zip(c.judges, scores_a2, strict=True):
        for entry in (c.harbin_entry, c.qiqihar_entry):
            marking.record_marks(
                actor=user, event=c.province_event, entry=entry, values={c.a1.pk: str(a1), c.a2.pk: str(score)}
            )


@pytest.fixture
def final(marked):
    prov = marked.users.prov
    mark_all(marked)
    marking.record_marks(
        actor=marked.judges[0],
        event=marked.province_event,
        entry=marked.qiqihar_entry,
        values={marked.a1.pk: "9"},
        reason="复核",
    )
    marking.sign_off(actor=marked.judges[0], event=marked.province_event)
    comp = marked.province_comp
    services.transition(actor=prov, scope=Scope(prov), competition=comp, to=State.NOTICE)
    comp.refresh_from_db()
    comp.notice_ends_on = timezone.localdate() - dt.timedelta(days=1)
    comp.save()
    services.transition(actor=prov, scope=Scope(prov), competition=comp, to=State.FINAL)
    return marked


def ready_to_start(c, event, judges: int = 1):  # type: ignore[no-untyped-def]
    """What starting an event needs: a marking scheme (one measurement aspect), ``judges`` judges
    from the province pool, the first of them chief."""
    prov = c.users.prov
    scope = Scope(prov)
    criterion = marking.add_criterion(actor=prov, scope=scope, event=event, code="Z", name="实操")
    marking.add_aspect(
        actor=prov,
        scope=scope,
        criterion=criterion,
        code="Z1",
        description="尺寸",
        kind="measurement",
        max_mark=Decimal(10),
        descriptors=[],
    )
    for n in range(judges):
        judge = services.add_judge(
            actor=prov, scope=scope, pool=c.province, name=f"裁判{n}", region_code="230600", occupations=[c.lathe]
        )
        assignment = services.assign_judge(actor=prov, scope=scope, event=event, judge=judge)
        if n == 0:
            services.set_chief(actor=prov, scope=scope, assignment=assignment)
