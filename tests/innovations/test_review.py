"""The review of one innovation, step by step, and what each step refuses (in Chinese, saying why)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from gongjiang.core.models import AuditEntry
from gongjiang.innovations import services
from gongjiang.innovations.enums import Grade, Kind, State
from gongjiang.innovations.models import Innovation
from gongjiang.orgs.scope import Scope

from . import factories as f

TODAY = dt.date.today()


def _calc(actor, innovation, **kw):
    args = {"annual_saving": Decimal("300000"), "added_output": Decimal("50000"), "years": Decimal("2"),
            "deductions": Decimal("80000"), "method": "单件节约×年产量"} | kw  # fmt: skip
    return services.calculate(actor=actor, scope=Scope(actor), innovation=innovation, **args)


def test_the_whole_review_is_audited_and_the_benefit_is_shown_with_its_inputs(inno):
    alice, staff = inno.users.alice, inno.users.staff
    i = f.submitted(staff, inno.harbin_employer, inno.authors, competition=inno.labour, studio=inno.studio,
                    project=inno.project)  # fmt: skip
    i = services.check(actor=staff, scope=Scope(staff), innovation=i, note="属实")
    i = services.appraise(
        actor=alice, scope=Scope(alice), innovation=i, grade=Grade.FIRST, experts="王工", opinion="好"
    )
    i = _calc(staff, i)
    assert i.benefit == Decimal("620000.00")  # (300000 + 50000) x 2 - 80000
    i = services.confirm(actor=inno.fin, scope=Scope(inno.fin), innovation=i)
    assert (i.state, i.confirmed_on, i.confirmed_by) == (State.CONFIRMED, TODAY, inno.fin)
    i = services.publish_notice(actor=staff, scope=Scope(staff), innovation=i, until=TODAY + dt.timedelta(days=7))
    with translation.override("zh-hans"), pytest.raises(services.InnovationError, match="公示"):
        services.recognise(actor=staff, scope=Scope(staff), innovation=i)
    Innovation.objects.filter(pk=i.pk).update(notice_until=TODAY - dt.timedelta(days=1))
    i = services.recognise(actor=staff, scope=Scope(staff), innovation=Innovation.objects.get(pk=i.pk))
    assert (i.state, i.recognised_on) == (State.RECOGNISED, TODAY)
    actions = list(
        AuditEntry.objects.filter(model="innovations.innovation", object_id=str(i.pk)).values_list("changes", flat=True)
    )
    assert len(actions) == 7  # submitted, checked, appraised, calculated, confirmed, noticed, recognised


def test_calculate_and_confirm_take_two_different_people(inno):
    staff = inno.users.staff
    i = f.advance(f.submitted(staff, inno.harbin_employer, inno.authors), State.APPRAISED, admin=inno.users.alice)
    # the finance officer cannot calculate (no review capability) ...
    with pytest.raises(PermissionDenied):
        _calc(inno.fin, i)
    # ... and whoever calculated cannot confirm: give the calculator the finance role too
    from gongjiang.orgs import services as org_services

    org_services.grant_role(
        actor=None, scope=None, user=staff, union=inno.harbin_employer.union, kind="enterprise_finance"
    )
    i = _calc(staff, i)
    with translation.override("zh-hans"), pytest.raises(services.InnovationError, match="测算"):
        services.confirm(actor=staff, scope=Scope(staff), innovation=i)
    assert Innovation.objects.get(pk=i.pk).state == State.CALCULATED


def test_only_the_enterprises_own_finance_confirms(inno):
    i = f.advance(
        f.submitted(inno.users.staff, inno.harbin_employer, inno.authors), State.CALCULATED, admin=inno.users.alice
    )
    for outsider in (inno.qfin, inno.users.prov, inno.users.alice, inno.users.bob):
        with pytest.raises(PermissionDenied):
            services.confirm(actor=outsider, scope=Scope(outsider), innovation=i)
    # the province's finance officer (the ledger's) is not the enterprise's either
    from tests.conftest import make_user

    province_finance = make_user("shengcaiwu", inno.province, "finance")
    with pytest.raises(PermissionDenied):
        services.confirm(actor=province_finance, scope=Scope(province_finance), innovation=i)


def test_finance_sends_a_calculation_back(inno):
    i = f.advance(
        f.submitted(inno.users.staff, inno.harbin_employer, inno.authors), State.CALCULATED, admin=inno.users.alice
    )
    i = services.send_back(actor=inno.fin, scope=Scope(inno.fin), innovation=i, reason="扣除项漏算改造费")
    assert (i.state, i.benefit) == (State.APPRAISED, None)


@pytest.mark.parametrize(
    ("kw", "words"),
    [
        ({"years": Decimal("11")}, "十年"),
        ({"deductions": Decimal("9000000")}, "负"),
        ({"annual_saving": Decimal(0), "added_output": Decimal(0)}, "年节约"),
        ({"method": " "}, "说明"),
    ],
)
def test_a_calculation_that_cannot_be_right_is_refused_saying_why(inno, kw, words):
    i = f.advance(
        f.submitted(inno.users.staff, inno.harbin_employer, inno.authors), State.APPRAISED, admin=inno.users.alice
    )
    with translation.override("zh-hans"), pytest.raises(services.InnovationError) as caught:
        _calc(inno.users.staff, i, **kw)
    assert words in str(caught.value)
    assert Innovation.objects.get(pk=i.pk).state == State.APPRAISED


@pytest.mark.parametrize(
    ("shares", "words"),
    [((Decimal(60), Decimal(30)), "90"), ((Decimal(100), Decimal(0)), "大于零")],
)
def test_shares_add_up_to_100(inno, shares, words):
    authors = [(inno.harbin_worker, shares[0]), (inno.mate, shares[1])]
    with translation.override("zh-hans"), pytest.raises(services.InnovationError) as caught:
        f.submitted(inno.users.staff, inno.harbin_employer, authors)
    assert words in str(caught.value)
    assert not Innovation.objects.exists()


def test_a_step_out_of_order_is_refused(inno):
    i = f.submitted(inno.users.staff, inno.harbin_employer, inno.authors)
    with translation.override("zh-hans"), pytest.raises(services.InnovationError, match="已提交"):
        _calc(inno.users.staff, i)


def test_a_named_method_is_named_after_an_author(inno):
    data = services.InnovationData(
        title="王铁军车削操作法", kind=Kind.METHOD, description="x", employer=inno.harbin_employer,
        authors=inno.authors, method_name="王铁军车削操作法", named_after=inno.harbin_worker,
    )  # fmt: skip
    i = services.submit_innovation(actor=inno.worker_user, scope=Scope(inno.worker_user), data=data)
    assert (i.method_name, i.named_after) == ("王铁军车削操作法", inno.harbin_worker)
    other = services.InnovationData(**{**data.__dict__, "named_after": inno.qiqihar_worker})
    with pytest.raises(services.InnovationError):
        services.submit_innovation(actor=inno.users.staff, scope=Scope(inno.users.staff), data=other)


def test_a_worker_submits_only_as_an_author_and_outsiders_not_at_all(inno):
    data = services.InnovationData(
        title="x",
        kind=Kind.SUGGESTION,
        description="y",
        employer=inno.harbin_employer,
        authors=[(inno.mate, Decimal(100))],
    )
    with pytest.raises(PermissionDenied):  # the worker is not among the authors
        services.submit_innovation(actor=inno.worker_user, scope=Scope(inno.worker_user), data=data)
    with pytest.raises(PermissionDenied):
        services.submit_innovation(actor=inno.users.bob, scope=Scope(inno.users.bob), data=data)
    with pytest.raises(PermissionDenied):
        services.check(actor=inno.users.bob, scope=Scope(inno.users.bob),
                       innovation=f.submitted(inno.users.staff, inno.harbin_employer, inno.authors))  # fmt: skip


def test_an_open_objection_holds_recognition_and_an_upheld_one_rejects(inno):
    staff = inno.users.staff
    i = f.confirmed(inno.users.alice, inno.harbin_employer, inno.authors, Decimal(1000))
    i = services.publish_notice(actor=staff, scope=Scope(staff), innovation=i, until=TODAY + dt.timedelta(days=5))
    with pytest.raises(services.InnovationError):
        services.publish_notice(actor=staff, scope=Scope(staff), innovation=i, until=TODAY + dt.timedelta(days=5))
    objection = services.object_to(actor=inno.users.bob, scope=Scope(inno.users.bob), innovation=i, text="实为他人成果")
    Innovation.objects.filter(pk=i.pk).update(notice_until=TODAY - dt.timedelta(days=1))
    i.refresh_from_db()
    with translation.override("zh-hans"), pytest.raises(services.InnovationError, match="异议"):
        services.recognise(actor=staff, scope=Scope(staff), innovation=i)
    services.resolve_objection(actor=staff, scope=Scope(staff), objection=objection, upheld=True, resolution="查实")
    i.refresh_from_db()
    assert i.state == State.REJECTED
    from gongjiang.innovations.queries import benefit_of

    assert benefit_of(union_id=inno.province.pk) == Decimal("0.00")  # a rejected result no longer counts


def test_a_notice_runs_five_days_at_least(inno):
    i = f.confirmed(inno.users.alice, inno.harbin_employer, inno.authors, Decimal(1000))
    with translation.override("zh-hans"), pytest.raises(services.InnovationError, match="五"):
        services.publish_notice(actor=inno.users.staff, scope=Scope(inno.users.staff), innovation=i, until=TODAY)
