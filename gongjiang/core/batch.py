"""Bulk actions: one service call per item, each in its own transaction, so one refusal does not
stop the rest; the outcome names every item, done or refused with the reason.

The services keep every rule (scope, state, two-person ledger, quotas) and write each item's own
audit entry and ledger line; this only runs them one after another and collects what happened.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .errors import DomainError

T = TypeVar("T")
VERDICTS = ("accept", "reject")


@dataclass(frozen=True)
class Outcome:
    label: str  # what the item is, for the person who selected it
    done: bool
    reason: str = ""  # why it was refused
    result: Any = None  # what the service returned
    link: str = ""  # the item's page


def run_each(
    items: Iterable[T],
    call: Callable[[T], Any],
    *,
    label: Callable[[T], str],
    link: Callable[[T], str] | None = None,
) -> list[Outcome]:
    """``call(item)`` for each item in a transaction of its own; a domain error or a refused
    permission rolls back that item only and is reported with its reason."""
    outcomes = []
    for item in items:
        where = link(item) if link is not None else ""
        try:
            with transaction.atomic():
                result = call(item)
        except DomainError as exc:
            outcomes.append(Outcome(label(item), False, str(exc), link=where))
        except PermissionDenied:
            outcomes.append(Outcome(label(item), False, _("You may not do this."), link=where))
        else:
            outcomes.append(Outcome(label(item), True, result=result, link=where))
    return outcomes


def summary(outcomes: list[Outcome]) -> dict[str, int]:
    return {"done": sum(o.done for o in outcomes), "refused": sum(not o.done for o in outcomes)}


def selection(request: HttpRequest) -> tuple[list[int], str, str] | None:
    """The ticked ids, the verdict and the reason of a bulk form; None (with a message) when the
    form is incomplete, before anything is written."""
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()]
    verdict = request.POST.get("verdict", "")
    note = request.POST.get("note", "").strip()[:300]
    if not ids:
        messages.error(request, _("Select at least one item."))
        return None
    if verdict not in VERDICTS:
        messages.error(request, _("Choose whether to accept or reject."))
        return None
    if verdict == "reject" and not note:
        messages.error(request, _("Give the reason for rejecting."))
        return None
    return ids, verdict, note


def outcome_page(request: HttpRequest, outcomes: list[Outcome], *, title: str, back: str, nav: str) -> HttpResponse:
    return render(
        request,
        "includes/batch_outcome.html",
        {"outcomes": outcomes, "counts": summary(outcomes), "title": title, "back": back, "nav": nav},
    )
