"""Exports of the standings (xlsx and CSV through core.exports): a round's and the final one."""

from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongjiang.core.exports import Exporter

from .models import Round, Standing
from .scoring import to_decimal
from .standings import FinalRow

CENT = Decimal("0.01")


def _yes(flag: bool) -> str:
    return str(_("Yes")) if flag else ""


class RoundStandingExporter(Exporter):
    identifier = "labour-round"
    label = _("Round standings")
    headers = (
        _("Rank"),
        pgettext_lazy("labour", "Enterprise"),
        _("Section (标段)"),
        pgettext_lazy("labour", "Score"),
        _("Red flag"),
        _("Vetoed"),
    )

    def rows(self, items: Iterable[Standing]) -> Iterator[Sequence[Any]]:
        for s in items:
            yield (
                s.rank,
                s.unit.employer.name,
                s.unit.section,
                s.score.quantize(CENT),
                _yes(s.red_flag),
                _yes(s.vetoed),
            )


class FinalStandingExporter(Exporter):
    identifier = "labour-standings"
    label = _("Final standing")

    def __init__(self, rounds: list[Round], *, published: bool = True) -> None:
        self.rounds = rounds
        if not published:  # the standing over the rounds closed so far, before the committee publishes it
            self.label = _("Provisional standing")
        self.headers = (
            _("Rank"),
            pgettext_lazy("labour", "Enterprise"),
            _("Section (标段)"),
            *[r.name for r in rounds],
            _("Final score"),
            _("Vetoed"),
        )

    def rows(self, items: Iterable[FinalRow]) -> Iterator[Sequence[Any]]:
        for row in items:
            yield (
                row.placed.rank,
                row.unit.employer.name,
                row.unit.section,
                *["" if s is None else s.quantize(CENT) for s in row.round_scores],
                to_decimal(row.placed.score, 2),
                _yes(row.placed.vetoed),
            )
