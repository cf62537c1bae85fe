from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongjiang.core.exports import Exporter

from .models import Innovation


class InnovationExporter(Exporter):
    """Innovations as the user may see them, with their authors, origin and confirmed benefit."""

    identifier = "innovations"
    label = _("Innovation results")
    headers = (
        pgettext_lazy("work", "Title"),
        _("Kind"),
        _("State"),
        _("Employer"),
        _("Authors and shares"),
        _("Named operating method"),
        _("Competition"),
        _("Studio"),
        _("Project"),
        _("Grade"),
        _("Economic benefit (yuan)"),
        _("Benefit confirmed on"),
    )

    def rows(self, items: Iterable[Innovation]) -> Iterator[Sequence[Any]]:
        for i in items:
            yield (
                i.title,
                i.get_kind_display(),
                i.get_state_display(),
                i.employer.name,
                "、".join(f"{a.worker.name} {a.share.normalize():f}%" for a in i.authors.all()),
                i.method_name,
                i.competition.name if i.competition_id else "",  # type: ignore[union-attr]
                i.studio.name if i.studio_id else "",  # type: ignore[union-attr]
                i.project.title if i.project_id else "",  # type: ignore[union-attr]
                i.get_grade_display(),
                i.benefit if i.confirmed_on else "",
                i.confirmed_on.isoformat() if i.confirmed_on else "",
            )
