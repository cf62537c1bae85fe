"""Innovations built the way the services build them: submitted, checked, appraised, calculated,
confirmed by the enterprise's own finance office; no surprises."""

import datetime as dt
from decimal import Decimal

from gongjiang.core.models import User
from gongjiang.innovations import services
from gongjiang.innovations.enums import Grade, Kind, State
from gongjiang.innovations.models import Innovation
from gongjiang.orgs import services as org_services
from gongjiang.orgs.enums import RoleKind
from gongjiang.orgs.scope import Scope


def finance(employer) -> User:
    """The enterprise's finance officer (a role at its own union)."""
    username = f"fin{employer.pk}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username=username, password="x-Gongjiang-2026", display_name="财务")
        org_services.grant_role(
            actor=None, scope=None, user=user, union=employer.union, kind=RoleKind.ENTERPRISE_FINANCE
        )
    return user


def submitted(admin, employer, authors, *, title="焊缝预热工装改进", kind=Kind.RENOVATION, **links) -> Innovation:
    return services.submit_innovation(
        actor=admin,
        scope=Scope(admin),
        data=services.InnovationData(
            title=title, kind=kind, description="试用三个月，效果稳定。", employer=employer, authors=authors, **links
        ),
    )


def advance(innovation, to, *, admin, benefit=Decimal("100000.00"), on=None) -> Innovation:
    """Through the review up to ``to`` (checked, appraised, calculated, confirmed)."""
    scope = Scope(admin)
    order = [State.CHECKED, State.APPRAISED, State.CALCULATED, State.CONFIRMED]
    for step in order[: order.index(to) + 1]:
        if step == State.CHECKED:
            innovation = services.check(actor=admin, scope=scope, innovation=innovation)
        elif step == State.APPRAISED:
            innovation = services.appraise(
                actor=admin, scope=scope, innovation=innovation, grade=Grade.SECOND, experts="王工、李工", opinion=""
            )
        elif step == State.CALCULATED:
            innovation = services.calculate(
                actor=admin,
                scope=scope,
                innovation=innovation,
                annual_saving=benefit,
                added_output=Decimal(0),
                years=Decimal(1),
                deductions=Decimal(0),
                method="节约额",
            )
        else:
            fin = finance(innovation.employer)
            innovation = services.confirm(actor=fin, scope=Scope(fin), innovation=innovation, on=on or dt.date.today())
    return innovation


def confirmed(admin, employer, authors, benefit, *, on=None, **links) -> Innovation:
    return advance(submitted(admin, employer, authors, **links), State.CONFIRMED, admin=admin, benefit=benefit, on=on)
