from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from gongjiang.core.exports import Exporter

from .models import Application


class CatalogueExporter(Exporter):
    """A union's 竞赛目录 of a year: every approved project with its particulars."""

    identifier = "catalogue"
    label = _("Competition catalogue")
    headers = (
        _("Year"),
        _("Project name"),
        _("Kind"),
        _("Level"),
        _("Applying union"),
        _("Leading body"),
        _("Starts on"),
        _("Ends on"),
        _("Budget (yuan)"),
        _("Approving union"),
        _("Approved on"),
        _("Indicators"),
    )

    def rows(self, items: Iterable[Application]) -> Iterator[Sequence[Any]]:
        for a in items:
            yield (
                a.year,
                a.name,
                a.get_kind_display(),
                a.get_tier_display(),
                a.applicant.name,
                a.leading_body,
                a.starts_on,
                a.ends_on,
                a.budget,
                a.approver.name if a.approver_id else "",
                a.approved_at.date() if a.approved_at else "",
                a.indicators,
            )
