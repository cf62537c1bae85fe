from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongjiang.core.exports import Exporter

from .models import Decision, LedgerLine, Nomination


class DecisionExporter(Exporter):
    """Every decision with its reason: what an auditor follows back to the document."""

    identifier = "decisions"
    label = _("Decisions")
    headers = (
        _("Facts as of"),
        _("Competition"),
        _("Event"),
        _("Rank"),
        pgettext_lazy("person", "Name"),
        _("Kind"),
        _("Rule"),
        _("Version"),
        _("Document number"),
        _("Clause"),
        _("Proposed amount"),
        _("Granted amount"),
        _("Grade"),
        pgettext_lazy("honour", "Title"),
        _("State"),
        _("Review note"),
        _("Reason"),
    )

    def rows(self, items: Iterable[Decision]) -> Iterator[Sequence[Any]]:
        from gongjiang.people.enums import Grade

        for d in items:
            yield (
                d.decided_on.isoformat(),
                d.result.event.competition.name,
                d.result.event.name,
                d.result.rank,
                d.worker.name,
                d.get_kind_display(),
                d.rule.name,
                d.rule.version,
                d.rule.document.doc_no,
                d.rule.clause,
                d.ceiling,
                d.amount,
                Grade(d.grade).label if d.grade else "",
                d.title,
                d.get_state_display(),
                d.review_note,
                d.reason,
            )


class LedgerExporter(Exporter):
    identifier = "ledger"
    label = _("Ledger")
    headers = (
        _("Line"),
        _("Programme"),
        _("Budget year"),
        _("Payee"),
        _("Union"),
        _("Amount (yuan)"),
        _("State"),
        _("Reverses line"),
        _("Proposed by"),
        _("Approved by"),
        _("Paid by"),
        _("Paid at"),
        _("Payment reference"),
        _("Reason"),
    )

    def rows(self, items: Iterable[LedgerLine]) -> Iterator[Sequence[Any]]:
        for line in items.select_related("proposed_by", "approved_by", "paid_by"):  # type: ignore[attr-defined]
            yield (
                line.pk,
                line.programme.name,
                line.year,
                line.payee,
                line.union.name,
                line.amount,
                line.get_state_display(),
                line.reverses_id or "",
                str(line.proposed_by),
                str(line.approved_by or ""),
                str(line.paid_by or ""),
                line.paid_at.isoformat(timespec="minutes") if line.paid_at else "",
                line.payment_ref,
                line.reason,
            )


class NominationExporter(Exporter):
    """A cycle's nominees (workers, units or teams) as the user may see them."""

    identifier = "nominations"
    label = _("Nominations")
    headers = (
        _("Honour cycle"),
        _("Conferred on"),
        _("Nominee"),
        pgettext_lazy("nominee", "Unit"),
        _("Nominating union"),
        _("Review score"),
        _("State"),
        _("Deeds and reasons"),
    )

    def rows(self, items: Iterable[Nomination]) -> Iterator[Sequence[Any]]:
        for n in items:
            yield (
                str(n.cycle),
                n.get_subject_display(),
                n.nominee,
                n.employer_name,
                n.allocation.union.name,
                n.score,
                n.get_state_display(),
                n.statement,
            )
