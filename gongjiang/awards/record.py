"""The awards' parts of a worker's record (see :mod:`gongjiang.people.record`): rewards, promotions
and titles proposed from results with their reasons, money paid through the ledger, and honour
nominations. One query each, within the user's scope; each row links to a page the user may open."""

from django.utils.translation import gettext_lazy as _

from gongjiang.orgs.rules import APPROVE_PAYMENTS, VIEW_AWARDS
from gongjiang.orgs.scope import Scope
from gongjiang.people.models import Worker
from gongjiang.people.record import ROWS, Link, Section

from .enums import DecisionKind
from .queries import decisions_for, lines_for, nominations_for


def _sees_awards(scope: Scope) -> bool:
    return scope.has(VIEW_AWARDS) or scope.has(APPROVE_PAYMENTS)


def _proposal(d) -> str:  # type: ignore[no-untyped-def]
    if d.kind == DecisionKind.REWARD:
        amount = d.amount if d.amount is not None else d.ceiling
        return f"{amount:,.2f}" if amount is not None else "—"
    if d.kind == DecisionKind.PROMOTION:
        return f"{d.occupation.name if d.occupation else ''} {d.get_grade_display() or ''}".strip()
    return d.title


def decisions(scope: Scope, worker: Worker) -> Section | None:
    if not _sees_awards(scope):
        return None
    qs = decisions_for(scope).filter(worker=worker).order_by("-decided_on", "-pk")[:ROWS]
    rows = [
        [
            Link(d.get_kind_display(), d.get_absolute_url()),
            f"{d.result.event.competition.name} · {d.result.event.name}",
            _proposal(d),
            d.reason,
            d.get_state_display(),
            d.review_note or "—",
        ]
        for d in qs
    ]
    headers = [_("Kind"), _("Competition and event"), _("Proposal"), _("Reason"), _("State"), _("Review note")]
    return Section("record-decisions", _("Rewards and promotions"), headers, rows)


def payments(scope: Scope, worker: Worker) -> Section | None:
    if not _sees_awards(scope):
        return None
    qs = lines_for(scope).filter(worker=worker).order_by("-year", "-pk")[:ROWS]
    rows = [
        [
            Link(f"#{line.pk}", line.get_absolute_url()),
            line.programme.name,
            line.year,
            f"{line.amount:,.2f}",
            line.get_state_display(),
            line.reason,
        ]
        for line in qs
    ]
    headers = [_("Line"), _("Programme"), _("Budget year"), _("Amount (yuan)"), _("State"), _("Reason")]
    return Section("record-payments", _("Payments"), headers, rows)


def nominations(scope: Scope, worker: Worker) -> Section | None:
    if not _sees_awards(scope):
        return None
    qs = nominations_for(scope, scope.user.pk).filter(worker=worker).order_by("-cycle__year", "-pk")[:ROWS]
    rows = [
        [
            Link(f"{n.cycle.year} {n.cycle.title}", n.get_absolute_url()),
            n.allocation.union.name,
            n.get_state_display(),
            n.decision_note or "—",
        ]
        for n in qs
    ]
    headers = [_("Honour"), _("Nominated by"), _("State"), _("Decision")]
    return Section("record-nominations", _("Honour nominations"), headers, rows)


SECTIONS = [decisions, payments, nominations]
