from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from gongjiang.core.exports import Exporter


class ImportErrorExporter(Exporter):
    """The error report of a rejected import: row, column, value (masked where personal), why."""

    identifier = "import-errors"
    label = _("Errors")
    headers = (_("Row"), _("Column"), _("Value"), _("Problem"))

    def rows(self, items: Iterable[dict[str, Any]]) -> Iterator[Sequence[Any]]:
        for e in items:
            yield (e["row"], e["column"], e["value"], e["message"])


class TemplateExporter(Exporter):
    """An empty file with an importer's headers, in the user's language."""

    identifier = "template"
    label = _("Template")

    def __init__(self, importer_cls: type) -> None:
        self.identifier = f"{importer_cls.kind}-template"
        self.headers = tuple(c.label for c in importer_cls.columns)

    def rows(self, items: Iterable[Any]) -> Iterator[Sequence[Any]]:
        yield from ()
