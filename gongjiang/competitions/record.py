"""The competitions' parts of a worker's record (see :mod:`gongjiang.people.record`): entries with
their results, and certificates. Each is one query within the user's scope (``entries_for_user``)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongjiang.orgs.scope import Scope
from gongjiang.people.models import Worker
from gongjiang.people.record import ROWS, Link, Section

from .models import Certificate
from .queries import entries_for_user
from .scoring import q2

AWARD_LABELS = {"gold": _("Gold"), "silver": _("Silver"), "bronze": _("Bronze"), "merit": _("Merit award")}


def entries(scope: Scope, worker: Worker) -> Section:
    qs = (
        entries_for_user(scope)
        .filter(worker=worker)
        .select_related("event__competition", "result")
        .order_by("-event__competition__starts_on", "-pk")[:ROWS]
    )
    rows = []
    for e in qs:
        competition = e.event.competition
        result = getattr(e, "result", None)
        rows.append(
            [
                f"{competition.name} · {e.event.name}",
                competition.get_tier_display(),
                competition.starts_on.isoformat(),
                e.get_state_display(),
                result.rank if result else "—",
                q2(result.total) if result else "—",
                AWARD_LABELS.get(result.award, "—") if result else "—",
                competition.get_state_display(),
            ]
        )
    headers = [
        _("Competition and event"),
        _("Tier"),
        _("Starts on"),
        _("Entry"),
        _("Rank"),
        _("Total"),
        _("Award"),
        _("Competition state"),
    ]
    return Section("record-entries", _("Competitions and results"), headers, rows)


def certificates(scope: Scope, worker: Worker) -> Section:
    qs = (
        Certificate.objects.filter(result__entry__in=entries_for_user(scope).filter(worker=worker))
        .select_related("result__event__competition")
        .order_by("-issued_at")[:ROWS]
    )
    rows = [
        [
            Link(c.code, c.get_absolute_url()),
            f"{c.result.event.competition.name} · {c.result.event.name}",
            AWARD_LABELS.get(c.result.award, "—"),
            timezone.localdate(c.issued_at).isoformat(),
            _("Revoked") if c.revoked_at else _("Valid"),
        ]
        for c in qs
    ]
    headers = [_("Verification code"), _("Competition and event"), _("Award"), _("Issued"), _("State")]
    return Section("record-certificates", _("Competition certificates"), headers, rows)


SECTIONS = [entries, certificates]
