"""The ledger's rows as the view hands them to its template: strings made once a page (core.cells)."""

from collections.abc import Iterable
from typing import Any

from gongjiang.core.cells import Links, number
from gongjiang.core.templatetags.gongjiang import money

from .enums import LineState
from .models import LedgerLine

# The state's badge on the ledger (proposed: the warning colour).
STATE_BADGES = {
    LineState.PAID: "text-bg-success",
    LineState.APPROVED: "text-bg-primary",
    LineState.REJECTED: "text-bg-secondary",
}


def line_cells(lines: Iterable[LedgerLine]) -> list[dict[str, Any]]:
    """The ledger's cells as strings, made here rather than in the template (core.cells: a page of 50
    lines at province scale, a handful in a demo county's)."""
    link = Links("awards:line")
    return [
        {
            "url": link(line.pk),
            "pk": number(line.pk),
            "payee": line.payee,
            "union": line.union.name,
            "programme": line.programme.name,
            "year": number(line.year),
            "amount": money(line.amount),
            "negative": line.amount < 0,
            "badge": STATE_BADGES.get(line.state, "text-bg-warning"),
            "state": line.get_state_display(),
        }
        for line in lines
    ]
