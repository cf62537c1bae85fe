from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from gongjiang.core.exports import Exporter

from .models import Studio


class StudioExporter(Exporter):
    """Studios as the user may see them, in the columns the studio importer reads back."""

    identifier = "studios"
    label = _("Innovation studios")
    headers = (
        _("Name"),
        _("Level"),
        _("State"),
        _("Employer"),
        _("Unified social credit code"),
        _("Lead"),
        _("Field"),
        _("Occupations"),
        _("Founded on"),
        _("Named on"),
    )

    def rows(self, items: Iterable[Studio]) -> Iterator[Sequence[Any]]:
        for s in items:
            yield (
                s.name,
                s.get_level_display(),
                s.get_state_display(),
                s.employer.name,
                s.employer.uscc,
                s.lead.name,
                s.field,
                "、".join(o.name for o in s.occupations.all()),
                s.founded_on.isoformat(),
                s.named_on.isoformat() if s.named_on else "",
            )
