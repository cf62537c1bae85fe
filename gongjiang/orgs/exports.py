from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from gongjiang.core.exports import Exporter

from .models import Employer


class EmployerExporter(Exporter):
    identifier = "employers"
    label = _("Employers")
    headers = (_("Name"), _("Unified social credit code"), _("Region"), _("Industry"), _("Workers"))

    def rows(self, items: Iterable[Employer]) -> Iterator[Sequence[Any]]:
        for e in items:
            yield (e.name, e.uscc, e.region.name, e.industry, getattr(e, "worker_count", ""))
