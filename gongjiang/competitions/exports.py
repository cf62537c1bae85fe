from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongjiang.core.exports import Exporter

from .models import Entry
from .scoring import q2


class EntryExporter(Exporter):
    """An event's entries as the user may see them; identifiers masked."""

    identifier = "entries"
    label = _("Entries")
    headers = (
        _("Competitor number"),
        pgettext_lazy("person", "Name"),
        _("ID number"),
        _("Employer"),
        _("Team"),
        _("State"),
        _("Registered"),
    )

    def rows(self, items: Iterable[Entry]) -> Iterator[Sequence[Any]]:
        for e in items:
            yield (
                e.competitor_no,
                e.worker.name,
                e.worker.id_number_masked,
                e.employer.name,
                e.team,
                e.get_state_display(),
                e.registered_at.date().isoformat(),
            )


AWARD_LABELS = {"gold": _("Gold"), "silver": _("Silver"), "bronze": _("Bronze"), "merit": _("Merit award")}


class ResultSheetExporter(Exporter):
    """An event's ranking as computed from the marks (or as published): one row per competitor."""

    identifier = "results"
    label = _("Results")
    headers = (
        _("Rank"),
        _("Competitor number"),
        pgettext_lazy("person", "Name"),
        _("Employer"),
        _("Theory"),
        _("Practical"),
        _("Total"),
        _("Award"),
    )

    def rows(self, items: Iterable[tuple[Any, Entry]]) -> Iterator[Sequence[Any]]:
        for result, entry in items:
            r = result.ranked
            yield (
                r.rank,
                entry.competitor_no,
                entry.worker.name,
                entry.employer.name,
                result.theory if result.theory is not None else "",
                q2(r.practical),
                q2(r.total),
                str(AWARD_LABELS.get(result.award, "")),
            )


DIMENSION_LABELS = {
    "region": _("By city"),
    "industry": _("By industrial union"),
    "tier": _("By tier"),
    "occupation": _("By occupation"),
    "year": _("By year"),
}


class FiguresExporter(Exporter):
    identifier = "participant-times"
    label = _("Participant-times")
    headers = (_("Dimension"), _("Group"), _("Participant-times"))

    def rows(self, items: Iterable[tuple[str, str, int]]) -> Iterator[Sequence[Any]]:
        yield from items
