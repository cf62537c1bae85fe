from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongjiang.core.exports import Exporter

from .models import Worker


class WorkerExporter(Exporter):
    """The worker list as the user filtered it; identifiers always masked."""

    identifier = "workers"
    label = _("Workers")
    headers = (
        pgettext_lazy("person", "Name"),
        _("ID number"),
        _("Sex"),
        _("Birth date"),
        _("Mobile"),
        _("Employer"),
        _("Occupations"),
        _("Highest grade"),
        _("Status"),
    )

    def rows(self, items: Iterable[Worker]) -> Iterator[Sequence[Any]]:
        for w in items:
            yield (
                w.name,
                w.id_number_masked,
                w.get_sex_display(),
                w.birth_date.isoformat(),
                w.phone_masked,
                w.employer.name,
                "、".join(o.name for o in w.occupations.all()),
                w.get_top_grade_display() if w.top_grade else "",
                w.get_status_display(),
            )
