"""Bulk review: many proposals or nominations decided with one verdict and one reason, each through
the same service as its own page (its own transaction, audit entry and ledger line), so one refusal
does not stop the rest. Items the user may not see are refused, never touched."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gongjiang.core.batch import Outcome, run_each
from gongjiang.core.models import User
from gongjiang.orgs.scope import Scope

from ..models import Decision, Nomination
from .base import AwardError
from .decisions import review_decision
from .honours import approve_nomination, reject_nomination

MAX_ITEMS = 200  # items decided in one request
VERDICTS = {"accept", "reject"}


def _found(qs: QuerySet[Any], ids: list[int]) -> list[tuple[int, Any]]:
    ids = list(dict.fromkeys(ids))[:MAX_ITEMS]
    found = qs.in_bulk(ids)
    return [(pk, found.get(pk)) for pk in ids]


def _label(kind: str) -> Any:
    def label(pair: tuple[int, Any]) -> str:
        pk, obj = pair
        return str(obj) if obj is not None else _("%(kind)s %(id)s (not found)") % {"kind": kind, "id": pk}

    return label


def _missing() -> Any:
    raise AwardError(_("Not found, or not yours to decide."))


def review_decisions(
    *, actor: User, scope: Scope, visible: QuerySet[Decision], ids: list[int], verdict: str, note: str
) -> list[Outcome]:
    """Accept or reject each proposal (a reward at its rule's amount); ``visible`` is the user's
    :func:`queries.decisions_for`."""
    if verdict not in VERDICTS:
        raise ValueError(verdict)
    return run_each(
        _found(visible, ids),
        lambda pair: (
            _missing()
            if pair[1] is None
            else review_decision(actor=actor, scope=scope, decision=pair[1], verdict=verdict, note=note)
        ),
        label=_label(_("Proposal")),
        link=lambda pair: pair[1].get_absolute_url() if pair[1] is not None else "",
    )


def decide_nominations(
    *, actor: User, scope: Scope, visible: QuerySet[Nomination], ids: list[int], verdict: str, note: str
) -> list[Outcome]:
    """Approve or reject each nominee; approval keeps the cycle's quota and each union's allocation
    (the cycle row is locked for each approval in turn)."""
    if verdict not in VERDICTS:
        raise ValueError(verdict)

    def decide(pair: tuple[int, Any]) -> Any:
        if pair[1] is None:
            return _missing()
        if verdict == "accept":
            return approve_nomination(actor=actor, scope=scope, nomination=pair[1], note=note)
        return reject_nomination(actor=actor, scope=scope, nomination=pair[1], note=note)

    return run_each(
        _found(visible, ids),
        decide,
        label=lambda pair: pair[1].nominee if pair[1] is not None else _label(_("Nomination"))(pair),
        link=lambda pair: pair[1].get_absolute_url() if pair[1] is not None else "",
    )
